/**
 * The earlier entry point of the operator commands, kept so that deployments and runbooks that
 * run `node dist/src/db/cli.js migrate | seed | keys:rotate | migration:create` keep working.
 * Everything lives in the `deskql` command-line tool now (src/cli/main.ts).
 */
import "../cli/main.js";
