import "reflect-metadata";
import { readFileSync, writeFileSync } from "node:fs";
import { printSchema } from "graphql";
import { buildBareSchema } from "./schema.js";

/**
 * Prints the code-first schema to `schema.graphql` (sorted, so diffs stay small), or with
 * `--check` fails when the committed file differs: CI's drift check.
 */
export async function printedSchema(): Promise<string> {
  const sdl = printSchema(await buildBareSchema());
  return `# Generated from the code by \`npm run schema:emit\`; do not edit. CI fails when it drifts.\n\n${sdl}\n`;
}

async function main() {
  const check = process.argv.includes("--check");
  const sdl = await printedSchema();
  const file = "schema.graphql";
  if (!check) {
    writeFileSync(file, sdl);
    console.log(`Wrote ${file}`);
    return;
  }
  let committed = "";
  try {
    committed = readFileSync(file, "utf8");
  } catch {
    // missing counts as drift
  }
  if (committed !== sdl) {
    console.error(`${file} is out of date with the code. Run \`npm run schema:emit\` and commit the result.`);
    process.exit(1);
  }
  console.log(`${file} matches the code.`);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\/dist\//, "dist/"))) await main();
