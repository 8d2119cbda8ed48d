import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import sharp from "sharp";
import { testDatabase } from "../../test/support/db.ts";
import type { Db } from "../db/database.ts";
import { systemClock } from "../kernel/clock.ts";
import { MAX_UPLOAD_BYTES, readMedia, storeImage } from "./images.ts";

let handle: Db;
let dataDir: string;
before(async () => {
  handle = await testDatabase();
  dataDir = mkdtempSync(join(tmpdir(), "synco-media-"));
});
after(() => handle.close());

/** A photo as a phone would send it: large, with EXIF including GPS coordinates. */
function photoWithGps(width = 1200, height = 900) {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 80, b: 40 } } })
    .jpeg()
    .withExif({
      IFD0: { Make: "PhoneCo", Model: "X1" },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "40/1 25/1 0/1" },
    })
    .toBuffer();
}

const uploadCount = async () =>
  Number(
    (
      await handle.db
        .selectFrom("uploads")
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );

test("an avatar is cropped to 400×400 and loses its EXIF and GPS", async () => {
  const input = await photoWithGps();
  assert.ok((await sharp(input).metadata()).exif, "the fixture really carries EXIF");
  const result = await storeImage(
    handle.db,
    { dataDir },
    {
      bytes: input,
      purpose: "avatar",
      ownerId: null,
    },
    systemClock,
  );
  assert.ok(result.ok);
  assert.equal(result.value.width, 400);
  assert.equal(result.value.height, 400);
  const stored = await readMedia({ dataDir }, result.value.url.slice("/media/".length));
  assert.ok(stored);
  const meta = await sharp(stored).metadata();
  assert.equal(meta.format, "webp");
  assert.equal(meta.exif, undefined);
  assert.equal(Buffer.from(stored).includes(Buffer.from("PhoneCo")), false);
});

test("small images are not enlarged", async () => {
  const input = await sharp({ create: { width: 50, height: 30, channels: 3, background: "#fff" } })
    .png()
    .toBuffer();
  const result = await storeImage(
    handle.db,
    { dataDir },
    {
      bytes: input,
      purpose: "attachment",
      ownerId: null,
    },
    systemClock,
  );
  assert.ok(result.ok);
  assert.deepEqual([result.value.width, result.value.height], [50, 30]);
});

test("rejected files write nothing", async () => {
  const before = await uploadCount();
  const filesBefore = existsSync(join(dataDir, "media"))
    ? readdirSync(join(dataDir, "media")).length
    : 0;
  const text = await storeImage(
    handle.db,
    { dataDir },
    {
      bytes: Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>"),
      purpose: "avatar",
      ownerId: null,
    },
    systemClock,
  );
  assert.deepEqual(text, { ok: false, reason: "unreadable" });
  const truncated = (await photoWithGps()).subarray(0, 300);
  assert.equal(
    (
      await storeImage(
        handle.db,
        { dataDir },
        { bytes: truncated, purpose: "avatar", ownerId: null },
        systemClock,
      )
    ).ok,
    false,
  );
  const huge = new Uint8Array(MAX_UPLOAD_BYTES + 1);
  assert.deepEqual(
    await storeImage(
      handle.db,
      { dataDir },
      { bytes: huge, purpose: "avatar", ownerId: null },
      systemClock,
    ),
    {
      ok: false,
      reason: "too-large",
    },
  );
  const tiff = await sharp({ create: { width: 10, height: 10, channels: 3, background: "#000" } })
    .tiff()
    .toBuffer();
  assert.deepEqual(
    await storeImage(
      handle.db,
      { dataDir },
      { bytes: tiff, purpose: "avatar", ownerId: null },
      systemClock,
    ),
    {
      ok: false,
      reason: "unsupported",
    },
  );
  assert.equal(await uploadCount(), before);
  const filesAfter = existsSync(join(dataDir, "media"))
    ? readdirSync(join(dataDir, "media")).length
    : 0;
  assert.equal(filesAfter, filesBefore);
});

test("only stored media paths can be read", async () => {
  assert.equal(await readMedia({ dataDir }, "../secret"), undefined);
  assert.equal(await readMedia({ dataDir }, `ab/${"0".repeat(64)}.webp`), undefined);
});
