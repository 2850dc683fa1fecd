import { connect, createServer, type Socket } from "node:net";

/**
 * A round-robin TCP proxy for the replicas benchmark, in its own process so its CPU is not the
 * load generator's: each accepted connection goes whole to the next backend port (no TLS
 * termination, the bytes pass through), as an L4 load balancer in front of replicas would.
 * BENCH_PROXY_BACKENDS lists the ports, comma-separated; the listening port is sent to the parent.
 */
const backends = (process.env.BENCH_PROXY_BACKENDS ?? "")
  .split(",")
  .filter(Boolean)
  .map(Number);
if (!backends.length || backends.some((p) => !Number.isInteger(p) || p <= 0)) throw new Error("BENCH_PROXY_BACKENDS must list backend ports");

let next = 0;
const server = createServer((client: Socket) => {
  const port = backends[next++ % backends.length]!;
  const upstream = connect({ host: "127.0.0.1", port });
  client.setNoDelay(true);
  upstream.setNoDelay(true);
  client.pipe(upstream);
  upstream.pipe(client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on("error", close);
  upstream.on("error", close);
  client.on("close", close);
  upstream.on("close", close);
});

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.send!({ ready: true, port: typeof address === "object" && address ? address.port : 0 });
});
process.on("message", (message: { cmd?: string }) => {
  if (message.cmd === "stop") server.close(() => process.exit(0));
});
process.on("disconnect", () => process.exit(0));
