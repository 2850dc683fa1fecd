import { closeSockets, openSockets, subscribeAll, type LiveSocket } from "./live-sockets.js";
import type { FleetReply, FleetRequest, PackedArrival } from "./socket-fleet.js";

/**
 * One process of the events benchmark's subscribers (socket-fleet.ts): it opens its share of the
 * graphql-ws sockets and reports each `next` with the time it arrived here, read from the system
 * clock as the server's `occurredAt` is. Its arrivals go to the parent in batches, after they are
 * stamped, so reporting them delays no timestamp.
 */
let sockets: LiveSocket[] = [];
let stop: (() => void) | undefined;
let batch: PackedArrival[] = [];
const FLUSH_MS = 10;

const send = (message: FleetReply) => process.send!(message);
const flush = () => {
  if (batch.length) send({ arrivals: batch });
  batch = [];
};
setInterval(flush, FLUSH_MS).unref();

process.on("message", (message: FleetRequest) => {
  void (async () => {
    try {
      if (message.cmd === "open") {
        sockets = await openSockets(message.tokens.length, message.concurrency, message.port, Buffer.from(message.ca), (i) => message.tokens[i]!);
      } else if (message.cmd === "subscribe") {
        stop?.();
        stop = subscribeAll(
          sockets,
          message.query,
          message.variables,
          (a) => batch.push([a.socket, a.event.id, a.event.type, a.event.target.id, a.event.occurredAt, a.at]),
          (socket, error) => send({ socketError: { socket, text: JSON.stringify(error instanceof Error ? error.message : error).slice(0, 300) } }),
          () => send({ retried: true }),
        );
      } else if (message.cmd === "unsubscribe") {
        stop?.();
        stop = undefined;
        flush();
      } else if (message.cmd === "close") {
        stop?.();
        await closeSockets(sockets);
        sockets = [];
      }
      flush(); // the arrivals before the answer
      const cpu = process.cpuUsage();
      send({ id: message.id, cpuMs: (cpu.user + cpu.system) / 1000 });
    } catch (error) {
      send({ id: message.id, error: error instanceof Error ? error.message : String(error) });
    }
  })();
});
process.on("disconnect", () => process.exit(0));
send({ ready: true });
