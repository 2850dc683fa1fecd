import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig, SETTING_NAMES } from "../../../src/config.js";
import { schemaProblems } from "./kube-schema.js";
import { containersOf, parseYaml, podSpecOf, podTemplateOf, renderKustomization, type KubeObject } from "./kustomize.js";

/** deploy/kubernetes, rendered as `kubectl kustomize` would, against the API schemas and our policies. */
const root = new URL("../../../deploy/kubernetes/", import.meta.url).pathname;
const base = renderKustomization(join(root, "base"));
const example = renderKustomization(join(root, "overlays/example"));
const secretTemplate = parseYaml(readFileSync(join(root, "secret.template.yaml"), "utf8"), "secret.template.yaml") as KubeObject[];

type Probe = { httpGet?: { path: string; port: string | number; scheme?: string } };
type Container = {
  name: string;
  image: string;
  command?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string }[];
  envFrom?: { configMapRef?: { name: string } }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { readOnlyRootFilesystem?: boolean; allowPrivilegeEscalation?: boolean; capabilities?: { drop?: string[] } };
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] }; sleep?: { seconds: number } } };
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
};
type Volume = { name: string; emptyDir?: object; persistentVolumeClaim?: { claimName: string }; secret?: { secretName: string; items?: { key: string; path: string }[] } };

const one = (objects: KubeObject[], kind: string, name?: string): KubeObject => {
  const found = objects.filter((o) => o.kind === kind && (!name || o.metadata.name === name));
  expect(found, `${kind} ${name ?? ""}`).toHaveLength(1);
  return found[0]!;
};
const spec = <T>(object: KubeObject) => object.spec as T;
const pod = (object: KubeObject) => podSpecOf(object) as { securityContext?: Record<string, unknown>; terminationGracePeriodSeconds?: number; volumes?: Volume[]; restartPolicy?: string };
const containers = (object: KubeObject) => containersOf(object) as unknown as Container[];
const workloads = (objects: KubeObject[]) => objects.filter((o) => podSpecOf(o));
const selects = (selector: Record<string, string>, labels: Record<string, string> | undefined) =>
  Object.entries(selector).every(([key, value]) => labels?.[key] === value);
const podLabels = (object: KubeObject) => podTemplateOf(object)!.metadata!.labels!;
const configData = (objects: KubeObject[]) => (one(objects, "ConfigMap", "deskql-config").data as Record<string, string>);

const secretDir = mkdtempSync(join(tmpdir(), "deskql-k8s-"));
afterAll(() => rmSync(secretDir, { recursive: true, force: true }));

