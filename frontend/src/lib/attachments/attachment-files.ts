import { auth } from "../auth/auth.svelte.ts";

/** What POST /uploads answers, as the GraphQL `Attachment` type shows it. */
export interface UploadedFile {
  id: string;
  fileName: string;
  size: number;
  contentType: string;
  sha256: string;
  url: string;
  thumbnailUrl: string | null;
  isImage: boolean;
}

/** A size as people read it: 512 B, 12.3 KB, 4.5 MB. */
export function formatSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ["KB", "MB", "GB"];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** A media type as people read it: "PNG image", "PDF document", "text". */
export function describeType(contentType: string): string {
  if (contentType.startsWith("image/")) return `${contentType.slice(6).toUpperCase()} image`;
  if (contentType === "application/pdf") return "PDF document";
  if (contentType === "text/plain") return "text";
  if (contentType === "application/zip") return "ZIP archive";
  return contentType;
}

async function bearer(): Promise<string | null> {
  if (auth.tokenExpired) await auth.refresh();
  return auth.accessToken;
}

/** What an upload the server refused says, from its error envelope. */
function uploadError(xhr: XMLHttpRequest): Error {
  try {
    const body = JSON.parse(xhr.responseText) as { errors?: { message?: string; extensions?: { code?: string } }[] };
    const first = body.errors?.[0];
    if (first?.message) return Object.assign(new Error(first.message), { code: first.extensions?.code });
  } catch {
    // not JSON: a proxy's page
  }
  return new Error(xhr.status ? `The upload failed (HTTP ${xhr.status}).` : "The upload failed: the server could not be reached.");
}

/**
 * Sends one file to POST /uploads with XMLHttpRequest, for its upload progress events (fetch has
 * none). The server sniffs the type and measures the file; the answer's id goes into the mutation.
 */
export function uploadFile(file: File, onprogress: (fraction: number) => void): { done: Promise<UploadedFile>; abort: () => void } {
  const xhr = new XMLHttpRequest();
  const done = bearer().then(
    (token) =>
      new Promise<UploadedFile>((resolve, reject) => {
        xhr.open("POST", `/uploads?name=${encodeURIComponent(file.name)}`);
        if (token) xhr.setRequestHeader("Authorization", `Bearer ${token}`);
        xhr.setRequestHeader("Content-Type", "application/octet-stream");
        xhr.upload.onprogress = (event) => event.lengthComputable && onprogress(event.loaded / event.total);
        xhr.onload = () => (xhr.status === 201 ? resolve(JSON.parse(xhr.responseText) as UploadedFile) : reject(uploadError(xhr)));
        xhr.onerror = () => reject(uploadError(xhr));
        xhr.onabort = () => reject(new Error("The upload was cancelled."));
        xhr.send(file);
      }),
  );
  return { done, abort: () => xhr.abort() };
}

const blobs = new Map<string, Promise<string>>();

/**
 * An attachment (or its thumbnail) as an object URL: downloads need the Authorization header, which
 * an <img src> cannot send, so the client fetches the bytes and shows them from memory. Cached
 * for the page's life; a failed fetch is forgotten so it can be tried again.
 */
export function attachmentObjectUrl(url: string): Promise<string> {
  let pending = blobs.get(url);
  if (!pending) {
    pending = (async () => {
      const token = await bearer();
      const res = await fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return URL.createObjectURL(await res.blob());
    })();
    pending.catch(() => blobs.delete(url));
    blobs.set(url, pending);
  }
  return pending;
}

/** Saves an attachment under its name, through a fetched object URL (a plain link would carry no token). */
export async function saveAttachment(url: string, fileName: string): Promise<void> {
  const objectUrl = await attachmentObjectUrl(url);
  const a = document.createElement("a");
  a.href = objectUrl;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
}

/** Our attachment references in Markdown: `attachment:<id>` or the download path. */
export const ATTACHMENT_REF = /^(?:attachment:|\/attachments\/)([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
