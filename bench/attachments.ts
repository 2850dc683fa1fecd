import "reflect-metadata";
import { createReadStream, createWriteStream, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { gql } from "./https-client.js";
import { machineInfo } from "./machine.js";
import { writeSection } from "./results-section.js";
import { ServerProcess } from "./server-process.js";
import { settings } from "./settings.js";
import { median } from "./stats.js";

/**
 * `npm run bench:attachments` (issue 17): upload throughput through POST /uploads (HTTPS, the
 * auth edge, hashing, sniffing, the local-disk storage's temp file and rename) next to a raw
 * file write of the same bytes in the same run (a file streamed into another on the same disk),
 * and the server's RSS while ten 25 MB uploads run at once, against its idle RSS after a full
 * GC: streaming keeps it within 50 MB. The server runs in a child process on the embedded
 * database, so its memory is its own. Replaces its section of bench/RESULTS.md.
 */
const here = fileURLToPath(new URL(".", import.meta.url));
const SERVER_SCRIPT = join(here, "server-child.js");
const MB = 1_000_000;
const FILE_BYTES = 25 * 1024 * 1024;
const SEQUENTIAL = 5;
const CONCURRENT = 10;
const RSS_BUDGET = 50 * 1024 * 1024;

const dir = join(settings.runsDir, "attachments");
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const source = join(dir, "payload.bin");
writeFileSync(source, randomBytes(FILE_BYTES));

const ADMIN = { email: "bench.admin@deskql.test", password: "bench admin passphrase 1234" };
const server = await ServerProcess.start(
  "attachments",
  SERVER_SCRIPT,
  {
    NODE_ENV: "development",
    HOST: "127.0.0.1",
    PORT: "0",
    DATA_DIR: join(dir, "data"),
    TLS_CERT_FILE: join(dir, "ssl/cert.pem"),
    TLS_KEY_FILE: join(dir, "ssl/key.pem"),
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: "warn",
    REQUEST_TIMEOUT_MS: "120000",
    ATTACHMENT_MAX_BYTES: String(FILE_BYTES),
    CLIENT_DIR: join(dir, "no-client"),
    MALLOC_ARENA_MAX: "2",
  },
  { logDir: dir, execArgv: ["--expose-gc"] },
);

try {
  const ca = readFileSync(join(dir, "ssl/cert.pem"));
  const { data } = await gql<{ login: { accessToken: string } }>(server.port, ca, `mutation($i: LoginInput!) { login(input: $i) { accessToken } }`, { i: ADMIN });
  const token = data.login.accessToken;

  const upload = () =>
    new Promise<void>((resolve, reject) => {
      const req = request(
        { host: "127.0.0.1", port: server.port, path: "/uploads?name=payload.bin", method: "POST", ca, servername: "localhost", headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream", "content-length": String(FILE_BYTES) } },
        (res) => {
          res.resume();
          res.on("end", () => (res.statusCode === 201 ? resolve() : reject(new Error(`upload answered ${res.statusCode}`))));
        },
      );
      req.on("error", reject);
      createReadStream(source).pipe(req);
    });
  const rawWrite = (n: number) => pipeline(createReadStream(source), createWriteStream(join(dir, `raw-${n}.bin`)));
  const timed = async (work: () => Promise<void>) => {
    const start = process.hrtime.bigint();
    await work();
    return Number(process.hrtime.bigint() - start) / 1e9;
  };

  // Idle first, before the process has seen any upload: what the uploads add is theirs.
  const idle = (await server.liveSnapshot()).rssBytes;
  let peak = idle;
  let sampling = true;
  let samples = 0;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, (await server.snapshot()).rssBytes);
      samples++;
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const concurrentSeconds = await timed(async () => {
    await Promise.all(Array.from({ length: CONCURRENT }, upload));
  });
  sampling = false;
  await sampler;
  const growth = peak - idle;

  await upload(); // warm-up for the one-at-a-time runs
  const uploads: number[] = [];
  const writes: number[] = [];
  for (let i = 0; i < SEQUENTIAL; i++) {
    uploads.push(FILE_BYTES / MB / (await timed(upload)));
    writes.push(FILE_BYTES / MB / (await timed(() => rawWrite(i))));
  }


  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  const machine = machineInfo();
  const markdown = [
    "## Attachments (`npm run bench:attachments`)",
    "",
    `${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}; ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC. Files of 25 MiB on the local-disk storage, embedded database.`,
    "",
    "| measure | value |",
    "|---|--:|",
    `| upload through POST /uploads (median of ${SEQUENTIAL}, one at a time) | ${median(uploads).toFixed(0)} MB/s |`,
    `| raw file write of the same bytes (stream to a file, same disk, median of ${SEQUENTIAL}) | ${median(writes).toFixed(0)} MB/s |`,
    `| ratio upload / raw write | ${(median(uploads) / median(writes)).toFixed(2)} |`,
    `| ${CONCURRENT} uploads at once: total time | ${concurrentSeconds.toFixed(1)} s (${((CONCURRENT * FILE_BYTES) / MB / concurrentSeconds).toFixed(0)} MB/s) |`,
    `| server RSS idle (after a full GC) | ${mb(idle)} MiB |`,
    `| server RSS peak during the ${CONCURRENT} uploads (${samples} samples, every 50 ms) | ${mb(peak)} MiB |`,
    `| growth (target: within 50 MiB) | ${mb(growth)} MiB ${growth <= RSS_BUDGET ? "(met)" : "(**not met**)"} |`,
    "",
  ].join("\n");
  writeSection(settings.resultsFile, "attachments", markdown);
  console.log(markdown);
} finally {
  await server.stop();
}
