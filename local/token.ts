/**
 * `npm run --silent token -- <email>`: signs a demo user of the running `npm start` in (answering the TOTP
 * challenge for the enrolled one) and prints the access token alone, for `TOKEN=$(…)`.
 */
import { ENROLLED_USER, demoAccessToken, loadDemo } from "./demo";

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const email = process.argv[2] ?? ENROLLED_USER;
  process.stdout.write(`${await demoAccessToken(loadDemo(), email)}\n`);
}

main().catch((error: unknown) => {
  console.error(`token: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
