/**
 * The one esbuild configuration: `npm run build`, the tests and the CDK construct all use what it writes,
 * so what is tested is what is deployed.
 */
import { build, type BuildOptions } from "esbuild";
import { join } from "node:path";

export const ROOT = join(__dirname, "..");
export const DIST = join(ROOT, "dist");

/** Handler name → entry point; each is written to `dist/<name>/index.js`. */
export const HANDLERS = {
  strict: "lambda/strict.ts",
  "no-mfa": "lambda/no-mfa.ts",
} as const;

export type HandlerName = keyof typeof HANDLERS;

/** Example route backends of the demo stack, written to `dist/examples/<name>/index.js`. */
export const EXAMPLES = {
  "mfa-status": "lambda/examples/mfa-status.ts",
} as const;

export const bundlePath = (name: HandlerName): string => join(DIST, name, "index.js");

export const esbuildOptions: BuildOptions = {
  bundle: true,
  platform: "node",
  target: "node22",
  format: "cjs",
  minify: true,
  sourcemap: true,
  // The SDK's ES module build lets esbuild drop the commands strict does not send (its CommonJS build cannot be shaken).
  mainFields: ["module", "main"],
  // The dependencies carry no license comments worth keeping (only coverage pragmas); their licenses ship with the package.
  legalComments: "none",
  logLevel: "warning",
};

export async function buildBundles(): Promise<void> {
  const outputs = [
    ...Object.entries(HANDLERS).map(([name, entry]) => [entry, join(DIST, name, "index.js")]),
    ...Object.entries(EXAMPLES).map(([name, entry]) => [entry, join(DIST, "examples", name, "index.js")]),
  ];
  await Promise.all(outputs.map(([entry, outfile]) => build({ ...esbuildOptions, entryPoints: [join(ROOT, entry)], outfile })));
}

if (require.main === module) {
  buildBundles().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
