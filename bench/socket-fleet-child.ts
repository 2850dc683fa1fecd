import { closeSockets, openSockets, subscribeAll, type LiveSocket } from "./live-sockets.js";
import type { FleetReply, FleetRequest, PackedArrival } from "./socket-fleet.js";

/**
 * One process of the events benchmark's subscribers (socket-fleet.ts): it opens its share of the
 * graphql-ws sockets and stamps each `next` with the time it arrived here, read from the system
 * clock as the server's `occurredAt` is. While events arrive it only keeps them and tells the
 * parent, in one short message, when every one of its sockets has heard an event (by target id);
 * the arrivals themselves go to the parent when it asks (`flush`), so neither serializing them
 * nor the parent's bookkeeping takes CPU from the reading on these shared cores.
 */
let sockets: LiveSocket[] = [];
let stop: (() => void) | undefined;
let kept: PackedArrival[] = [];
/** How many of this process's sockets heard each target, and which socket heard which event (a repeat is reported, not counted). */
const heardBy = new Map<string, number>();
const heard = new Set<string>();

const send = (message: FleetReply) => process.send!(message);
const flush = () => {
  if (kept.length) send({ arrivals: kept });
  kept = [];
};

process.on("message", (message: FleetRequest) => {
  void (async () => {
    try {
      if (message.cmd === "open") {
        sockets = await openSockets(message.tokens.length, message.concurrency, message.port, Buffer.from(message.ca), (i) => message.tokens[i]!, message.kind);
      } else if (message.cmd === "subscribe") {
        stop?.();
        heardBy.clear();
        heard.clear();
        stop = subscribeAll(
          sockets,
          message.query,
          message.variables,
          (a) => {
            kept.push([a.socket, a.event.id, a.event.type, a.event.target.id, a.event.occurredAt, a.at]);
            const key = `${a.socket}:${a.event.id}`;
            if (heard.has(key)) return;
            heard.add(key);
            const count = (heardBy.get(a.event.target.id) ?? 0) + 1;
            heardBy.set(a.event.target.id, count);
            if (count === sockets.length) send({ heardEverywhere: a.event.target.id });
          },
          (socket, error) => send({ socketError: { socket, text: JSON.stringify(error instanceof Error ? error.message : error).slice(0, 300) } }),
          () => send({ retried: true }),
        );
      } else if (message.cmd === "unsubscribe") {
        stop?.();
        stop = undefined;
      } else if (message.cmd === "close") {
        stop?.();
        await closeSockets(sockets);
        sockets = [];
      }
      flush(); // the arrivals before the answer, for every command ("flush" is only that)
      const cpu = process.cpuUsage();
      send({ id: message.id, cpuMs: (cpu.user + cpu.system) / 1000 });
    } catch (error) {
      send({ id: message.id, error: error instanceof Error ? error.message : String(error) });
    }
  })();
});
process.on("disconnect", () => process.exit(0));
send({ ready: true });
