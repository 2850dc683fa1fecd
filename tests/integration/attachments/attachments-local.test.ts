import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { request } from "node:https";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemScope } from "../../../src/core/scope.js";
import { DAY, HOUR, useClock, type TestClock } from "../../support/mailbox.js";
import { startTestServer, type TestServer } from "../../support/server.js";
import { createProject, ok } from "../issues/desk-fixtures.js";
import { ATTACHMENT_FIELDS, download, elfExecutable, png, upload, uploadId, windowsExecutable } from "./attachment-helpers.js";

/**
 * Attachments on the local disk (the default storage), through the real server: uploads at the
 * limits, types sniffed from the bytes, downloads by every role, the download headers, and the
 * sweep of uploads never attached. Limits are small here (4 KiB a file, 10,000 bytes a ticket)
 * so the files stay small; the defaults have their own line in the config tests.
 */
const FILE_LIMIT = 4096;
const TICKET_LIMIT = 10_000;

let t: TestServer;
let clock: TestClock;
let dataDir: string;
let customer: { id: string; token: string; email: string; password: string };
let other: { id: string; token: string };
let agent: { id: string; token: string };
let screenshot: Buffer;
let ticket: { id: string; attachments: Record<string, any>[] };

const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

beforeAll(async () => {
  t = await startTestServer({ env: { ATTACHMENT_MAX_BYTES: String(FILE_LIMIT), ATTACHMENT_TICKET_MAX_BYTES: String(TICKET_LIMIT) } });
  dataDir = t.server.services.config.dataDir;
  clock = useClock(t);
  [customer, other, agent] = await Promise.all([t.createUser("CUSTOMER"), t.createUser("CUSTOMER"), t.createUser("AGENT")]);
  screenshot = png(16, 12);
  // The client claims text/plain: the server sniffs image/png from the bytes.
  const res = await upload(t, customer.token, screenshot, "screen shot.png", "text/plain");
  expect(res.status).toBe(201);
  ticket = ok(await t.gql(CREATE_TICKET, { i: { subject: "Printer on fire", description: "See the screenshot.", attachmentIds: [res.json().id] } }, customer.token), "createTicket");
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe("uploading", () => {
  it("stores the file on disk with its measured size, SHA-256 and sniffed type, and attaches it to the new ticket", async () => {
    const [attachment] = ticket.attachments;
    expect(attachment).toMatchObject({ fileName: "screen shot.png", size: screenshot.length, contentType: "image/png", sha256: sha256(screenshot), isImage: true });
    expect(attachment!.url).toBe(`/attachments/${attachment!.id}`);
    expect(attachment!.thumbnailUrl).toBe(`/attachments/${attachment!.id}/thumbnail`);
    const onDisk = join(dataDir, "attachments", attachment!.id.slice(-2), attachment!.id);
    expect(readFileSync(onDisk).equals(screenshot)).toBe(true);
  });

  it("accepts a file of exactly the limit and refuses one byte more with 413 PAYLOAD_TOO_LARGE", async () => {
    const exact = await upload(t, customer.token, Buffer.alloc(FILE_LIMIT, "a"), "exact.txt");
    expect(exact.status).toBe(201);
    expect(exact.json()).toMatchObject({ size: FILE_LIMIT, contentType: "text/plain" });
    const over = await upload(t, customer.token, Buffer.alloc(FILE_LIMIT + 1, "a"), "over.txt");
    expect(over.status).toBe(413);
    expect(over.json().errors[0].extensions).toMatchObject({ code: "PAYLOAD_TOO_LARGE", limitBytes: FILE_LIMIT });
  });

  it("cuts a body sent without Content-Length the moment it passes the limit, and keeps nothing", async () => {
    const res = await new Promise<{ status: number; body: any }>((resolve, reject) => {
      const req = request(`${t.url}/uploads?name=stream.log`, { method: "POST", ca: t.ca, servername: "localhost", headers: { authorization: `Bearer ${customer.token}`, "content-type": "text/plain" } }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on("data", (c: Buffer) => chunks.push(c)).on("end", () => resolve({ status: answer.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString()) }));
      });
      req.on("error", reject);
      for (let i = 0; i < 6; i++) req.write(Buffer.alloc(1024, "x")); // chunked: the server only learns the size by counting
      req.end();
    });
    expect(res.status).toBe(413);
    expect(res.body.errors[0].extensions.code).toBe("PAYLOAD_TOO_LARGE");
    const count = await t.server.services.orm.em.fork().count("Attachment", { fileName: "stream.log" });
    expect(count).toBe(0);
  });

  it("refuses a ticket's attachments past the per-ticket total, and writes nothing of the comment", async () => {
    const first = await uploadId(t, customer.token, Buffer.alloc(FILE_LIMIT, "b"), "one.txt");
    const second = await uploadId(t, customer.token, Buffer.alloc(FILE_LIMIT, "c"), "two.txt");
    // The ticket holds the screenshot and 2 x 4096 bytes; one more 4096 passes 10,000.
    const full = ok(await t.gql(CREATE_TICKET, { i: { subject: "Big logs", description: "Logs attached.", attachmentIds: [first, second] } }, customer.token), "createTicket");
    const third = await uploadId(t, customer.token, Buffer.alloc(FILE_LIMIT, "d"), "three.txt");
    const res = await t.gql(ADD_COMMENT, { i: { subjectId: full.id, body: "And one more.", attachmentIds: [third] } }, customer.token);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: "PAYLOAD_TOO_LARGE", limit: "ticket", limitBytes: TICKET_LIMIT, field: "input.attachmentIds" });
    const after = ok(await t.gql(`query($id: ID!) { ticket(id: $id) { comments(first: 10) { totalCount } } }`, { id: full.id }, customer.token), "ticket");
    expect(after.comments.totalCount).toBe(0);
  });

  it("refuses programs by their bytes, whatever their name or declared type", async () => {
    const exe = await upload(t, customer.token, windowsExecutable(), "setup.exe", "application/x-msdownload");
    expect(exe.status).toBe(415);
    expect(exe.json().errors[0].extensions).toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE", contentType: "application/x-msdownload" });
    const renamed = await upload(t, customer.token, elfExecutable(), "notes.txt", "text/plain");
    expect(renamed.status).toBe(415);
    expect(renamed.json().errors[0].extensions).toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE", contentType: "application/x-elf" });
    const script = await upload(t, customer.token, Buffer.from("@echo off\r\ndel /q *\r\n"), "fix.bat", "text/plain");
    expect(script.status).toBe(415);
  });

  it("keeps only a safe file name: no folders, control or bidirectional characters", async () => {
    const res = await upload(t, customer.token, Buffer.from("hello"), "../../etc/\u202Egnp.exe\u0007.txt");
    expect(res.status).toBe(201);
    expect(res.json().fileName).toBe("gnp.exe.txt");
  });

  it("does not let anyone attach an upload that is not their own, or attach one twice", async () => {
    const mine = await uploadId(t, customer.token, Buffer.from("mine"), "mine.txt");
    const stolen = await t.gql(CREATE_TICKET, { i: { subject: "Not mine", description: "x", attachmentIds: [mine] } }, other.token);
    expect(stolen.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.attachmentIds" });
    ok(await t.gql(ADD_COMMENT, { i: { subjectId: ticket.id, body: "Attached.", attachmentIds: [mine] } }, customer.token), "addComment");
    const again = await t.gql(ADD_COMMENT, { i: { subjectId: ticket.id, body: "Again.", attachmentIds: [mine] } }, customer.token);
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT" });
  });

  it("refuses more uploads while too many of one person's wait to be attached", async () => {
    const uploader = await t.createUser("CUSTOMER");
    t.server.services.attachments.pendingUploadsMax = 2;
    try {
      await uploadId(t, uploader.token, Buffer.from("1"), "1.txt");
      await uploadId(t, uploader.token, Buffer.from("2"), "2.txt");
      const third = await upload(t, uploader.token, Buffer.from("3"), "3.txt");
      expect(third.status).toBe(429);
      expect(third.json().errors[0].extensions).toMatchObject({ code: "RATE_LIMITED", limit: 2 });
    } finally {
      t.server.services.attachments.pendingUploadsMax = 100;
    }
  });

  it("answers 401 to an upload without a token", async () => {
    const res = await upload(t, null, Buffer.from("x"), "x.txt");
    expect(res.status).toBe(401);
  });
});

