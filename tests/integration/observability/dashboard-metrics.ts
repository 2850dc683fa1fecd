import { readFileSync } from "node:fs";

export const DASHBOARD_FILE = new URL("../../../deploy/grafana/deskql-dashboard.json", import.meta.url);

interface Panel {
  title?: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}

/** Every panel of the dashboard, rows' nested panels included. */
export function dashboardPanels(): Panel[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, "utf8")) as { panels: Panel[] };
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

/** The metric names the dashboard's PromQL queries read (ours and Node's own), without duplicates. */
export function dashboardMetricNames(): string[] {
  const names = new Set<string>();
  for (const panel of dashboardPanels()) {
    for (const target of panel.targets ?? []) {
      for (const match of (target.expr ?? "").matchAll(/\b((?:deskql|process|nodejs)_[a-z0-9_]+)\b/g)) names.add(match[1]!);
    }
  }
  return [...names].sort();
}
