import { describe, expect, it } from "vitest";
import { axeViolations } from "./support/axe.js";
import { useE2EApp } from "./support/e2e-app.js";
import { heading, navigate, signIn } from "./support/session.steps.js";

// Scheduled runs off: the runs the page shows are the ones this test starts.
const app = useE2EApp({ env: { JOBS_ENABLED: "false" } });

describe("job administration", () => {
  it("an admin sees the jobs and their schedules, starts a dry run and a real run, and reads their totals", async () => {
    const admin = await app.t.createUser("ADMIN", "Jo Jobs");
    const page = await app.newPage();
    await signIn(page, admin.email, admin.password);

    await navigate(page, "Jobs");
    await heading(page, "Jobs").waitFor();
    const job = page.getByRole("listitem").filter({ has: page.getByRole("heading", { level: 2, name: "events.purge" }) });
    await job.getByText("7 * * * *").waitFor();
    await job.getByText("No runs yet.").waitFor();
    expect(await axeViolations(page)).toEqual([]);

    await job.getByRole("button", { name: "Dry run: events.purge" }).click();
    await page.getByRole("status").getByText("A dry run of events.purge started").waitFor({ state: "attached" });
    const runs = job.getByRole("table", { name: "Latest runs of events.purge" });
    await runs.getByRole("row").filter({ hasText: "By an admin (dry run)" }).filter({ hasText: "Succeeded" }).waitFor();

    await job.getByRole("button", { name: "Run now: events.purge" }).click();
    const real = runs.getByRole("row").filter({ hasText: "By an admin", hasNotText: "dry run" }).filter({ hasText: "Succeeded" });
    await real.waitFor();
    // How, then Total, Processed, Skipped (idempotent), Errors: one unit, done.
    const cells = await real.getByRole("cell").allTextContents();
    expect(cells[1]!.trim()).toBe("By an admin");
    expect(cells.slice(3).map((c) => c.trim())).toEqual(["1", "1", "0", "0"]);
    expect(await axeViolations(page)).toEqual([]);
  });
});
