// The architecture check's second pass (`npm run lint:arch`): no two domain modules import each
// other. A side effect in another module is a subscriber to a domain event (src/core/events/),
// registered in src/services.ts, not a call into its service.
//
// Why a second config: "tickets imports users AND users imports tickets" is a cycle between
// folders even when no file cycle exists (tickets/a -> users/b, users/c -> tickets/d), so the
// file-level no-circular of .dependency-cruiser.cjs misses it, and group-matched file rules
// ($1) cannot ask "does the other folder import back?". dependency-cruiser's folder-scoped
// `circular` rule can, but it sees every folder's edges and has no `viaOnly` for folders: in the
// full graph each module would be "circular" through src/graphql/schema.ts (which imports every
// resolver, while each resolver imports graphql/context.ts). Cruising only src/modules/ keeps
// just the direct module-to-module imports, where a folder cycle means exactly modules that
// depend on each other (two-way, or around a longer ring A -> B -> C -> A).

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-modules-importing-each-other",
      scope: "folder",
      severity: "error",
      comment:
        "These domain modules import each other. Move what both need down into src/core/ (or the " +
        "module that owns it), or turn the call into a domain event the other module subscribes to.",
      from: { path: "^src/modules/[^/]+$" },
      to: { path: "^src/modules/[^/]+$", circular: true },
    },
  ],
  options: {
    includeOnly: "^src/modules/",
    // Same parsing and resolution as .dependency-cruiser.cjs: type-only imports count too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    moduleSystems: ["es6", "cjs"],
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".js", ".mjs", ".cjs", ".d.ts", ".json"],
      mainFields: ["module", "main", "types", "typings"],
    },
    skipAnalysisNotInRules: true,
  },
};
