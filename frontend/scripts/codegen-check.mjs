// CI guard for the committed GraphQL types: fails when the generated introspection no longer
// matches ../schema.graphql, or when a document asks for something the schema does not have.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const tsconfig = "src/lib/graphql/tsconfig.json";
const committed = join(root, "src/lib/graphql/generated/graphql-env.d.ts");
const bin = join(root, "node_modules/.bin/gql.tada");
const run = (cmd, args) => {
  try {
    execFileSync(cmd, args, { cwd: root, stdio: "inherit" });
  } catch {
    process.exit(1); // the command has printed why
  }
};

const dir = mkdtempSync(join(tmpdir(), "deskql-codegen-"));
try {
  const fresh = join(dir, "graphql-env.d.ts");
  run(bin, ["generate-output", "--tsconfig", tsconfig, "--output", fresh]);
  if (readFileSync(fresh, "utf8") !== readFileSync(committed, "utf8")) {
    console.error("src/lib/graphql/generated/graphql-env.d.ts is out of date: run `npm run codegen` and commit the result.");
    process.exit(1);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

run(bin, ["check", "--tsconfig", tsconfig, "--fail-on-warn"]);
console.log("Generated GraphQL types are up to date and every document matches the schema.");
