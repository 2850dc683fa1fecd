import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { sendText } from "../../../src/server/graphql-ws-handler.js";

/** A real ws server and client over loopback; `sendText` writes on the server's side of the socket. */
async function pair(perMessageDeflate: boolean) {
  const server = new WebSocketServer({ port: 0, host: "127.0.0.1", perMessageDeflate });
  await once(server, "listening");
  const accepted = once(server, "connection") as Promise<[WebSocket]>;
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`, { perMessageDeflate });
  await once(client, "open");
  const [socket] = await accepted;
  const received: { text: string; binary: boolean }[] = [];
  client.on("message", (data: Buffer, binary: boolean) => received.push({ text: data.toString("utf8"), binary }));
  return { server, client, socket, received };
}

let open: Awaited<ReturnType<typeof pair>>[] = [];
afterEach(async () => {
  for (const { server, client } of open) {
    client.terminate();
    await new Promise((resolve) => server.close(resolve));
  }
  open = [];
});

describe("sendText", () => {
  it.each([
    ["a short frame (7-bit length)", 20],
    ["a medium frame (16-bit length)", 300],
    ["a large frame (64-bit length)", 70_000],
  ])("sends %s as one text message that ws's client reads whole, in order with ws's own sends", async (_name, size) => {
    const p = await pair(false);
    open.push(p);
    const body = Buffer.from(`"${"é".repeat(size / 2)}"}`); // multi-byte UTF-8
    sendText(p.socket, [Buffer.from('{"id":"1","type":"next","payload":'), body]);
    p.socket.send('{"type":"pong"}');
    while (p.received.length < 2) await once(p.client, "message");
    expect(p.received[0]).toEqual({ text: `{"id":"1","type":"next","payload":${body.toString("utf8")}`, binary: false });
    expect(p.received[1]).toEqual({ text: '{"type":"pong"}', binary: false });
  });

  it("goes through ws's send when permessage-deflate was negotiated (the frame must be compressed)", async () => {
    const p = await pair(true);
    open.push(p);
    expect(p.socket.extensions).toContain("permessage-deflate");
    const room = sendText(p.socket, [Buffer.from("{\"a\":"), Buffer.from("1}")]);
    expect(room).toBeInstanceOf(Promise);
    await room;
    while (p.received.length < 1) await once(p.client, "message");
    expect(p.received[0]).toEqual({ text: '{"a":1}', binary: false });
  });

  it("asks the caller to wait once the socket's buffer is full, and resolves when it drains", async () => {
    const p = await pair(false);
    open.push(p);
    p.client.pause(); // the peer stops reading: the kernel's buffers fill, then Node's
    const chunk = Buffer.alloc(256 * 1024, 0x61);
    let room: Promise<void> | undefined;
    for (let i = 0; i < 200 && !room; i++) room = sendText(p.socket, [Buffer.from('"'), chunk, Buffer.from('"')]);
    expect(room).toBeInstanceOf(Promise);
    p.client.resume();
    await room;
  });
});
