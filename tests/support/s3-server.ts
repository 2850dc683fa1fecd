import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rverInstance;

export interface LocalS3 {
  /** Settings that point the server at this bucket (S3_*). */
  env: Record<string, string>;
  bucket: string;
  /** The folder s3rver keeps objects in: `<dir>/<bucket>/<key>._S3rver_object`. */
  dir: string;
  close(): Promise<void>;
}

/**
 * A real S3-compatible server for the suite: s3rver (npm, pure JavaScript), in this process on a
 * free loopback port, with a temporary folder and one bucket. Speaks the S3 REST API the AWS SDK
 * uses, multipart uploads included; it accepts its fixed credentials S3RVER/S3RVER.
 */
export async function startLocalS3(bucket = "deskql-attachments"): Promise<LocalS3> {
  const S3rver = createRequire(import.meta.url)("s3rver") as S3rverConstructor;
  const dir = mkdtempSync(join(tmpdir(), "deskql-s3-"));
  const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory: dir, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  return {
    bucket,
    dir,
    env: {
      S3_ENDPOINT: `http://127.0.0.1:${port}`,
      S3_BUCKET: bucket,
      S3_REGION: "us-east-1",
      S3_ACCESS_KEY_ID: "S3RVER",
      S3_SECRET_ACCESS_KEY: "S3RVER",
      S3_FORCE_PATH_STYLE: "true",
    },
    async close() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
