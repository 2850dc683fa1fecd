import { monitorEventLoopDelay } from "node:perf_hooks";
import { memoryBreakdown, type MemoryBreakdown } from "./memory-breakdown.js";

/** What a server process reports about itself between two runs. */
export interface ServerSnapshot {
  /** process.cpuUsage(), user + system, in milliseconds. */
  cpuMs: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** Memory of C++ objects bound to JS ones (buffers, TLS sockets' wrappers), as process.memoryUsage() tells. */
  externalBytes?: number;
  /** Event-loop delay since the previous snapshot, in milliseconds. */
  eventLoopDelay: { p50: number; p99: number; max: number };
  /** Requests seen and SQL statements they sent, since the process started. */
  requests: number;
  statements: number;
}

export type ChildRequest =
  | { id: number; cmd: "snapshot" }
  /** A full garbage collection first (the process runs with --expose-gc), then the snapshot: live memory only. */
  | { id: number; cmd: "gc-snapshot" }
  | { id: number; cmd: "floor"; body: string }
  /** Where resident memory is (smaps and process.memoryUsage()), after a full GC when `gc` and --expose-gc. */
  | { id: number; cmd: "memory"; gc?: boolean }
  | { id: number; cmd: "stop" };
export type ChildReply = { id: number; snapshot?: ServerSnapshot; memory?: MemoryBreakdown; error?: string };
export type ChildReady = { ready: true; port: number };

/**
 * The child side of the parent/child protocol every benchmark server speaks over the IPC
 * channel: report CPU, memory, event-loop delay and statement counts; set the floor body; stop.
 */
export function serveParent(handlers: {
  counts(): { requests: number; statements: number };
  setFloorBody?(body: string): void;
  stop(): Promise<void>;
}): void {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const reply = (message: ChildReply) => process.send!(message);

  process.on("message", (message: ChildRequest) => {
    void (async () => {
      try {
        if (message.cmd === "gc-snapshot") (globalThis as { gc?: () => void }).gc?.();
        if (message.cmd === "snapshot" || message.cmd === "gc-snapshot") {
          const cpu = process.cpuUsage();
          const memory = process.memoryUsage();
          const snapshot: ServerSnapshot = {
            cpuMs: (cpu.user + cpu.system) / 1000,
            rssBytes: memory.rss,
            heapUsedBytes: memory.heapUsed,
            externalBytes: memory.external,
            eventLoopDelay: { p50: delay.percentile(50) / 1e6, p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 },
            ...handlers.counts(),
          };
          delay.reset();
          reply({ id: message.id, snapshot });
        } else if (message.cmd === "memory") {
          if (message.gc) (globalThis as { gc?: () => void }).gc?.();
          reply({ id: message.id, memory: memoryBreakdown() });
        } else if (message.cmd === "floor") {
          handlers.setFloorBody?.(message.body);
          reply({ id: message.id });
        } else if (message.cmd === "stop") {
          delay.disable();
          await handlers.stop();
          reply({ id: message.id });
          // Let the reply leave before exiting (a --cpu-prof profile is written at exit).
          process.disconnect();
        }
      } catch (error) {
        reply({ id: message.id, error: String(error) });
      }
    })();
  });
  // The parent died: do not outlive it.
  process.on("disconnect", () => setTimeout(() => process.exit(0), 100).unref());
}

export function announceReady(port: number): void {
  process.send!({ ready: true, port } satisfies ChildReady);
}
