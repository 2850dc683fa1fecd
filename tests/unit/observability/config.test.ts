import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";

describe("observability settings", () => {
  it("leave metrics and tracing off by default", () => {
    expect(loadConfig({}).observability).toEqual({
      metrics: { enabled: false, port: undefined, host: "127.0.0.1", token: undefined, maxOperationNames: 200 },
      tracing: null,
    });
  });

  it("turn metrics on with a port or a token, the token from a file too", () => {
    expect(loadConfig({ METRICS_PORT: "9464" }).observability.metrics).toMatchObject({ enabled: true, port: 9464, host: "127.0.0.1" });
    const file = join(mkdtempSync(join(tmpdir(), "deskql-metrics-")), "token");
    writeFileSync(file, "a metrics token from a secret file\n");
    expect(loadConfig({ METRICS_TOKEN_FILE: file }).observability.metrics).toMatchObject({ enabled: true, token: "a metrics token from a secret file" });
    expect(() => loadConfig({ METRICS_TOKEN: "short" })).toThrow(/METRICS_TOKEN must be at least 16 characters/);
  });

  it("turn tracing on with an OTLP endpoint, reading the standard OpenTelemetry variables", () => {
    const { tracing } = loadConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318",
      OTEL_EXPORTER_OTLP_HEADERS: "api-key=s%20cret,x-team = desk",
      OTEL_TRACES_SAMPLER_ARG: "0.25",
    }).observability;
    expect(tracing).toEqual({ endpoint: "http://collector:4318", headers: { "api-key": "s cret", "x-team": "desk" }, serviceName: "deskql", sampleRatio: 0.25, resolverSpans: false });
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_TRACES_SAMPLER_ARG: "2" })).toThrow(/OTEL_TRACES_SAMPLER_ARG/);
  });
});
