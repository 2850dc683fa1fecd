import "reflect-metadata";
import { ConfigError, loadConfig } from "./config.js";

const configProblem = (error: ConfigError) => {
  console.error(`${error.message}\nSee .env.example for every setting.`);
  process.exit(78);
};

/** Exit codes: 78 (EX_CONFIG) for bad settings, 1 for any other start failure. */
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
    const force = setTimeout(() => {
      logger.error("shutdown grace period over: exiting with requests still open");
      process.exit(1);
    }, config.http.shutdownGraceMs).unref();
    server.close().then(
      () => {
        clearTimeout(force);
        logger.info("stopped");
        process.exit(0);
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
