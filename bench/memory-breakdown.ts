import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { getHeapSpaceStatistics } from "node:v8";

/** Where a process's resident memory is, in MiB, as /proc/self/smaps and process.memoryUsage() tell. */
export interface MemoryBreakdown {
  rssMb: number;
  /** process.memoryUsage(), MiB. */
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  arrayBuffersMb: number;
  /** V8's young generation (new space: two semi-spaces, and its large objects), MiB committed and in use. */
  youngMb: { committed: number; used: number };
  /** V8's other spaces (old, code, large objects), MiB committed and in use. */
  oldMb: { committed: number; used: number };
  /** Resident MiB by where it lives (see classify). */
  resident: Record<string, number>;
  /** argon2id blocks held (anonymous mappings of one block's size). */
  argon2Blocks: number;
}

const ARGON2_KIB = 19_456;
const ARENA_ALIGN = 64 * 2 ** 20;

/**
 * Reads /proc/self/smaps: file-backed mappings by file (the node binary, native addons, shared
 * libraries), glibc's main arena ([heap]), thread arenas (anonymous mappings aligned to their
 * 64 MiB reservation), argon2id's blocks (anonymous mappings of one block: with
 * MALLOC_MMAP_THRESHOLD_=8 MiB each 19 MiB block is its own mmap), the rest anonymous (V8's heap
 * pages and code, thread stacks, libuv and OpenSSL buffers). Linux only; empty elsewhere.
 */
export function memoryBreakdown(): MemoryBreakdown {
  const usage = process.memoryUsage();
  const mb = (bytes: number) => bytes / 2 ** 20;
  const youngMb = { committed: 0, used: 0 };
  const oldMb = { committed: 0, used: 0 };
  for (const space of getHeapSpaceStatistics()) {
    const into = space.space_name.startsWith("new_") ? youngMb : oldMb;
    into.committed += mb(space.physical_space_size);
    into.used += mb(space.space_used_size);
  }
  const heap = { youngMb, oldMb };
  const resident: Record<string, number> = {};
  let argon2Blocks = 0;
  const add = (key: string, kb: number) => (resident[key] = (resident[key] ?? 0) + kb / 1024);
  let text = "";
  try {
    text = readFileSync("/proc/self/smaps", "utf8");
  } catch {
    return { rssMb: mb(usage.rss), heapUsedMb: mb(usage.heapUsed), heapTotalMb: mb(usage.heapTotal), externalMb: mb(usage.external), arrayBuffersMb: mb(usage.arrayBuffers), ...heap, resident, argon2Blocks };
  }
  let header: string[] | null = null;
  let sizeKb = 0;
  const flush = (rssKb: number) => {
    if (!header) return;
    const [range, perms, , , , ...rest] = header;
    const path = rest.join(" ");
    const start = Number.parseInt(range!.split("-")[0]!, 16);
    let key: string;
    if (path === "[heap]") key = "malloc main arena ([heap])";
    else if (path === "[stack]") key = "main thread stack";
    else if (path.startsWith("[")) key = "kernel ([vdso], [vvar])";
    else if (path === process.execPath) key = "node binary (code, read-only data)";
    else if (path.endsWith(".node")) key = `native addon ${basename(path)}`;
    else if (path.includes(".so")) key = /libvips|libsharp|libheif|libjpeg|libpng|libwebp|libtiff|libgif/.test(path) ? "shared libraries: sharp's libvips stack" : "shared libraries: other";
    else if (path) key = "other files";
    else if (sizeKb >= ARGON2_KIB && sizeKb <= ARGON2_KIB + 16 && perms === "rw-p") {
      key = "argon2id blocks (19 MiB each)";
      if (rssKb > 0) argon2Blocks++;
    } else if (perms === "rw-p" && start % ARENA_ALIGN === 0 && sizeKb <= ARENA_ALIGN / 1024) key = "malloc thread arenas";
    else key = "other anonymous (V8 heap pages and code, thread stacks, libuv, OpenSSL)";
    add(key, rssKb);
  };
  let rssKb = 0;
  for (const line of text.split("\n")) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) {
      flush(rssKb);
      header = line.split(/\s+/);
      const [a, b] = header[0]!.split("-").map((x) => Number.parseInt(x, 16));
      sizeKb = (b! - a!) / 1024;
      rssKb = 0;
    } else if (line.startsWith("Rss:")) rssKb = Number(line.split(/\s+/)[1]);
  }
  flush(rssKb);
  for (const key of Object.keys(resident)) if (resident[key]! < 0.05) delete resident[key];
  return { rssMb: mb(usage.rss), heapUsedMb: mb(usage.heapUsed), heapTotalMb: mb(usage.heapTotal), externalMb: mb(usage.external), arrayBuffersMb: mb(usage.arrayBuffers), ...heap, resident, argon2Blocks };
}
