/**
 * Both media stores keep the same promises: bytes back as stored, a missing key
 * is undefined (not an error), delete is idempotent, and a key the code would
 * never make (a path out of the media dir) is refused before any I/O. The S3
 * store runs against s3rver on loopback; its objects land in the bucket under
 * the prefix, and nothing is written to the data dir.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type LocalS3, startS3 } from "../../test/support/s3.ts";
import { loadConfig } from "../config.ts";
import { LocalMediaStore, type MediaStore, mediaStore } from "./store.ts";

let s3: LocalS3;
before(async () => {
  s3 = await startS3();
});
after(() => s3?.close());

const key = `ab/${"c".repeat(64)}.webp`;
const remoteKey = `remote/cd/${"d".repeat(64)}`;

async function keepsItsPromises(store: MediaStore) {
  assert.equal(await store.get(key), undefined);
  assert.equal(await store.has(key), false);
  await store.put(key, new Uint8Array([1, 2, 3]), "image/webp");
  await store.put(remoteKey, new Uint8Array([4, 5]), "image/png");
  assert.deepEqual([...((await store.get(key)) ?? [])], [1, 2, 3]);
  assert.equal(await store.has(remoteKey), true);
  await store.delete(remoteKey);
  await store.delete(remoteKey);
  assert.equal(await store.get(remoteKey), undefined);
  for (const bad of ["../secret", "ab/../../secret", `ab/${"c".repeat(64)}.webp/x`, ""]) {
    assert.equal(await store.get(bad), undefined);
    await assert.rejects(store.put(bad, new Uint8Array([1]), "image/webp"), /Not a media key/);
  }
}

test("the local store keeps its promises in DATA_DIR/media", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "synco-store-"));
  await keepsItsPromises(new LocalMediaStore(dataDir));
  assert.ok(existsSync(join(dataDir, "media", key)));
});

test("with SYNCO_S3_* set, media go to the bucket and not to the data dir", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "synco-store-"));
  const config = loadConfig({ SYNCO_DATA_DIR: dataDir, ...s3.env });
  const store = mediaStore(config);
  assert.equal(store.kind, "s3");
  assert.equal(mediaStore(config), store, "one store per config");
  await keepsItsPromises(store);
  assert.equal(existsSync(join(dataDir, "media")), false);
  assert.ok(existsSync(join(s3.directory, s3.settings.bucket, "node", "ab")), "under the prefix");
});

test("S3 settings are checked when the node starts", () => {
  assert.equal(loadConfig({}).s3, null);
  assert.throws(
    () => loadConfig({ SYNCO_S3_BUCKET: "media-bucket" }),
    /SYNCO_S3_ACCESS_KEY_ID and SYNCO_S3_SECRET_ACCESS_KEY/,
  );
  assert.throws(() => loadConfig({ ...s3.env, SYNCO_S3_BUCKET: "ab" }), /SYNCO_S3_BUCKET/);
  assert.throws(
    () => loadConfig({ ...s3.env, SYNCO_S3_ENDPOINT: "file:///etc" }),
    /SYNCO_S3_ENDPOINT/,
  );
  assert.throws(() => loadConfig({ ...s3.env, SYNCO_S3_PREFIX: "../x/" }), /SYNCO_S3_PREFIX/);
});
