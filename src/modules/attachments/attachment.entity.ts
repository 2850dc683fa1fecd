import { Entity, Enum, Index, Property } from "@mikro-orm/core";
import { Field, ID, Int, ObjectType } from "type-graphql";
import { BaseEntity } from "../../db/base.entity.js";
import { AttachmentParentType } from "./attachment.enums.js";
import { isRasterImage } from "./attachment.content-types.js";

/**
 * A stored file: uploaded first (no parent), then attached by the mutation that names its id
 * (createTicket, addComment, createIssue), or stored with its parent at once (mail intake).
 * The bytes live in the attachment storage under `storageKey`; this row is what is known of
 * them, all of it measured by the server while it streamed them (size, SHA-256, sniffed type).
 */
@ObjectType({ description: "A file attached to a ticket, a comment or an issue." })
@Entity({ tableName: "attachments" })
// The parent's attachments in order, and the sweep of unattached uploads (parentId NULL, oldest first).
@Index({ name: "attachments_parent_index", properties: ["parentId", "createdAt"] })
@Index({ name: "attachments_ticket_index", properties: ["ticketId"] })
export class Attachment extends BaseEntity<"parentType" | "parentId" | "ticketId" | "internal" | "attachedAt" | "url" | "thumbnailUrl" | "isImage"> {
  /** Who uploaded it (no foreign key: the row outlives nothing, and intake stores for users it just created). */
  @Property({ type: "uuid", length: 36 })
  uploaderId!: string;

  @Field(() => String, { description: "The file's name as uploaded, sanitised (no folders, control or bidirectional characters; at most 200 characters)." })
  @Property({ type: "string", length: 255 })
  fileName!: string;

  @Field(() => Int, { description: "Size in bytes, as counted while it was stored." })
  @Property({ type: "integer" })
  size!: number;

  @Field(() => String, { description: "The media type sniffed from the bytes (never the client's claim); `application/octet-stream` when unknown." })
  @Property({ type: "string", length: 127 })
  contentType!: string;

  @Field(() => String, { description: "SHA-256 of the bytes, hex-encoded; also the download's ETag." })
  @Property({ type: "string", length: 64 })
  sha256!: string;

  /** Where the bytes are in the storage. */
  @Property({ type: "string", length: 200 })
  storageKey!: string;

  @Field(() => AttachmentParentType, { nullable: true, description: "What it is attached to; null while it is an unattached upload." })
  @Enum({ items: () => AttachmentParentType, nativeEnumName: "attachment_parent_type", nullable: true })
  parentType: AttachmentParentType | null = null;

  @Field(() => ID, { nullable: true, description: "Id of the ticket, comment or issue it is attached to." })
  @Property({ type: "uuid", length: 36, nullable: true })
  parentId: string | null = null;

  /** The ticket whose total it counts against (its own, or its comment's); null on issues. */
  @Property({ type: "uuid", length: 36, nullable: true })
  ticketId: string | null = null;

  /** Attached to an internal note (staff-only), or to an issue's comment. */
  @Property({ type: "boolean" })
  internal: boolean = false;

  @Property({ type: "datetime", length: 3, nullable: true })
  attachedAt: Date | null = null;

  @Field(() => String, { description: "Where to download it (GET, with the same Authorization header as the API)." })
  get url(): string {
    return `/attachments/${this.id}`;
  }

  @Field(() => String, { nullable: true, description: "A small preview (WebP, at most 320 pixels wide or high) of a raster image; null for other files." })
  get thumbnailUrl(): string | null {
    return this.isImage ? `/attachments/${this.id}/thumbnail` : null;
  }

  @Field(() => Boolean, { description: "A raster image (PNG, JPEG, GIF, WebP): shown inline, with a thumbnail." })
  get isImage(): boolean {
    return isRasterImage(this.contentType);
  }
}
