import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll } from "vitest";
import { startTestServer, type TestServer } from "../../support/server.js";
import { assertChromiumInstalled, launchChromium } from "./browser.js";

const CLIENT_DIR = fileURLToPath(new URL("../../../frontend/dist/", import.meta.url));
const ARTIFACTS_DIR = fileURLToPath(new URL("../../artifacts/e2e/", import.meta.url));

/** What a page showed that a test may assert on: dialogs it opened and scripts that crashed. */
export interface PageLog {
  dialogs: { type: string; message: string }[];
  errors: string[];
}

export interface E2EApp {
  /** The API server (HTTPS, throwaway database) serving the built client. */
  readonly t: TestServer;
  /**
   * A page in a fresh browser profile (own cookies and storage): one per person in a scenario.
   * The last page opened is the one whose final screen the test keeps, unless `keep` says otherwise.
   */
  newPage(options?: { width?: number; height?: number }): Promise<Page>;
  /** Keeps this page's final screen as the test's screenshot. */
  keep(page: Page): void;
  log(page: Page): PageLog;
}

/**
 * Boots the server with the built client and one Chromium for the file; every test gets
 * fresh browser profiles, closed after it, and leaves `tests/artifacts/e2e/<test name>.png`.
 */
export function useE2EApp(options: { env?: Record<string, string> } = {}): E2EApp {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  let contexts: BrowserContext[] = [];
  let pages: Page[] = [];
  let kept: Page | undefined;
  const logs = new WeakMap<Page, PageLog>();

  beforeAll(async () => {
    assertChromiumInstalled();
    if (!existsSync(`${CLIENT_DIR}index.html`)) {
      throw new Error(`No built client in ${CLIENT_DIR}: run \`npm run build:client\` first (npm run test:client does).`);
    }
    server = await startTestServer({ env: { CLIENT_DIR, ...options.env } });
    browser = await launchChromium(server.ca);
  });

  afterEach(async (ctx) => {
    const page = kept;
    const opened = pages;
    kept = undefined;
    pages = [];
    try {
      if (page && !page.isClosed()) {
        mkdirSync(ARTIFACTS_DIR, { recursive: true });
        await page.screenshot({ path: `${ARTIFACTS_DIR}${artifactName(ctx.task.name)}.png`, fullPage: true });
      }
    } finally {
      await Promise.all(contexts.map((c) => c.close()));
      contexts = [];
    }
    // A script that throws in the client is a bug even when the screen looks right.
    const errors = opened.flatMap((p) => logs.get(p)?.errors ?? []);
    if (errors.length) throw new Error(`Uncaught errors in the page: ${errors.join(" | ")}`);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  return {
    get t() {
      if (!server) throw new Error("The e2e server is not started (useE2EApp's beforeAll failed?)");
      return server;
    },
    async newPage({ width = 1280, height = 800 } = {}) {
      if (!browser || !server) throw new Error("The e2e browser is not started (useE2EApp's beforeAll failed?)");
      const context = await browser.newContext({ baseURL: server.url, viewport: { width, height }, locale: "en-GB", timezoneId: "UTC" });
      contexts.push(context);
      const page = await context.newPage();
      const log: PageLog = { dialogs: [], errors: [] };
      logs.set(page, log);
      page.on("pageerror", (error) => log.errors.push(error.message));
      // Confirmations are answered yes, as the person in the scenario would; anything else is noted and dismissed.
      page.on("dialog", (dialog) => {
        log.dialogs.push({ type: dialog.type(), message: dialog.message() });
        void (dialog.type() === "confirm" ? dialog.accept() : dialog.dismiss());
      });
      pages.push(page);
      kept = page;
      return page;
    },
    keep(page) {
      kept = page;
    },
    log(page) {
      const log = logs.get(page);
      if (!log) throw new Error("Not a page opened by newPage()");
      return log;
    },
  };
}

/** "a customer signs up and opens a ticket" -> "a-customer-signs-up-and-opens-a-ticket". */
function artifactName(testName: string): string {
  return testName.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 120);
}
