/**
 * A local S3-compatible server for a test (s3rver, on loopback with a port the OS
 * picks, objects in a temporary directory) and the SYNCO_S3_* settings for it.
 * s3rver's fixed credentials are S3RVER / S3RVER.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import type { S3Settings } from "../../src/config.ts";

export interface LocalS3 {
  settings: S3Settings;
  env: Record<string, string>;
  /** Where s3rver keeps objects: <directory>/<bucket>/<key>._S3rver_object */
  directory: string;
  close(): Promise<void>;
}

export async function startS3(bucket = "synco-media-test"): Promise<LocalS3> {
  const directory = mkdtempSync(join(tmpdir(), "synco-s3-"));
  const server = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const settings: S3Settings = {
    endpoint,
    bucket,
    region: "us-east-1",
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    forcePathStyle: true,
    prefix: "node/",
  };
  return {
    settings,
    env: {
      SYNCO_S3_ENDPOINT: endpoint,
      SYNCO_S3_BUCKET: bucket,
      SYNCO_S3_ACCESS_KEY_ID: "S3RVER",
      SYNCO_S3_SECRET_ACCESS_KEY: "S3RVER",
      SYNCO_S3_FORCE_PATH_STYLE: "1",
      SYNCO_S3_PREFIX: "node/",
    },
    directory,
    close: () => server.close(),
  };
}
