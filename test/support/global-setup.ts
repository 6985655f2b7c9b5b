import { buildBundles } from "../../scripts/build";

export default async function globalSetup(): Promise<void> {
  await buildBundles();
}
