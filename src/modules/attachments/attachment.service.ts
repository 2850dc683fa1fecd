import type { Readable } from "node:stream";
import { v7 as uuidv7 } from "uuid";
import { AppError, BadUserInputError, ConflictError, ForbiddenError, NotFoundError, RateLimitedError } from "../../core/errors.js";
import type { DomainEvents } from "../../core/events/domain-events.js";
import { ApiScope, isStaff, missingScope, type Viewer } from "../../core/identity.js";
import { requireViewer, type RequestScope } from "../../core/scope.js";
import { READ_ONLY } from "../../core/writes.js";
import { refusal, sanitizeFileName, sniffContentType, type TypePolicy } from "./attachment.content-types.js";
import { Attachment } from "./attachment.entity.js";
import type { AttachmentParentType } from "./attachment.enums.js";
import { attachmentEvent } from "./attachment.events.js";
import { UploadMeter } from "./attachment.meter.js";
import { canSeeParent, loadParent, type ParentInfo } from "./attachment.parents.js";
import type { AttachmentStorage } from "./attachment.storage.js";
import { makeThumbnail, THUMBNAIL_TYPE } from "./attachment.thumbnails.js";

export interface AttachmentSettings extends TypePolicy {
  maxBytes: number;
  ticketMaxBytes: number;
  unattachedHours: number;
}

export interface StoreOptions {
  /** The name the file came with; sanitised here. */
  fileName: string | null | undefined;
  /** What the sender claimed the type is: recorded nowhere, the type is sniffed from the bytes. */
  declaredType?: string | null;
  /** Attach at once (mail intake); without it the file is an upload awaiting a mutation that names it. */
  parent?: { type: AttachmentParentType; id: string } | null;
  /** Who it is stored for when the scope has no viewer (the system scope of mail intake). */
  uploaderId?: string;
}

/** How many uploads one mutation may attach. */
export const ATTACH_MAX = 20;

/** Past this many, the sweep deletes the rest on its next pass. */
const PURGE_BATCH = 500;

const notFound = (id: string) => new NotFoundError("Attachment", id);

export class UnsupportedTypeError extends AppError {
  constructor(message: string, contentType: string) {
    super("UNSUPPORTED_MEDIA_TYPE", message, { extensions: { contentType }, logLevel: "info" });
  }
}

/**
 * Attachments: files streamed into the storage (never held whole), measured on the way (size,
 * SHA-256, sniffed type), then attached to a ticket, comment or issue by the mutation that names
 * their upload ids, and served only to who may see that parent.
 */
export class AttachmentService {
  /**
   * Uploads one person may have waiting to be attached at once: a client cannot fill the disk
   * with files no mutation ever names (they would only be swept a day later).
   */
  pendingUploadsMax = 100;

  constructor(
    readonly settings: AttachmentSettings,
    readonly storage: AttachmentStorage,
    private readonly events: DomainEvents,
  ) {}

  /**
   * Streams `body` into the storage and records it: an upload of the viewer's (or `uploaderId`'s)
   * that a mutation attaches within ATTACHMENT_UNATTACHED_HOURS, or attached to `parent` at once.
   * Fails with PAYLOAD_TOO_LARGE the moment the file passes the per-file limit and with
   * UNSUPPORTED_MEDIA_TYPE for a refused type; either way nothing is left in the storage.
   */
  async store(scope: RequestScope, body: Readable, options: StoreOptions): Promise<Attachment> {
    const uploaderId = options.uploaderId ?? requireViewer(scope).userId;
    const fileName = sanitizeFileName(options.fileName);
    const parent = options.parent ? await this.parentFor(scope, options.parent) : null;
    // People uploading through the API are capped; the system (mail intake) attaches what it stores at once.
    if (!parent && scope.viewer) await this.assertPendingRoom(scope, uploaderId);
    const id = uuidv7();
    const storageKey = id;
    const meter = new UploadMeter(this.settings.maxBytes);
    // The meter may fail (past the limit) before the storage listens to it: keep its first error.
    let failure: Error | undefined;
    meter.on("error", (error: Error) => (failure ??= error));
    const fail = (error: Error) => meter.destroy(error);
    body.once("error", fail);
    // A client that goes away mid-upload: IncomingMessage closes without completing.
    const onClose = () => (body as { complete?: boolean }).complete === false && meter.destroy(new AppError("BAD_REQUEST", "The upload was interrupted."));
    body.once("close", onClose);
    body.pipe(meter);
    try {
      await this.storage.put(storageKey, meter);
    } catch (error) {
      throw failure ?? error;
    } finally {
      body.off("error", fail).off("close", onClose);
      body.unpipe(meter);
    }
    if (failure) {
      await this.storage.delete(storageKey).catch(() => {});
      throw failure;
    }
    const contentType = await sniffContentType(meter.head());
    const row = { id, uploaderId, fileName, size: meter.bytes, contentType, sha256: meter.digest(), storageKey, createdAt: scope.clock.now() };
    try {
      const refused = refusal(contentType, fileName, this.settings);
      if (refused) throw new UnsupportedTypeError(refused, contentType);
      if (!parent) {
        const em = scope.em.fork();
        const attachment = em.create(Attachment, row);
        await em.flush();
        return attachment;
      }
      return await this.events.transaction(scope, async (tx) => {
        const attachment = tx.em.create(Attachment, { ...row, parentType: parent.type, parentId: parent.id, ticketId: parent.ticketId, internal: parent.internal, attachedAt: row.createdAt });
        await this.assertTicketTotal(tx, parent, meter.bytes, "file");
        await this.raiseAdded(tx, attachment, parent, uploaderId);
        return attachment;
      });
    } catch (error) {
      await this.storage.delete(storageKey).catch(() => {});
      throw error;
    }
  }

