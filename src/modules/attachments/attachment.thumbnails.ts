import type { Readable } from "node:stream";

export const THUMBNAIL_TYPE = "image/webp";
const THUMBNAIL_SIZE = 320;
/** Refuse images past 40 megapixels: a small PNG can decompress into gigabytes (a "pixel flood"). */
const MAX_INPUT_PIXELS = 40_000_000;

type Sharp = (typeof import("sharp"))["default"];
let sharpModule: Promise<Sharp | null> | undefined;

/** sharp, if it could be installed (it ships prebuilt binaries in npm); null otherwise, and thumbnails fall back to the image. */
function loadSharp(): Promise<Sharp | null> {
  sharpModule ??= import("sharp").then((m) => m.default, () => null);
  return sharpModule;
}

/** A WebP at most THUMBNAIL_SIZE pixels wide or high (first frame, EXIF orientation applied), or null without sharp or for an unreadable image. */
export async function makeThumbnail(image: Readable): Promise<Buffer | null> {
  const sharp = await loadSharp();
  if (!sharp) {
    image.destroy();
    return null;
  }
  const transform = sharp({ limitInputPixels: MAX_INPUT_PIXELS, failOn: "error" })
    .rotate()
    .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: "inside", withoutEnlargement: true })
    .webp({ quality: 75 });
  image.on("error", (error) => transform.destroy(error));
  image.pipe(transform);
  try {
    return await transform.toBuffer();
  } catch {
    return null;
  } finally {
    image.destroy();
  }
}
