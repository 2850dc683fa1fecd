import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

/** .github/workflows/ci.yml runs what .ci/run runs, and what the issue asked of CI besides. */
const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), "utf8");
type Step = { run?: string; uses?: string; with?: Record<string, unknown> };
type Job = { "runs-on": string; steps: Step[]; strategy?: { matrix: { node: number[] } } };
const workflow = parse(read(".github/workflows/ci.yml")) as { on: Record<string, unknown>; env: Record<string, string>; jobs: Record<string, Job> };
const pkg = JSON.parse(read("package.json")) as { scripts: Record<string, string>; devDependencies: Record<string, string> };
const commands = (job: Job) => job.steps.flatMap((s) => (s.run ?? "").split("\n").map((line) => line.trim()).filter(Boolean));
const everyCommand = Object.values(workflow.jobs).flatMap(commands);

describe(".github/workflows/ci.yml", () => {
  it("runs on pushes to main and on pull requests, with the checks, schema, test and image jobs", () => {
    expect(Object.keys(workflow.on).sort()).toEqual(["pull_request", "push"]);
    expect(Object.keys(workflow.jobs).sort()).toEqual(["checks", "image", "schema-compatibility", "test"]);
  });

  it("runs every check of .ci/run", () => {
    const ciRun = read(".ci/run");
    const npmRuns = [...ciRun.matchAll(/^npm run ([\w:-]+)$/gm)].map((m) => m[1]!);
    expect(npmRuns).toEqual(expect.arrayContaining(["typecheck", "lint", "schema:check"]));
    for (const script of npmRuns) expect(everyCommand).toContain(`npm run ${script}`);
    // `npm test` is test:server then test:client; CI runs the server part with coverage.
    expect(ciRun).toMatch(/^npm test$/m);
    expect(pkg.scripts.test).toBe("npm run test:server && npm run test:client");
    expect(commands(workflow.jobs.test!)).toEqual(expect.arrayContaining(["npm run test:coverage", "npm run test:client"]));
    // The system packages .ci/run installs for the tests.
    for (const [, name] of ciRun.matchAll(/missing\+=\(([\w-]+)\)/g)) expect(workflow.env.APT_PACKAGES.split(" ")).toContain(name);
  });

  it("tests on Node 20 and on the LTS the image runs", () => {
    const nodes = workflow.jobs.test!.strategy!.matrix.node;
    expect(nodes).toContain(20);
    const images = [...read("docker/Dockerfile").matchAll(/^FROM node:(\d+)-/gm)].map((m) => Number(m[1]));
    expect(new Set(images).size).toBe(1);
    expect(nodes).toContain(images[0]);
    expect(images[0]).toBeGreaterThanOrEqual(22);
  });

  it("holds the coverage floor at 80% of lines or more, with the coverage provider of vitest's own version", () => {
    const floor = Number(/--coverage\.thresholds\.lines=(\d+)/.exec(pkg.scripts["test:coverage"]!)?.[1]);
    expect(floor).toBeGreaterThanOrEqual(80);
    expect(pkg.devDependencies["@vitest/coverage-v8"]).toBe(pkg.devDependencies.vitest);
  });

  it("audits dependencies at high severity, diffs the schema against the base branch, and builds the image", () => {
    expect(everyCommand).toContain("npm audit --audit-level=high");
    expect(everyCommand.some((c) => /@graphql-inspector\/cli@[\d.]+ diff "git:\$base:schema\.graphql" schema\.graphql/.test(c))).toBe(true);
    const build = workflow.jobs.image!.steps.find((s) => s.uses?.startsWith("docker/build-push-action"));
    expect(build?.with).toMatchObject({ file: "docker/Dockerfile", push: false });
  });
});
