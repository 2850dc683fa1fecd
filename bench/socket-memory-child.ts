import { readFileSync } from "node:fs";
import { createServer as createHttpsServer } from "node:https";
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { WebSocketServer } from "ws";
import { memoryBreakdown } from "./memory-breakdown.js";

/**
 * One server of bench/socket-memory.ts: plain TCP, TLS, or TLS with `ws` (SOCKET_MEMORY_MODE),
 * with the certificate and TLS options of src/server/app.ts, holding every connection idle. It
 * reports its memory after a full GC when the parent asks ("measure").
 */
export type SocketMemoryMode = "tcp" | "tls" | "tls+ws";
export type MemoryReport = { rssMb: number; heapUsedMb: number; heapTotalMb: number; mallocHeapMb: number; anonymousMb: number; hugePagesMb: number; cpuMs: number };

const mode = process.env.SOCKET_MEMORY_MODE as SocketMemoryMode;
const tls = { key: readFileSync(process.env.TLS_KEY_FILE!), cert: readFileSync(process.env.TLS_CERT_FILE!), minVersion: "TLSv1.2" as const };
const held: Socket[] = [];
const hold = (socket: Socket) => {
  held.push(socket);
  socket.on("data", () => undefined);
  socket.on("error", () => undefined);
};
let server: Server;
if (mode === "tcp") server = createTcpServer(hold);
else if (mode === "tls") server = createTlsServer(tls, hold);
else {
  const https = createHttpsServer(tls);
  const sockets = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  https.on("upgrade", (request, socket, head) => sockets.handleUpgrade(request, socket, head, (ws) => ws.on("message", () => ws.send('{"type":"connection_ack"}'))));
  server = https;
}

/** Huge pages backing anonymous memory (AnonHugePages in smaps), MiB: what glibc.malloc.hugetlb=1 asks for. */
function hugePagesMb(): number {
  let kb = 0;
  for (const line of readFileSync("/proc/self/smaps", "utf8").split("\n")) if (line.startsWith("AnonHugePages:")) kb += Number(line.split(/\s+/)[1]);
  return kb / 1024;
}

function measure(): MemoryReport {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const where = memoryBreakdown();
  const cpu = process.cpuUsage();
  const anonymousMb = Object.entries(where.resident).reduce((sum, [key, mb]) => (key.startsWith("other anonymous") || key === "malloc thread arenas" ? sum + mb : sum), 0);
  return {
    rssMb: where.rssMb,
    heapUsedMb: where.heapUsedMb,
    heapTotalMb: where.heapTotalMb,
    mallocHeapMb: where.resident["malloc main arena ([heap])"] ?? 0,
    anonymousMb,
    hugePagesMb: hugePagesMb(),
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
}

process.on("message", (message) => {
  if (message === "measure") process.send!({ measured: measure() });
});
process.on("disconnect", () => process.exit(0));
server.listen(0, "127.0.0.1", () => process.send!({ port: (server.address() as AddressInfo).port, measured: measure() }));
