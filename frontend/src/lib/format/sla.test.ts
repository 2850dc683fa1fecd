import { describe, expect, it } from "vitest";
import { slaLabel } from "./sla.ts";

describe("slaLabel", () => {
  it("says how long is left, and warns once the target is at risk", () => {
    expect(slaLabel("ON_TRACK", 3 * 3600 + 600)).toEqual({ text: "Due in 3 h 10 min", tone: "muted" });
    expect(slaLabel("AT_RISK", 12 * 60)).toEqual({ text: "Due soon · 12 min left", tone: "warning" });
  });

  it("names a breach and a pause, and says nothing once met", () => {
    expect(slaLabel("BREACHED", -60)).toEqual({ text: "SLA breached", tone: "danger" });
    expect(slaLabel("PAUSED", 600)).toEqual({ text: "SLA paused", tone: "muted" });
    expect(slaLabel("MET", null)).toBeNull();
  });
});
