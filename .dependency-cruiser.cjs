// The architecture check (`npm run lint:arch`, part of `npm run lint`): the import rules of
// ../shared/STYLE.md, "server -> graphql -> modules -> core/db", kept by the machine.
// Type-only imports count everywhere: a cycle through `import type` is still a cycle a reader
// has to untangle, and it was how the 30-file cycle of issue 14 formed.
// The other half of the check, "no two domain modules import each other", is a folder-level
// rule and lives in .dependency-cruiser.modules.cjs (why: see there).

/** Module files that may know GraphQL: they build the schema, its rules and its loaders. */
const GRAPHQL_AWARE = "[.](?:resolver|types|rules|loaders)[.]ts$";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment:
        "This import closes a cycle (type-only imports included). Move the shared piece down " +
        "(into src/core/ or the module that owns it) or invert the dependency with a domain event.",
      from: {},
      to: { circular: true },
    },
    {
      name: "graphql-only-in-graphql-aware-module-files",
      severity: "error",
      comment:
        "Inside a module only *.resolver.ts, *.types.ts, *.rules.ts and *.loaders.ts may import " +
        "src/graphql/. Services, entities, states, access and events files take a RequestScope " +
        "(src/core/scope.ts) and throw src/core/errors.ts errors instead.",
      from: { path: "^src/modules/", pathNot: GRAPHQL_AWARE },
      to: { path: "^src/graphql/" },
    },
    {
      name: "core-imports-only-core",
      severity: "error",
      comment:
        "src/core/ is the kernel under everything: it imports npm packages and itself, nothing " +
        "else from src/ (no config, db, modules, graphql or server).",
      from: { path: "^src/core/" },
      to: { path: "^src/", pathNot: "^src/core/" },
    },
    {
      name: "server-on-top",
      severity: "error",
      comment:
        "src/server/ (HTTP, TLS, the auth edge) sits on top: graphql, modules, core and db never " +
        "import it. Pass what they need down (RequestMeta, Viewer, HttpBinding in src/core/).",
      from: { path: "^src/(?:graphql|modules|core|db)/" },
      to: { path: "^src/server/" },
    },
    {
      name: "composition-root-on-top",
      severity: "error",
      comment:
        "src/services.ts (the composition root) and src/main.ts wire everything, so nothing under " +
        "modules, core or db imports them. A module needs another service injected through its " +
        "constructor, or a subscriber to a domain event.",
      from: { path: "^src/(?:modules|core|db)/" },
      to: { path: "^src/(?:services|main)[.]ts$" },
    },
    {
      name: "db-below-graphql",
      severity: "error",
      comment: "src/db/ (ORM setup, migrations, seeders, the events table) knows nothing of GraphQL.",
      from: { path: "^src/db/" },
      to: { path: "^src/graphql/" },
    },
    {
      name: "db-imports-modules-only-from-its-entry-points",
      severity: "error",
      comment:
        "Below the modules, src/db/ may name them only where it has to: entities.ts lists their " +
        "entities for the ORM; the seeders and the db CLI are operator tools run on top of the " +
        "whole app. Anything else in db/ importing a module points the arrow upward.",
      // Narrow, known exceptions: the entity list, and the operator tools (demo seeders, cli.ts).
      from: { path: "^src/db/", pathNot: "^src/db/(?:entities[.]ts|cli[.]ts|seeders/)" },
      to: { path: "^src/modules/" },
    },
    {
      name: "db-entity-list-imports-only-entities",
      severity: "error",
      comment: "src/db/entities.ts lists entities; it must not pull in a module's services or GraphQL types.",
      from: { path: "^src/db/entities[.]ts$" },
      to: { path: "^src/modules/", pathNot: "[.]entity[.]ts$" },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      comment: "This import resolves to no file or installed package.",
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: "not-to-dev-dep",
      severity: "error",
      comment:
        "Production code imports an npm package listed only in devDependencies; it would be " +
        "missing after `npm ci --omit=dev`. Move it to dependencies (type-only imports are fine).",
      from: { path: "^src/" },
      to: { dependencyTypes: ["npm-dev"], dependencyTypesNot: ["type-only"], pathNot: "node_modules/@types/" },
    },
    {
      name: "no-non-package-json",
      severity: "error",
      comment: "This imports an npm package that package.json does not declare.",
      from: {},
      to: { dependencyTypes: ["npm-no-pkg", "npm-unknown"] },
    },
    {
      name: "no-orphans",
      severity: "error",
      comment: "Nothing imports this file and it imports nothing: dead code, or a missing import.",
      from: {
        orphan: true,
        pathNot: [
          "[.]d[.]ts$",
          // A module's events file only augments EventCatalog (`declare module ".../catalog.js"`):
          // TypeScript reads it through tsconfig's include, nothing imports it at runtime.
          "^src/modules/[^/]+/[^/]+[.]events[.]ts$",
        ],
      },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    // Also see imports that vanish in compilation (`import type`, `import { type X }`).
    tsPreCompilationDeps: true,
    // tsconfig.json's NodeNext resolution maps "./x.js" to ./x.ts.
    tsConfig: { fileName: "tsconfig.json" },
    moduleSystems: ["es6", "cjs"],
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".js", ".mjs", ".cjs", ".d.ts", ".json"],
      mainFields: ["module", "main", "types", "typings"],
    },
    skipAnalysisNotInRules: true,
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
