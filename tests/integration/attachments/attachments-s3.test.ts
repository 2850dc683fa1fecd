import { createHash, randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalS3, type LocalS3 } from "../../support/s3-server.js";
import { startTestServer, type TestServer } from "../../support/server.js";
import { ok } from "../issues/desk-fixtures.js";
import { ATTACHMENT_FIELDS, download, png, upload, uploadId } from "./attachment-helpers.js";

/**
 * The same attachments in S3-compatible object storage: a real S3 server (s3rver) on a free
 * port, the server configured with S3_*; a 20 MB file crosses the multipart threshold (8 MiB
 * parts), an upload past the limit leaves no object, and a deleted attachment's object goes.
 */
const LIMIT = 21 * 1024 * 1024;

let s3: LocalS3;
let t: TestServer;
let customer: { id: string; token: string };
let agent: { id: string; token: string };

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
/** The keys s3rver holds in the bucket (it keeps each object as `<key>._S3rver_object`). */
const objectKeys = () =>
  readdirSync(join(s3.dir, s3.bucket))
    .filter((name) => name.endsWith("._S3rver_object"))
    .map((name) => name.replace(/\._S3rver_object$/, ""))
    .sort();

beforeAll(async () => {
  s3 = await startLocalS3();
  t = await startTestServer({ env: { ...s3.env, ATTACHMENT_MAX_BYTES: String(LIMIT) } });
  [customer, agent] = await Promise.all([t.createUser("CUSTOMER"), t.createUser("AGENT")]);
}, 120_000);

afterAll(async () => {
  await t?.close();
  await s3?.close();
});

describe("attachments in S3-compatible storage", () => {
  it("streams a 20 MB file into the bucket in parts and serves it back byte for byte", async () => {
    expect(t.server.services.attachments.storage.kind).toBe("s3");
    const big = randomBytes(20 * 1024 * 1024);
    const id = await uploadId(t, customer.token, big, "capture.bin");
    const created = ok(await t.gql(CREATE_TICKET, { i: { subject: "Packet capture", description: "Attached.", attachmentIds: [id] } }, customer.token), "createTicket");
    expect(created.attachments[0]).toMatchObject({ id, size: big.length, sha256: sha256(big), contentType: "application/octet-stream" });
    expect(objectKeys()).toContain(id);
    const res = await download(t, agent.token, `/attachments/${id}`);
    expect(res.status).toBe(200);
    expect(res.headers["content-length"]).toBe(String(big.length));
    expect(sha256(res.bytes)).toBe(sha256(big));
  }, 120_000);

  it("leaves no object behind when an upload passes the limit", async () => {
    const before = objectKeys();
    const res = await upload(t, customer.token, Buffer.alloc(LIMIT + 1, 1), "too-big.bin");
    expect(res.status).toBe(413);
    expect(res.json().errors[0].extensions.code).toBe("PAYLOAD_TOO_LARGE");
    expect(objectKeys()).toEqual(before);
  }, 120_000);

  it("keeps an image's thumbnail beside it in the bucket, and removes both when the attachment is deleted", async () => {
    const image = png(640, 480);
    const id = await uploadId(t, customer.token, image, "screen.png");
    ok(await t.gql(CREATE_TICKET, { i: { subject: "Screen", description: "Look.", attachmentIds: [id] } }, customer.token), "createTicket");
    const thumb = await download(t, customer.token, `/attachments/${id}/thumbnail`);
    expect(thumb.status).toBe(200);
    expect(thumb.headers["content-type"]).toBe("image/webp");
    expect(objectKeys()).toEqual(expect.arrayContaining([id, `${id}.thumb`]));
    ok(await t.gql(`mutation($id: ID!) { deleteAttachment(id: $id) { id } }`, { id }, agent.token), "deleteAttachment");
    expect(objectKeys()).not.toContain(id);
    expect(objectKeys()).not.toContain(`${id}.thumb`);
    expect((await download(t, customer.token, `/attachments/${id}`)).status).toBe(404);
  }, 60_000);
});

const CREATE_TICKET = `mutation($i: CreateTicketInput!) { createTicket(input: $i) { id attachments { ${ATTACHMENT_FIELDS} } } }`;
