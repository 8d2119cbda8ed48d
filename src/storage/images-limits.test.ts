/**
 * Issue 14 item 10: a few KB can decode to gigabytes, and uploads arrive
 * together. The pixel count is checked from the header (frames included), at
 * most IMAGE_CONCURRENCY images decode at once, and concurrent uploads of one
 * image all succeed (content-addressed files, unique temporary names).
 * Its own file, so the memory measured is this process's alone.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import sharp from "sharp";
import { testDatabase } from "../../test/support/db.ts";
import { makeGif } from "../../test/support/gif.ts";
import type { Db } from "../db/database.ts";
import { systemClock } from "../kernel/clock.ts";
import {
  IMAGE_CONCURRENCY,
  imageDecodingStats,
  MAX_ANIMATION_PIXELS,
  MAX_INPUT_PIXELS,
  storeImage,
} from "./images.ts";

let handle: Db;
let dataDir: string;
before(async () => {
  handle = await testDatabase();
  dataDir = mkdtempSync(join(tmpdir(), "synco-media-"));
});
after(() => handle.close());

const store = (bytes: Uint8Array) =>
  storeImage(handle.db, { dataDir }, { bytes, purpose: "attachment", ownerId: null }, systemClock);
const uploads = async () =>
  Number(
    (
      await handle.db
        .selectFrom("uploads")
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );
const files = () =>
  readdirSync(join(dataDir, "media"), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);

test("16 concurrent uploads of the same image all succeed: one file, no temporary file left", async () => {
  const bytes = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#c33" } })
    .png()
    .toBuffer();
  const results = await Promise.all(Array.from({ length: 16 }, () => store(bytes)));
  assert.deepEqual(
    results.map((r) => r.ok),
    Array(16).fill(true),
  );
  const urls = new Set(results.map((r) => (r.ok ? r.value.url : "")));
  assert.equal(urls.size, 1, "one content-addressed file");
  assert.equal(files().filter((f) => f.endsWith(".tmp")).length, 0);
});

test("a tiny GIF of 7070×7070 pixels is refused from its header (too-many-pixels), writing nothing", async () => {
  const bytes = makeGif({ width: 7070, height: 7070 });
  assert.ok(bytes.byteLength < 100 && 7070 * 7070 > MAX_INPUT_PIXELS);
  const before = await uploads();
  const started = Date.now();
  assert.deepEqual(await store(bytes), { ok: false, reason: "too-many-pixels" });
  assert.ok(Date.now() - started < 2000, "refused without decoding");
  assert.equal(await uploads(), before);
});

test("an animation is counted frame by frame: twelve 3000×3000 frames are too many pixels together", async () => {
  const animated = makeGif({ width: 3000, height: 3000, frames: 12 });
  assert.equal((await sharp(animated).metadata()).pages, 12);
  assert.ok(3000 * 3000 <= MAX_INPUT_PIXELS && 12 * 3000 * 3000 > MAX_ANIMATION_PIXELS);
  assert.deepEqual(await store(animated), { ok: false, reason: "too-many-pixels" });
  const few = makeGif({ width: 2000, height: 2000, frames: 2, decodable: true });
  assert.equal((await store(few)).ok, true, "a short animation is fine");
});

test("24 concurrent large uploads: at most IMAGE_CONCURRENCY decode at once, the rest wait their turn", async () => {
  // Memory is bounded by this bound on concurrent decodes. RSS itself is not asserted: it
  // depends on malloc arenas and the machine's load, and flaked on CI.
  const side = 2000;
  const image = (i: number) =>
    makeGif({ width: side, height: side, decodable: true, colour: [i * 10, 255 - i * 10, i] });
  const inputs = Array.from({ length: 24 }, (_, i) => image(i));
  let sawWaiting = false;
  let overLimit = 0;
  const watch = setInterval(() => {
    const stats = imageDecodingStats();
    if (stats.active > IMAGE_CONCURRENCY) overLimit++;
    if (stats.waiting > 0) sawWaiting = true;
  }, 5);
  const results = await Promise.all(inputs.map(store)).finally(() => clearInterval(watch));
  assert.ok(results.every((r) => r.ok));
  assert.equal(overLimit, 0);
  assert.ok(sawWaiting, "later uploads waited their turn");
  assert.equal(imageDecodingStats().peak, IMAGE_CONCURRENCY);
});