describe.each([
  ["base", base],
  ["example overlay", example],
])("deploy/kubernetes %s", (_name, objects) => {
  it("is made of valid Kubernetes objects with no field the API does not know", () => {
    for (const object of objects) expect(schemaProblems(object), `${object.kind} ${object.metadata.name}`).toEqual([]);
  });

  it("has every part of a deployment, in one namespace", () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(
      ["ConfigMap", "CronJob", "Deployment", "HorizontalPodAutoscaler", "Ingress", "Job", "Namespace", "NetworkPolicy", "NetworkPolicy", "NetworkPolicy", "PersistentVolumeClaim", "PodDisruptionBudget", "Service"].sort(),
    );
    const namespace = one(objects, "Namespace").metadata.name;
    for (const object of objects.filter((o) => o.kind !== "Namespace")) expect(object.metadata.namespace, object.kind).toBe(namespace);
    // Creating a Secret from the kustomization would overwrite the real one with placeholders.
    expect(objects.filter((o) => o.kind === "Secret")).toEqual([]);
  });

  it("runs two or more replicas, scaled by an autoscaler that never goes below two", () => {
    const deployment = one(objects, "Deployment", "deskql");
    expect(spec<{ replicas: number }>(deployment).replicas).toBeGreaterThanOrEqual(2);
    const hpa = spec<{ scaleTargetRef: { kind: string; name: string }; minReplicas: number; maxReplicas: number }>(one(objects, "HorizontalPodAutoscaler"));
    expect(hpa.scaleTargetRef).toMatchObject({ kind: "Deployment", name: "deskql" });
    expect(hpa.minReplicas).toBeGreaterThanOrEqual(2);
    // While Redis is down each replica enforces limit / REPLICA_COUNT: the fleet's largest size.
    expect(Number(configData(objects).REPLICA_COUNT)).toBe(hpa.maxReplicas);
    const pdb = spec<{ maxUnavailable?: number; selector: { matchLabels: Record<string, string> } }>(one(objects, "PodDisruptionBudget"));
    expect(pdb.maxUnavailable).toBe(1);
    expect(selects(pdb.selector.matchLabels, podLabels(deployment))).toBe(true);
  });

  it("runs every pod as non-root on a read-only root file system, with only emptyDirs (and the backups' claim) writable", () => {
    for (const workload of workloads(objects)) {
      const { securityContext, volumes = [] } = pod(workload);
      expect(securityContext, workload.kind).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
      expect(securityContext?.runAsUser).toBeGreaterThan(0);
      for (const container of containers(workload)) {
        expect(container.securityContext, container.name).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
        expect(Object.keys(container.resources?.requests ?? {}).sort(), container.name).toEqual(["cpu", "memory"]);
        expect(container.resources?.limits?.memory, container.name).toBeDefined();
        for (const mount of container.volumeMounts ?? []) {
          const volume = volumes.find((v) => v.name === mount.name);
          expect(volume, mount.name).toBeDefined();
          // The backup CronJob writes its archives to its claim; nothing else writes a volume that outlives the pod.
          const backups = volume?.persistentVolumeClaim?.claimName === "deskql-backups" && container.name === "backup";
          if (!volume?.emptyDir && !backups) expect(mount.readOnly, mount.name).toBe(true);
        }
      }
    }
  });

  it("probes start-up and liveness on /health and readiness on /ready, over HTTPS", () => {
    const [server] = containers(one(objects, "Deployment", "deskql"));
    const portNames = (server!.ports ?? []).map((p) => p.name);
    expect(server!.startupProbe?.httpGet).toMatchObject({ path: "/health", scheme: "HTTPS" });
    expect(server!.livenessProbe?.httpGet).toMatchObject({ path: "/health", scheme: "HTTPS" });
    expect(server!.readinessProbe?.httpGet).toMatchObject({ path: "/ready", scheme: "HTTPS" });
    for (const probe of [server!.startupProbe, server!.livenessProbe, server!.readinessProbe]) expect(portNames).toContain(probe?.httpGet?.port);
    // A pod waiting for the migration Job gives up by itself before the startup probe kills it.
    const { periodSeconds = 10, failureThreshold = 3 } = server!.startupProbe as { periodSeconds?: number; failureThreshold?: number };
    const waitSeconds = Number(configData(objects).MIGRATIONS_WAIT_SECONDS ?? loadConfig({}).migrations.waitSeconds);
    expect(waitSeconds).toBeLessThan(periodSeconds * failureThreshold);
  });

  it("gives a stopping pod time for the preStop pause and the server's whole drain", () => {
    const deployment = one(objects, "Deployment", "deskql");
    const [server] = containers(deployment);
    const preStop = server!.lifecycle?.preStop;
    const pauseSeconds = preStop?.sleep?.seconds ?? Number(preStop?.exec?.command.join(" ").match(/^sleep (\d+)$/)?.[1]);
    expect(pauseSeconds).toBeGreaterThan(0);
    const drainMs = Number(configData(objects).SHUTDOWN_GRACE_MS ?? loadConfig({}).http.shutdownGraceMs);
    expect(pod(deployment).terminationGracePeriodSeconds).toBeGreaterThanOrEqual(pauseSeconds + Math.ceil(drainMs / 1000));
  });

  it("configures the server with settings it accepts in production, secrets as files from mounted Secrets", () => {
    const data = configData(objects);
    expect(Object.keys(data).filter((name) => !SETTING_NAMES.includes(name))).toEqual([]);
    expect(data).toMatchObject({ NODE_ENV: "production", HOST: "0.0.0.0", TRUST_PROXY: "1", MIGRATE_ON_START: "false" });

    const templateKeys = Object.keys((one(secretTemplate, "Secret", "deskql-secrets").stringData ?? {}) as Record<string, string>);
    for (const workload of workloads(objects)) {
      const { volumes = [] } = pod(workload);
      for (const container of containers(workload)) {
        expect(container.envFrom).toEqual([{ configMapRef: { name: "deskql-config" } }]);
        const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value ?? ""]));
        expect(Object.keys(env).filter((name) => !SETTING_NAMES.includes(name)), container.name).toEqual([]);
        // No secret as a plain variable: each comes as X_FILE, a file in a mounted Secret.
        expect(Object.keys(env).filter((name) => ["DATABASE_URL", "REDIS_URL", "ADMIN_PASSWORD", "SMTP_URL"].includes(name))).toEqual([]);
        const stand: Record<string, string> = { ...data, ...env };
        for (const [name, path] of Object.entries(env).filter(([n]) => /_FILE$|_DIR$/.test(n))) {
          const mount = container.volumeMounts?.find((m) => path.startsWith(`${m.mountPath}/`) || path === m.mountPath);
          expect(mount, `${name}=${path} lies in no mounted volume`).toBeDefined();
          const volume = volumes.find((v) => v.name === mount!.name);
          expect(volume?.secret, `${name} comes from a Secret`).toBeDefined();
          if (volume?.secret?.secretName === "deskql-secrets" && name.endsWith("_FILE")) {
            const key = posix.relative(mount!.mountPath, path);
            expect(templateKeys, `${name}: key ${key} of deskql-secrets`).toContain(key);
            if (volume.secret.items) expect(volume.secret.items.map((i) => i.path)).toContain(key);
            // What the server would read there: a stand-in of the right shape.
            const standIn = join(secretDir, key);
            writeFileSync(standIn, key.endsWith("_URL") ? `${key === "DATABASE_URL" ? "mysql" : key === "SMTP_URL" ? "smtps" : "redis"}://user:pw@host/deskql\n` : "a long enough password\n");
            stand[name] = standIn;
          }
        }
        expect(() => loadConfig(stand), `${workload.kind} ${container.name}`).not.toThrow();
      }
    }
  });

  it("migrates in a Job with the built command, while the servers skip migrating at start", () => {
    const job = one(objects, "Job", "deskql-migrate");
    expect(pod(job).restartPolicy).toBe("Never");
    const [migrate] = containers(job);
    expect(migrate!.command).toEqual(["node", "dist/src/cli/main.js", "migrate"]);
    expect(readFileSync(new URL("../../../src/cli/main.ts", import.meta.url), "utf8")).toMatch(/^ {2}migrate: \{$/m);
    expect(migrate!.image).toBe(containers(one(objects, "Deployment", "deskql"))[0]!.image);
  });

  it("backs up daily with the built command into its own volume, one run at a time, with the encryption passphrase from deskql-secrets", () => {
    const cron = one(objects, "CronJob", "deskql-backup");
    expect(spec<{ concurrencyPolicy: string; schedule: string }>(cron)).toMatchObject({ concurrencyPolicy: "Forbid", schedule: expect.stringMatching(/^\S+ \S+ \* \* \*$/) });
    expect(pod(cron).restartPolicy).toBe("Never");
    const [backup] = containers(cron);
    expect(backup!.image).toBe(containers(one(objects, "Deployment", "deskql"))[0]!.image);
    const [node, cli, command, ...args] = backup!.command!;
    expect([node, cli, command]).toEqual(["node", "dist/src/cli/main.js", "backup"]);
    expect(readFileSync(new URL("../../../src/cli/main.ts", import.meta.url), "utf8")).toMatch(/^ {2}backup: \{$/m);
    const option = (name: string) => args[args.indexOf(name) + 1];
    const out = backup!.volumeMounts!.find((m) => m.mountPath === option("--out"));
    const claim = pod(cron).volumes?.find((v) => v.name === out?.name)?.persistentVolumeClaim?.claimName;
    expect(one(objects, "PersistentVolumeClaim", claim).metadata.name).toBe("deskql-backups");
    expect(option("--passphrase-file")).toBe("/run/secrets/deskql/BACKUP_PASSPHRASE");
    expect(Object.keys((one(secretTemplate, "Secret", "deskql-secrets").stringData ?? {}) as Record<string, string>)).toContain("BACKUP_PASSPHRASE");
    // The keys it archives are the servers' keys.
    expect(backup!.env?.find((e) => e.name === "JWT_KEYS_DIR")?.value).toBe(containers(one(objects, "Deployment", "deskql"))[0]!.env?.find((e) => e.name === "JWT_KEYS_DIR")?.value);
  });

  it("routes the Ingress over TLS to the Service, and the Service to the servers' HTTPS port", () => {
    const deployment = one(objects, "Deployment", "deskql");
    const service = spec<{ selector: Record<string, string>; ports: { name: string; targetPort: string }[] }>(one(objects, "Service", "deskql"));
    expect(selects(service.selector, podLabels(deployment))).toBe(true);
    expect(containers(deployment)[0]!.ports?.map((p) => p.name)).toContain(service.ports[0]!.targetPort);

    const ingress = one(objects, "Ingress", "deskql");
    expect(ingress.metadata.annotations?.["nginx.ingress.kubernetes.io/backend-protocol"]).toBe("HTTPS");
    const { tls, rules } = spec<{ tls: { hosts: string[]; secretName: string }[]; rules: { host: string; http: { paths: { backend: { service: { name: string; port: { name: string } } } }[] } }[] }>(ingress);
    for (const rule of rules) {
      expect(tls.flatMap((t) => t.hosts)).toContain(rule.host);
      for (const { backend } of rule.http.paths) {
        expect(backend.service.name).toBe("deskql");
        expect(service.ports.map((p) => p.name)).toContain(backend.service.port.name);
      }
    }
    // The address users reach is the one in emailed links.
    expect(rules.map((r) => `https://${r.host}`)).toContain(configData(objects).PUBLIC_URL);
  });

  it("lets only the ingress controller reach the servers", () => {
    const policies = objects.filter((o) => o.kind === "NetworkPolicy");
    for (const workload of workloads(objects)) {
      const covering = policies.filter((p) => selects(spec<{ podSelector: { matchLabels: Record<string, string> } }>(p).podSelector.matchLabels, podLabels(workload)));
      expect(covering, workload.kind).toHaveLength(1);
      expect(spec<{ policyTypes: string[] }>(covering[0]!).policyTypes).toEqual(["Ingress", "Egress"]);
    }
    const server = spec<{ ingress: { ports: { port: number }[] }[] }>(one(objects, "NetworkPolicy", "deskql-server"));
    expect(server.ingress.flatMap((rule) => rule.ports.map((p) => p.port))).toEqual([4000]);
  });
});

