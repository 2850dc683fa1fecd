import { describe, expect, it } from "vitest";
import type { Services } from "../../../src/services.js";
import { registerGauges } from "../../../src/server/observability/metrics.gauges.js";
import { ServerMetrics } from "../../../src/server/observability/metrics.registry.js";
import { dashboardMetricNames, dashboardPanels } from "../../integration/observability/dashboard-metrics.js";

/** The names a server's registry declares: its own metrics, the gauges read at scrape time and Node's. */
function registeredNames(): Set<string> {
  const metrics = new ServerMetrics();
  // Registering only builds the gauges; nothing of the services is read until a scrape.
  registerGauges(metrics, {} as Services, () => 0, () => {});
  return new Set(metrics.registry.getMetricsAsArray().map((metric) => metric.name));
}

describe("deploy/grafana/deskql-dashboard.json", () => {
  const panels = dashboardPanels();

  it("graphs only metrics the server exposes", () => {
    const registered = registeredNames();
    const names = dashboardMetricNames();
    expect(names.length).toBeGreaterThan(20);
    expect(names.filter((name) => !registered.has(name) && !registered.has(name.replace(/_(bucket|sum|count)$/, "")))).toEqual([]);
  });

  it("graphs every metric of ours", () => {
    const used = new Set(dashboardMetricNames().map((name) => name.replace(/_(bucket|sum|count)$/, "")));
    expect([...registeredNames()].filter((name) => name.startsWith("deskql_") && !used.has(name))).toEqual([]);
  });

  it("gives every panel a unique id and a query, filtered by the replica variable", () => {
    const ids = panels.map((panel: any) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of panels.filter((p: any) => p.type !== "row")) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets!) expect(target.expr, panel.title).toContain('instance=~"$instance"');
    }
  });
});