  /**
   * Attaches the viewer's uploads `ids` to `parent`, inside the transaction that created the
   * parent (a subscriber to ticket.created, comment.added, issue.created): an id that is not the
   * actor's own unattached, unexpired upload fails the whole write.
   */
  async attachUploads(tx: RequestScope, ids: readonly string[], parent: ParentInfo, actorId: string | null, field: string): Promise<void> {
    const unique = [...new Set(ids)];
    if (!unique.length) return;
    if (unique.length > ATTACH_MAX) throw new BadUserInputError(`At most ${ATTACH_MAX} attachments at once.`, field);
    const expiredBefore = this.expiryCutoff(tx.clock.now());
    const uploads = await tx.em.find(Attachment, { id: { $in: unique } }, READ_ONLY);
    for (const id of unique) {
      const upload = uploads.find((u) => u.id === id);
      if (!upload || upload.uploaderId !== actorId || upload.parentId !== null || upload.createdAt < expiredBefore) {
        throw new BadUserInputError(`The upload "${id}" was not found, has expired or is attached already: upload the file again.`, field);
      }
    }
    await this.assertTicketTotal(tx, parent, uploads.reduce((sum, u) => sum + u.size, 0), field);
    const attachedAt = tx.clock.now();
    const changed = await tx.em.nativeUpdate(
      Attachment,
      { id: { $in: unique }, parentId: null },
      { parentType: parent.type, parentId: parent.id, ticketId: parent.ticketId, internal: parent.internal, attachedAt },
    );
    if (changed !== unique.length) throw new ConflictError("An upload was attached by another request at the same time.", { field });
    for (const upload of uploads) await this.raiseAdded(tx, upload, parent, actorId);
  }

  /** The attachment and its bytes, if the viewer may see its parent; NOT_FOUND otherwise (as for a made-up id). */
  async openDownload(scope: RequestScope, id: string): Promise<{ attachment: Attachment; body: Readable }> {
    const { attachment } = await this.visible(scope, requireViewer(scope), id);
    const body = await this.storage.get(attachment.storageKey);
    if (!body) throw notFound(id);
    return { attachment, body };
  }

  /**
   * A raster image's thumbnail (WebP), made on first request and kept in the storage beside it.
   * Without sharp (it could not be installed), the image itself.
   */
  async openThumbnail(scope: RequestScope, id: string): Promise<{ attachment: Attachment; body: Readable | Buffer; contentType: string }> {
    const { attachment } = await this.visible(scope, requireViewer(scope), id);
    if (!attachment.isImage) throw notFound(id);
    const key = `${attachment.storageKey}.thumb`;
    const cached = await this.storage.get(key);
    if (cached) return { attachment, body: cached, contentType: THUMBNAIL_TYPE };
    const original = await this.storage.get(attachment.storageKey);
    if (!original) throw notFound(id);
    const thumbnail = await makeThumbnail(original);
    if (!thumbnail) {
      const again = await this.storage.get(attachment.storageKey);
      if (!again) throw notFound(id);
      return { attachment, body: again, contentType: attachment.contentType };
    }
    const { Readable } = await import("node:stream");
    await this.storage.put(key, Readable.from([thumbnail]), THUMBNAIL_TYPE);
    return { attachment, body: thumbnail, contentType: THUMBNAIL_TYPE };
  }

  /** Removes an attachment: its uploader or staff, who must see it. Audited; the bytes go once committed. */
  async delete(scope: RequestScope, id: string): Promise<Attachment> {
    const viewer = requireViewer(scope);
    const { attachment, parent } = await this.visible(scope, viewer, id);
    if (!isStaff(viewer.role) && attachment.uploaderId !== viewer.userId) throw new ForbiddenError("Only its uploader or an agent may remove this attachment.");
    const lacking = missingScope(viewer, parent && !parent.ticketId ? ApiScope.ISSUES_WRITE : ApiScope.TICKETS_WRITE);
    if (lacking) throw new ForbiddenError(lacking);
    await this.events.transaction(scope, async (tx) => {
      if (!(await tx.em.nativeDelete(Attachment, { id }))) throw notFound(id);
      await this.events.raise(tx, {
        type: "attachment.deleted",
        ...attachmentEvent(id, parent),
        payload: { parentType: attachment.parentType, parentId: attachment.parentId, fileName: attachment.fileName, size: attachment.size },
      });
    });
    await this.removeBytes(attachment);
    return attachment;
  }