describe("the example overlay", () => {
  it("sets the image, the host and the fleet size of one installation", () => {
    for (const workload of workloads(example)) {
      for (const container of containers(workload)) expect(container.image).toBe("registry.example.org/deskql:0.1.0");
    }
    expect(configData(example)).toMatchObject({ PUBLIC_URL: "https://help.example.org", REPLICA_COUNT: "4", MAIL_TRANSPORT: "smtp" });
    expect(one(example, "Ingress").metadata.annotations).toMatchObject({ "cert-manager.io/cluster-issuer": "letsencrypt" });
    // The strategic merge adds SMTP_URL_FILE beside the base's variables.
    expect(containers(one(example, "Deployment"))[0]!.env?.map((e) => e.name)).toEqual(
      expect.arrayContaining(["DATABASE_URL_FILE", "ADMIN_PASSWORD_FILE", "JWT_KEYS_DIR", "SMTP_URL_FILE"]),
    );
  });
});

describe("the Secret template", () => {
  it("is a valid Secret holding placeholders only", () => {
    const [secret] = secretTemplate;
    expect(secretTemplate).toHaveLength(1);
    expect(schemaProblems(secret!)).toEqual([]);
    expect(secret!.data).toBeUndefined();
    for (const [key, value] of Object.entries(secret!.stringData as Record<string, string>)) expect(value, key).toMatch(/^<[^<>]+>$/);
  });

  it("is listed by no kustomization, so applying one never overwrites real credentials", () => {
    for (const dir of [join(root, "base"), join(root, "overlays/example")]) {
      const [kustomization] = parseYaml(readFileSync(join(dir, "kustomization.yaml"), "utf8"), dir) as { resources: string[] }[];
      expect(kustomization!.resources.filter((r) => r.includes("secret"))).toEqual([]);
    }
    expect(readdirSync(join(root, "base"))).not.toContain("secret.template.yaml");
  });
});
