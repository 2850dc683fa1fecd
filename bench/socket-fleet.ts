import { fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Arrival, SubscriberKind } from "./live-sockets.js";

/** [socket, event id, type, target id, occurredAt, arrival ms since the epoch]: one `next`, as a child reports it. */
export type PackedArrival = [number, string, string, string, string, number];

export type FleetRequest =
  | { id: number; cmd: "open"; port: number; ca: string; tokens: string[]; concurrency: number; kind: SubscriberKind }
  | { id: number; cmd: "subscribe"; query: string; variables: Record<string, unknown> }
  | { id: number; cmd: "unsubscribe" | "close" | "cpu" | "flush" };
/** A request before its id is given. */
type FleetCommand = FleetRequest extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;
export type FleetReply =
  | { ready: true }
  | { id: number; cpuMs?: number; error?: string }
  | { arrivals: PackedArrival[] }
  | { heardEverywhere: string }
  | { socketError: { socket: number; text: string } }
  | { retried: true };

export interface FleetListener {
  onArrival(arrival: Arrival): void;
  onError(socket: number, text: string): void;
  onRetry(): void;
}

const CHILD = join(fileURLToPath(new URL(".", import.meta.url)), "socket-fleet-child.js");

/**
 * The events benchmark's subscribers, in processes of their own (socket-fleet-child.ts): the
 * harness's writers and bookkeeping do not delay their reading, and the CPU they spend decrypting
 * and parsing what the server sends is measured apart from everything else (`cpuMs`). Arrival
 * times are read from the system clock in the child, as the server stamps `occurredAt`. The
 * children keep their arrivals until `flush`; meanwhile `heardEverywhere` tells when every
 * socket has heard an event.
 */
export class SocketFleet {
  private listener: FleetListener | undefined;
  /** Per event target id, how many children have reported that all their sockets heard it. */
  private readonly complete = new Map<string, number>();
  private readonly completeWaiters = new Set<() => void>();

  private constructor(
    private readonly children: FleetChild[],
    /** The first socket number of each child. */
    private readonly offsets: number[],
    readonly size: number,
  ) {
    children.forEach((child, n) => child.onEvent((message) => this.heard(message, offsets[n]!)));
  }

  /** Opens `tokens.length` sockets (socket i with tokens[i]) over `processes` child processes, `concurrency` handshakes at a time in each. */
  static async open(options: { port: number; ca: Buffer; tokens: string[]; processes: number; concurrency: number; kind: SubscriberKind }): Promise<SocketFleet> {
    const { tokens } = options;
    const processes = Math.max(1, Math.min(options.processes, tokens.length));
    const children = await Promise.all(Array.from({ length: processes }, () => FleetChild.start()));
    const offsets: number[] = [];
    const per = Math.ceil(tokens.length / processes);
    try {
      await Promise.all(
        children.map((child, n) => {
          offsets.push(n * per);
          return child.call({ cmd: "open", port: options.port, ca: options.ca.toString("utf8"), tokens: tokens.slice(n * per, (n + 1) * per), concurrency: options.concurrency, kind: options.kind });
        }),
      );
    } catch (error) {
      children.forEach((child) => child.kill());
      throw error;
    }
    return new SocketFleet(children, offsets, tokens.length);
  }

  /** Subscribes every socket to `query`; resolves once every child has sent its subscribe messages (the server accepts them asynchronously). */
  async subscribe(query: string, variables: Record<string, unknown>, listener: FleetListener): Promise<void> {
    this.listener = listener;
    this.complete.clear();
    await Promise.all(this.children.map((child) => child.call({ cmd: "subscribe", query, variables })));
  }

  /** Whether every socket has heard an event about `targetId` (a comment's id) within `timeoutMs`. */
  async heardEverywhere(targetId: string, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while ((this.complete.get(targetId) ?? 0) < this.children.length) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, left);
        function done() {
          clearTimeout(timer);
          waiters.delete(done);
          resolve();
        }
        const waiters = this.completeWaiters;
        waiters.add(done);
      });
    }
    return true;
  }

  /** Hands every arrival the children kept to the listener; resolves once they all have been. */
  async flush(): Promise<void> {
    await Promise.all(this.children.map((child) => child.call({ cmd: "flush" })));
  }

  /** Completes every subscription; every arrival before has been handed to the listener. */
  async unsubscribe(): Promise<void> {
    await Promise.all(this.children.map((child) => child.call({ cmd: "unsubscribe" })));
    this.listener = undefined;
  }

  /** CPU the subscriber processes have used so far, ms (user + system, all of them). */
  async cpuMs(): Promise<number> {
    const replies = await Promise.all(this.children.map((child) => child.call({ cmd: "cpu" })));
    return replies.reduce((sum, reply) => sum + (reply.cpuMs ?? 0), 0);
  }

  get pids(): number[] {
    return this.children.map((child) => child.pid);
  }

  async close(): Promise<void> {
    await Promise.all(this.children.map((child) => child.call({ cmd: "close" }).finally(() => child.kill())));
  }

  private heard(message: FleetReply, offset: number): void {
    if ("heardEverywhere" in message) {
      this.complete.set(message.heardEverywhere, (this.complete.get(message.heardEverywhere) ?? 0) + 1);
      for (const wake of [...this.completeWaiters]) wake();
      return;
    }
    const listener = this.listener;
    if (!listener) return;
    if ("arrivals" in message) {
      for (const [socket, id, type, targetId, occurredAt, at] of message.arrivals) listener.onArrival({ socket: socket + offset, event: { id, type, occurredAt, target: { id: targetId } }, at });
    } else if ("socketError" in message) listener.onError(message.socketError.socket + offset, message.socketError.text);
    else if ("retried" in message) listener.onRetry();
  }
}

class FleetChild {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve(reply: { cpuMs?: number }): void; reject(error: Error): void }>();
  private events: ((message: FleetReply) => void) | undefined;

  private constructor(private readonly child: ChildProcess) {
    child.on("message", (message: FleetReply) => {
      if ("id" in message) {
        const waiting = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error) waiting?.reject(new Error(`subscriber process: ${message.error}`));
        else waiting?.resolve(message);
      } else this.events?.(message);
    });
    child.once("exit", (code) => {
      for (const waiting of this.pending.values()) waiting.reject(new Error(`subscriber process exited (${code})`));
      this.pending.clear();
    });
  }

  static async start(): Promise<FleetChild> {
    const child = fork(CHILD, [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    await new Promise<void>((resolve, reject) => {
      child.once("message", () => resolve());
      child.once("exit", (code) => reject(new Error(`subscriber process exited (${code}) while starting`)));
    });
    return new FleetChild(child);
  }

  get pid(): number {
    return this.child.pid!;
  }

  onEvent(handler: (message: FleetReply) => void): void {
    this.events = handler;
  }

  call(request: FleetCommand): Promise<{ cpuMs?: number }> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ ...request, id });
    });
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
  }
}