  /**
   * Deletes uploads that no mutation attached within ATTACHMENT_UNATTACHED_HOURS of `now`, rows
   * first (an attach racing the sweep finds them expired all the same), then their bytes.
   * Returns how many went. Replicas sweeping at once delete each once.
   */
  async purgeUnattachedUploads(scope: RequestScope, now: Date): Promise<number> {
    const stale = await scope.em.find(Attachment, { parentId: null, createdAt: { $lt: this.expiryCutoff(now) } }, { ...READ_ONLY, orderBy: { createdAt: "ASC" }, limit: PURGE_BATCH });
    if (!stale.length) return 0;
    const deleted = await scope.em.nativeDelete(Attachment, { id: { $in: stale.map((a) => a.id) }, parentId: null });
    for (const attachment of stale) await this.removeBytes(attachment);
    return deleted;
  }

  private async assertPendingRoom(scope: RequestScope, uploaderId: string): Promise<void> {
    const pending = await scope.em.count(Attachment, { uploaderId, parentId: null, createdAt: { $gte: this.expiryCutoff(scope.clock.now()) } });
    if (pending >= this.pendingUploadsMax) {
      throw new RateLimitedError(3600, `You have ${pending} uploads not attached to anything yet: attach or remove some before uploading more.`, { limit: this.pendingUploadsMax });
    }
  }

  private expiryCutoff(now: Date): Date {
    return new Date(now.getTime() - this.settings.unattachedHours * 3_600_000);
  }

  private async removeBytes(attachment: Attachment): Promise<void> {
    await this.storage.delete(attachment.storageKey);
    if (attachment.isImage) await this.storage.delete(`${attachment.storageKey}.thumb`);
  }

  /** The attachment if `viewer` may see it (an unattached upload: its uploader only), with its parent; NOT_FOUND otherwise. */
  private async visible(scope: RequestScope, viewer: Viewer, id: string): Promise<{ attachment: Attachment; parent: ParentInfo | null }> {
    const attachment = /^[0-9a-f-]{36}$/i.test(id) ? await scope.em.findOne(Attachment, { id }, READ_ONLY) : null;
    if (!attachment) throw notFound(id);
    if (!attachment.parentType || !attachment.parentId) {
      if (attachment.uploaderId !== viewer.userId) throw notFound(id);
      return { attachment, parent: null };
    }
    const parent = await loadParent(scope.em, attachment.parentType, attachment.parentId);
    if (!parent || !(await canSeeParent(parent, viewer, scope))) throw notFound(id);
    return { attachment, parent: parent.info };
  }

  private async parentFor(scope: RequestScope, wanted: { type: AttachmentParentType; id: string }): Promise<ParentInfo> {
    const parent = await loadParent(scope.em, wanted.type, wanted.id);
    // The system (mail intake) attaches where it decided to; a person only where they see.
    if (!parent || (scope.viewer && !(await canSeeParent(parent, scope.viewer, scope)))) throw new NotFoundError("Ticket, comment or issue", wanted.id);
    return parent.info;
  }

  /** The ticket's attachments may not add up to more than ATTACHMENT_TICKET_MAX_BYTES. */
  private async assertTicketTotal(tx: RequestScope, parent: ParentInfo, adding: number, field: string): Promise<void> {
    if (!parent.ticketId) return;
    const existing = await tx.em.find(Attachment, { ticketId: parent.ticketId }, { ...READ_ONLY, fields: ["size"] });
    const total = existing.reduce((sum, a) => sum + a.size, 0) + adding;
    const limit = this.settings.ticketMaxBytes;
    if (total > limit) {
      throw new AppError("PAYLOAD_TOO_LARGE", `The ticket's attachments would add up to ${total} bytes, over its limit of ${limit} bytes.`, {
        extensions: { field, limitBytes: limit, limit: "ticket" },
        logLevel: "info",
      });
    }
  }

  private async raiseAdded(tx: RequestScope, attachment: Attachment, parent: ParentInfo, actorId: string | null): Promise<void> {
    await this.events.raise(tx, {
      type: "attachment.added",
      actorId,
      ...attachmentEvent(attachment.id, parent),
      payload: { parentType: parent.type, parentId: parent.id, fileName: attachment.fileName, size: attachment.size, contentType: attachment.contentType, sha256: attachment.sha256 },
    });
  }
}