describe("downloading", () => {
  let publicId: string;
  let internalId: string;
  let issueId: string;

  beforeAll(async () => {
    publicId = ticket.attachments[0]!.id;
    const note = await uploadId(t, agent.token, Buffer.from("internal diagnosis"), "diagnosis.txt");
    const comment = ok(await t.gql(ADD_COMMENT, { i: { subjectId: ticket.id, body: "Internal.", internal: true, attachmentIds: [note] } }, agent.token), "addComment");
    internalId = comment.attachments[0].id;
    const project = await createProject(t, await t.adminToken(), { key: "ATT" });
    const spec = await uploadId(t, agent.token, Buffer.from("spec"), "spec.md");
    const issue = ok(await t.gql(CREATE_ISSUE, { i: { projectId: project.id, title: "Fix the printer", attachmentIds: [spec] } }, agent.token), "createIssue");
    issueId = issue.attachments[0].id;
  }, 60_000);

  it("serves the requester their own ticket's image inline, with its type, length, ETag and the sandbox headers", async () => {
    const res = await download(t, customer.token, `/attachments/${publicId}`);
    expect(res.status).toBe(200);
    expect(res.bytes.equals(screenshot)).toBe(true);
    expect(res.headers).toMatchObject({
      "content-type": "image/png",
      "content-length": String(screenshot.length),
      "content-disposition": `inline; filename="screen shot.png"; filename*=UTF-8''screen%20shot.png`,
      "x-content-type-options": "nosniff",
      "content-security-policy": "sandbox; default-src 'none'",
      etag: `"${sha256(screenshot)}"`,
    });
    const again = await download(t, customer.token, `/attachments/${publicId}`, { "if-none-match": `"${sha256(screenshot)}"` });
    expect(again.status).toBe(304);
  });

  it("answers another customer NOT_FOUND, exactly as for an id that does not exist", async () => {
    const theirs = await download(t, other.token, `/attachments/${publicId}`);
    const madeUp = await download(t, other.token, `/attachments/0190f0f0-0000-7000-8000-000000000000`);
    expect(theirs.status).toBe(404);
    expect(madeUp.status).toBe(404);
    expect(theirs.json().errors[0].extensions.code).toBe("NOT_FOUND");
    expect(theirs.json().errors[0].message.replace(publicId, "ID")).toBe(madeUp.json().errors[0].message.replace("0190f0f0-0000-7000-8000-000000000000", "ID"));
  });

  it("keeps internal-note and issue attachments from the customer, and serves them to agents", async () => {
    expect((await download(t, customer.token, `/attachments/${internalId}`)).status).toBe(404);
    expect((await download(t, customer.token, `/attachments/${issueId}`)).status).toBe(404);
    expect((await download(t, agent.token, `/attachments/${internalId}`)).bytes.toString()).toBe("internal diagnosis");
    expect((await download(t, agent.token, `/attachments/${issueId}`)).bytes.toString()).toBe("spec");
    expect((await download(t, agent.token, `/attachments/${publicId}`)).status).toBe(200);
    expect((await download(t, null, `/attachments/${publicId}`)).status).toBe(401);
  });

  it("lets an API token download only what its scopes reach", async () => {
    const token = async (scopes: string[], owner = agent.token) =>
      ok(await t.gql(CREATE_TOKEN, { i: { name: `att ${scopes.join(",")}`, scopes, expiresAt: new Date(Date.now() + 30 * DAY).toISOString() } }, owner), "createApiToken").token as string;
    const tickets = await token(["TICKETS_READ"]);
    const issues = await token(["ISSUES_READ"]);
    const admin = await token(["ADMIN"], await t.adminToken()); // an admin's token for the admin area only
    expect((await download(t, tickets, `/attachments/${publicId}`)).status).toBe(200);
    expect((await download(t, tickets, `/attachments/${internalId}`)).status).toBe(200);
    expect((await download(t, tickets, `/attachments/${issueId}`)).status).toBe(404);
    expect((await download(t, issues, `/attachments/${issueId}`)).status).toBe(200);
    expect((await download(t, issues, `/attachments/${publicId}`)).status).toBe(404);
    const none = await download(t, admin, `/attachments/${publicId}`);
    expect(none.status).toBe(403);
    expect(none.json().errors[0].extensions.code).toBe("FORBIDDEN");
    const uploadWithReadOnly = await upload(t, tickets, Buffer.from("x"), "x.txt");
    expect(uploadWithReadOnly.status).toBe(403);
  });

  it("serves an uploaded HTML page as a download that cannot run, whatever it was called", async () => {
    const page = Buffer.from("<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>");
    const id = await uploadId(t, customer.token, page, "invoice.png");
    const comment = ok(await t.gql(ADD_COMMENT, { i: { subjectId: ticket.id, body: "The invoice.", attachmentIds: [id] } }, customer.token), "addComment");
    expect(comment.attachments[0]).toMatchObject({ contentType: "text/html", isImage: false, thumbnailUrl: null });
    const res = await download(t, customer.token, `/attachments/${id}`);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/octet-stream");
    expect(res.headers["content-disposition"]).toMatch(/^attachment; /);
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["content-security-policy"]).toBe("sandbox; default-src 'none'");
    expect(res.bytes.equals(page)).toBe(true);
    expect((await download(t, customer.token, `/attachments/${id}/thumbnail`)).status).toBe(404);
  });

  it("makes a WebP thumbnail of an image once and keeps it", async () => {
    const res = await download(t, customer.token, `/attachments/${publicId}/thumbnail`);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("image/webp");
    expect(res.bytes.subarray(8, 12).toString("ascii")).toBe("WEBP");
    expect(existsSync(join(dataDir, "attachments", publicId.slice(-2), `${publicId}.thumb`))).toBe(true);
  });

  it("lists attachments on tickets, comments and issues in one query per kind, as the parent's reader sees them", async () => {
    const res = ok(await t.gql(`query($id: ID!) { ticket(id: $id) { attachments { id } comments(first: 20) { nodes { internal attachments { id } } } } }`, { id: ticket.id }, customer.token), "ticket");
    expect(res.attachments.map((a: { id: string }) => a.id)).toEqual([publicId]);
    const seen = res.comments.nodes.flatMap((c: { attachments: { id: string }[] }) => c.attachments.map((a) => a.id));
    expect(seen).not.toContain(internalId);
  });
});

