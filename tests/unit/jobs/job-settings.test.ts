import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../../src/config.js";

describe("job settings", () => {
  it("reads per-job schedules and switches from JOBS_SCHEDULES", () => {
    const config = loadConfig({ JOBS_SCHEDULES: '{"events.purge":"off","tickets.auto-close":"*/5 * * * *"}' });
    expect(config.jobs.schedules).toEqual({ "events.purge": "off", "tickets.auto-close": "*/5 * * * *" });
    expect(loadConfig({}).jobs).toMatchObject({ enabled: true, schedules: {}, concurrency: 4, maxRetries: 3, leaseSeconds: 300 });
  });

  it("refuses a schedule that is not a cron expression, or not JSON, naming the job", () => {
    expect(() => loadConfig({ JOBS_SCHEDULES: '{"events.purge":"every hour"}' })).toThrow(/events\.purge: "every hour" is not a cron expression/);
    expect(() => loadConfig({ JOBS_SCHEDULES: "events.purge=off" })).toThrow(ConfigError);
  });

  it("wants the close reminder before the close", () => {
    expect(() => loadConfig({ TICKETS_AUTO_CLOSE_DAYS: "3", TICKETS_CLOSE_REMINDER_DAYS: "3" })).toThrow(/TICKETS_CLOSE_REMINDER_DAYS must be below TICKETS_AUTO_CLOSE_DAYS/);
    expect(loadConfig({ TICKETS_AUTO_CLOSE_DAYS: "0", TICKETS_CLOSE_REMINDER_DAYS: "5" }).lifecycle.autoCloseDays).toBe(0);
  });
});
