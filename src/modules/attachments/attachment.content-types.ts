import { fileTypeFromBuffer } from "file-type";

/** How much of a file's beginning is kept to sniff its type from (file-type reads at most a few KB of most formats). */
export const SNIFF_BYTES = 64 * 1024;

/** Raster images: the only types shown inline (and given thumbnails). SVG is not one: it can carry script. */
const RASTER_IMAGES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

export const isRasterImage = (contentType: string): boolean => RASTER_IMAGES.has(contentType);

/**
 * Types a browser would run or render as a document in our origin. They are stored and listed as
 * sniffed, but served as application/octet-stream, always as a download.
 */
const ACTIVE_TYPE = /html|svg|xml|javascript|ecmascript|css/i;

/** Extensions that Windows runs on a double click whatever the bytes are: refused with the denied types. */
const EXECUTABLE_EXTENSIONS = new Set(["exe", "dll", "scr", "com", "msi", "msp", "bat", "cmd", "pif", "ps1", "vbs", "vbe", "jse", "wsf", "wsh", "hta", "jar", "apk", "lnk", "cpl", "msc", "reg", "app", "dmg"]);

/**
 * The media type of a file from its first bytes (file-type's magic numbers); text that no
 * magic number names is told apart as HTML, SVG, XML or plain text, anything else is
 * application/octet-stream. What the client declared is never used.
 */
export async function sniffContentType(head: Buffer): Promise<string> {
  if (head.length === 0) return "application/octet-stream";
  const detected = await fileTypeFromBuffer(head).catch(() => undefined);
  if (detected) return detected.mime;
  const text = asText(head);
  if (text === null) return "application/octet-stream";
  const start = text.replace(/^\uFEFF/, "").trimStart().slice(0, 2048).toLowerCase();
  if (/^<!doctype html|^<html|<script|<body|<iframe/.test(start)) return "text/html";
  if (/<svg[\s>]/.test(start)) return "image/svg+xml";
  if (start.startsWith("<?xml")) return "application/xml";
  return "text/plain";
}

/** The head as UTF-8 text, or null when it holds NUL bytes or is not UTF-8 (a character cut at its end is fine). */
function asText(head: Buffer): string | null {
  if (head.includes(0)) return null;
  for (let cut = 0; cut <= 3 && cut < head.length; cut++) {
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(head.subarray(0, head.length - cut));
    } catch {
      // try without the last bytes: the head may end inside a multi-byte character
    }
  }
  return null;
}

/** The Content-Type a download is served with: never a type the browser would run or render as a page. */
export function servedContentType(contentType: string): string {
  if (contentType === "text/plain") return "text/plain; charset=utf-8";
  if (ACTIVE_TYPE.test(contentType)) return "application/octet-stream";
  return contentType;
}

export interface TypePolicy {
  /** Types refused (exact, or "type/*"). */
  deniedTypes: readonly string[];
  /** When not empty, only these types are accepted (exact, or "type/*"). */
  allowedTypes: readonly string[];
}

const matches = (contentType: string, patterns: readonly string[]) =>
  patterns.some((p) => p === contentType || (p.endsWith("/*") && contentType.startsWith(p.slice(0, -1))));

/** Why a file of this sniffed type and name is refused, or null. */
export function refusal(contentType: string, fileName: string, policy: TypePolicy): string | null {
  if (policy.allowedTypes.length && !matches(contentType, policy.allowedTypes)) return `Files of type ${contentType} are not accepted here.`;
  if (matches(contentType, policy.deniedTypes)) return `Files of type ${contentType} (programs) are not accepted.`;
  const extension = /\.([^.]+)$/.exec(fileName)?.[1]?.toLowerCase();
  if (policy.deniedTypes.length && extension && EXECUTABLE_EXTENSIONS.has(extension)) return `Files named *.${extension} (programs) are not accepted.`;
  return null;
}

export const FILE_NAME_MAX = 200;

/**
 * A file name safe to store and send back: the last path segment only, without control,
 * format (bidirectional overrides, zero-width) or reserved characters, trimmed of dots and
 * spaces, at most FILE_NAME_MAX characters with its extension kept; "file" when nothing is left.
 */
export function sanitizeFileName(raw: string | null | undefined): string {
  let name = (raw ?? "").normalize("NFC");
  name = name.split(/[/\\]/).pop() ?? "";
  name = name.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, "").replace(/[<>:"|?*]/g, "_");
  name = name.replace(/^[\s.]+|[\s.]+$/g, "");
  const chars = [...name];
  if (chars.length > FILE_NAME_MAX) {
    const dot = name.lastIndexOf(".");
    const extension = dot > 0 && name.length - dot <= 16 ? [...name.slice(dot)] : [];
    name = chars.slice(0, FILE_NAME_MAX - extension.length).join("") + extension.join("");
  }
  return name || "file";
}