describe("deleting and sweeping", () => {
  it("lets the uploader delete their attachment (audited) but not another customer", async () => {
    const id = await uploadId(t, customer.token, Buffer.from("oops"), "oops.txt");
    ok(await t.gql(ADD_COMMENT, { i: { subjectId: ticket.id, body: "Wrong file.", attachmentIds: [id] } }, customer.token), "addComment");
    const refused = await t.gql(DELETE, { id }, other.token);
    expect(refused.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    ok(await t.gql(DELETE, { id }, customer.token), "deleteAttachment");
    expect((await download(t, customer.token, `/attachments/${id}`)).status).toBe(404);
    const trail = ok(await t.gql(`query($f: AuditEventFilter) { auditEvents(first: 5, filter: $f) { nodes { action targetId actor { id } } } }`, { f: { targetId: id } }, await t.adminToken()), "auditEvents");
    expect(trail.nodes.map((n: { action: string }) => n.action).sort()).toEqual(["ATTACHMENT_ADDED", "ATTACHMENT_DELETED"]);
  });

  it("removes uploads never attached after 24 hours, and no mutation may attach them after that", async () => {
    const res = await upload(t, customer.token, Buffer.from("forgotten"), "forgotten.txt");
    const id = res.json().id as string;
    const file = join(dataDir, "attachments", id.slice(-2), id);
    const services = t.server.services;
    const sweep = () => services.attachments.purgeUnattachedUploads(systemScope(services.orm.em.fork(), clock), clock.now());
    expect((await download(t, customer.token, `/attachments/${id}`)).status).toBe(200); // the uploader sees their own upload
    clock.advance(23 * HOUR);
    await sweep();
    expect(existsSync(file)).toBe(true);
    clock.advance(2 * HOUR);
    const { accessToken } = await t.login(customer.email, customer.password); // the day-old access token has expired
    const late = await t.gql(ADD_COMMENT, { i: { subjectId: ticket.id, body: "Late.", attachmentIds: [id] } }, accessToken);
    expect(late.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(await sweep()).toBeGreaterThanOrEqual(1);
    expect(existsSync(file)).toBe(false);
    expect((await download(t, accessToken, `/attachments/${id}`)).status).toBe(404);
    // Attached files stay.
    expect((await download(t, accessToken, ticket.attachments[0]!.url)).status).toBe(200);
    clock.reset();
  });
});

const CREATE_TICKET = `mutation($i: CreateTicketInput!) { createTicket(input: $i) { id attachments { ${ATTACHMENT_FIELDS} } } }`;
const ADD_COMMENT = `mutation($i: AddCommentInput!) { addComment(input: $i) { id attachments { ${ATTACHMENT_FIELDS} } } }`;
const CREATE_ISSUE = `mutation($i: CreateIssueInput!) { createIssue(input: $i) { id attachments { ${ATTACHMENT_FIELDS} } } }`;
const DELETE = `mutation($id: ID!) { deleteAttachment(id: $id) { id } }`;
const CREATE_TOKEN = `mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token } }`;
