import { fork, type ChildProcess } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { join } from "node:path";
import type { ChildReady, ChildReply, ChildRequest, ServerSnapshot } from "./child-ipc.js";
import type { MemoryBreakdown } from "./memory-breakdown.js";

// Generous: on a shared machine under load five servers starting at once can take minutes.
const START_TIMEOUT_MS = 300_000;

/** A benchmark server running in a child process, driven over its IPC channel. */
export class ServerProcess {
  private nextId = 1;
  private readonly pending = new Map<number, (reply: ChildReply) => void>();

  private constructor(
    readonly name: string,
    readonly port: number,
    private readonly child: ChildProcess,
  ) {
    child.on("message", (message: ChildReply) => {
      const done = this.pending.get(message.id);
      if (!done) return;
      this.pending.delete(message.id);
      done(message);
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Forks `script` with `env`; its stdout and stderr go to `<logDir>/<name>.log`. */
  static async start(name: string, script: string, env: Record<string, string>, options: { logDir: string; execArgv?: string[] }): Promise<ServerProcess> {
    const logFile = join(options.logDir, `${name}.log`);
    const fd = openSync(logFile, "w");
    const child = fork(script, [], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
      stdio: ["ignore", fd, fd, "ipc"],
      execArgv: options.execArgv ?? [],
    });
    closeSync(fd);
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not start within ${START_TIMEOUT_MS / 1000} s; see ${logFile}`)), START_TIMEOUT_MS);
      child.on("message", (message: ChildReady) => {
        if (message.ready) {
          clearTimeout(timer);
          resolve(message.port);
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited with code ${code} while starting; see ${logFile}`));
      });
    });
    return new ServerProcess(name, port, child);
  }

  private call(request: Omit<ChildRequest, "id">): Promise<ChildReply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (reply) => (reply.error ? reject(new Error(`${this.name}: ${reply.error}`)) : resolve(reply)));
      this.child.send({ ...request, id } as ChildRequest);
    });
  }

  async snapshot(): Promise<ServerSnapshot> {
    return (await this.call({ cmd: "snapshot" })).snapshot!;
  }

  /** Memory after a full garbage collection (when started with --expose-gc). */
  async liveSnapshot(): Promise<ServerSnapshot> {
    return (await this.call({ cmd: "gc-snapshot" })).snapshot!;
  }

  /** Where the process's resident memory is; after a full GC when `gc` (and started with --expose-gc). */
  async memory(gc = false): Promise<MemoryBreakdown> {
    return (await this.call({ cmd: "memory", gc } as Omit<ChildRequest, "id">)).memory!;
  }

  async setFloorBody(body: string): Promise<void> {
    await this.call({ cmd: "floor", body } as Omit<ChildRequest, "id">);
  }

  /** Graceful stop (so a CPU profile gets written), then SIGKILL if it hangs. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 15_000);
    await Promise.race([this.call({ cmd: "stop" }).catch(() => undefined), exited]);
    await exited;
    clearTimeout(timer);
  }
}
