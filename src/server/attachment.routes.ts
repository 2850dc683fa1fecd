import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Readable } from "node:stream";
import { AppError, ForbiddenError } from "../core/errors.js";
import { ApiScope, missingScope, type Viewer } from "../core/identity.js";
import { requireViewer } from "../core/scope.js";
import { servedContentType } from "../modules/attachments/attachment.content-types.js";
import type { Attachment } from "../modules/attachments/attachment.entity.js";
import { FileTooLargeError } from "../modules/attachments/attachment.meter.js";
import type { Services } from "../services.js";
import type { AuthEdge } from "./auth-edge.js";
import { drainBody } from "./body-limit.js";
import { sendError } from "./error-envelope.js";

/** What an upload answers: the attachment as the GraphQL `Attachment` type shows it. */
export function attachmentView(attachment: Attachment) {
  return {
    id: attachment.id,
    fileName: attachment.fileName,
    size: attachment.size,
    contentType: attachment.contentType,
    sha256: attachment.sha256,
    createdAt: attachment.createdAt.toISOString(),
    url: attachment.url,
    thumbnailUrl: attachment.thumbnailUrl,
    isImage: attachment.isImage,
  };
}

/** An API token needs a write scope of either area to upload, a read scope to download (the parent decides the rest). */
function tokenRefusal(viewer: Viewer, kind: "read" | "write"): ForbiddenError | null {
  const [tickets, issues] = kind === "read" ? [ApiScope.TICKETS_READ, ApiScope.ISSUES_READ] : [ApiScope.TICKETS_WRITE, ApiScope.ISSUES_WRITE];
  return missingScope(viewer, tickets) && missingScope(viewer, issues) ? new ForbiddenError(`This API token lacks the "${tickets}" or "${issues}" scope.`) : null;
}

/** RFC 6266/5987: an ASCII fallback and the exact UTF-8 name. */
function contentDisposition(kind: "inline" | "attachment", fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * Headers that keep a stored file from ever running in our origin: the sniffed type (active
 * types as application/octet-stream), a download unless it is a raster image, nosniff, and a
 * sandboxing CSP should a browser render it anyway.
 */
function sendFile(reply: FastifyReply, attachment: Attachment, body: Readable | Buffer, contentType: string, size?: number) {
  reply
    .header("content-type", servedContentType(contentType))
    .header("content-disposition", contentDisposition(attachment.isImage ? "inline" : "attachment", attachment.fileName))
    .header("x-content-type-options", "nosniff")
    .header("content-security-policy", "sandbox; default-src 'none'")
    .header("cache-control", "private, no-cache")
    .header("cross-origin-resource-policy", "same-origin");
  if (size !== undefined) reply.header("content-length", String(size));
  return reply.send(body);
}

/**
 * POST /uploads (the file as the raw body, its name in `?name=`), GET /attachments/:id and
 * GET /attachments/:id/thumbnail, behind the auth edge like /graphql. Uploads stream into the
 * storage (never buffered, never past Fastify's body limit: this route reads its own body) and
 * answer the attachment with its id, which createTicket, addComment and createIssue then name.
 */
export async function registerAttachmentRoutes(app: FastifyInstance, { services, edge }: { services: Services; edge: AuthEdge }): Promise<void> {
  const { attachments } = services;
  const maxBytes = attachments.settings.maxBytes;

  const refuse = async (request: FastifyRequest, reply: FastifyReply, error: unknown) => {
    // The client learns of a refusal only once it reads the answer: read the rest of its body first (body-limit.ts).
    if (!request.raw.complete) await drainBody(request);
    return sendError(request, reply, error);
  };

  await app.register(async (uploads) => {
    // The body is this route's to stream: no parser reads it, whatever its type.
    uploads.removeAllContentTypeParsers();
    uploads.addContentTypeParser("*", (_request, _payload, done) => done(null, undefined));
    uploads.post("/uploads", { config: { auth: "required" } }, async (request, reply) => {
      const scope = edge.scope(request);
      const viewer = requireViewer(scope);
      const refused = tokenRefusal(viewer, "write");
      if (refused) return refuse(request, reply, refused);
      const declared = Number(request.headers["content-length"] ?? NaN);
      if (declared > maxBytes) return refuse(request, reply, new FileTooLargeError(maxBytes));
      const query = request.query as { name?: unknown };
      const header = request.headers["x-file-name"];
      const fileName = typeof query.name === "string" ? query.name : typeof header === "string" ? safeDecode(header) : null;
      try {
        const attachment = await attachments.store(scope, request.raw, { fileName, declaredType: request.headers["content-type"] ?? null });
        return reply.code(201).header("cache-control", "no-store").send(attachmentView(attachment));
      } catch (error) {
        return refuse(request, reply, error);
      }
    });
  });

  const download = (thumbnail: boolean) => async (request: FastifyRequest, reply: FastifyReply) => {
    const scope = edge.scope(request);
    const viewer = requireViewer(scope);
    const refused = tokenRefusal(viewer, "read");
    if (refused) return sendError(request, reply, refused);
    const { id } = request.params as { id: string };
    try {
      const opened = thumbnail ? await attachments.openThumbnail(scope, id) : { ...(await attachments.openDownload(scope, id)), contentType: undefined };
      const { attachment, body } = opened;
      const etag = `"${attachment.sha256}${thumbnail ? "-thumb" : ""}"`;
      reply.header("etag", etag);
      if (request.headers["if-none-match"] === etag) {
        if (!Buffer.isBuffer(body)) body.destroy();
        return reply.code(304).send();
      }
      const size = thumbnail ? (Buffer.isBuffer(body) ? body.length : undefined) : attachment.size;
      return sendFile(reply, attachment, body, opened.contentType ?? attachment.contentType, size);
    } catch (error) {
      if (error instanceof AppError) return sendError(request, reply, error);
      throw error;
    }
  };
  // Files are sent as stored: images and archives are compressed already, and Content-Length must stay the file's.
  app.get("/attachments/:id", { config: { auth: "required" }, compress: false }, download(false));
  app.get("/attachments/:id/thumbnail", { config: { auth: "required" }, compress: false }, download(true));
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
