import "reflect-metadata";
import { ConfigError, loadConfig } from "./config.js";

const configProblem = (error: ConfigError) => {
  console.error(`${error.message}\nSee .env.example for every setting.`);
  process.exit(78);
};

/** How long after the grace period a stop may take to close the pool and background work. */
const HANG_MARGIN_MS = 5_000;

/**
 * Exit codes: 78 (EX_CONFIG) for bad settings, 1 for any other start failure; on SIGTERM/SIGINT,
 * 0 when every request was answered, 1 when the grace period cut some.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) configProblem(error);
    throw error;
  }

  // Loaded once the settings are valid, so a bad setting is reported at once, not after the
  // whole server (ORM, Apollo, every module) has been imported.
  const { startServer } = await import("./server/start.js");
  const { argon2Build } = await import("./modules/auth/password.hasher.js");
  const server = await startServer(config);
  const { logger } = server;
  logger.info({ url: server.url, database: config.database.kind, argon2: argon2Build }, "DeskQL is listening");
  if (server.tlsGenerated) logger.warn({ cert: config.tls.certFile }, "generated a self-signed TLS certificate for localhost: your browser will warn about it");
  if (server.firstAdmin) {
    const { email, generatedPassword } = server.firstAdmin;
    // Printed once, to the console only (not the JSON log), so it is not shipped to log storage.
    console.log(
      [
        "",
        "  First admin account created.",
        `  Sign in at ${server.url}/ as ${email}`,
        generatedPassword ? `  with the password: ${generatedPassword}` : "  with the password from ADMIN_PASSWORD.",
        generatedPassword ? "  It is shown only this once: change it after signing in." : "",
        "",
      ].join("\n"),
    );
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down: draining in-flight requests");
    // The drain itself ends at SHUTDOWN_GRACE_MS (server/drain.ts); this only guards against a
    // stop that hangs after it (a pool closing against a frozen database).
    const force = setTimeout(() => {
      logger.error("shutdown did not finish after the grace period: exiting");
      process.exit(1);
    }, config.http.shutdownGraceMs + HANG_MARGIN_MS).unref();
    server.close().then(
      ({ answeredAll, cut }) => {
        clearTimeout(force);
        if (!answeredAll) logger.error({ cut }, "shutdown grace period over: requests still running were cut");
        logger.info("stopped");
        process.exit(answeredAll ? 0 : 1);
      },
      (error) => {
        logger.error({ err: error }, "error while shutting down");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

main().catch((error) => {
  // Settings only found wanting at start (no certificate or signing key in production, a
  // weak ADMIN_PASSWORD) are configuration problems too.
  if (error instanceof ConfigError) configProblem(error);
  console.error(`DeskQL failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
