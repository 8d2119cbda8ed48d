/**
 * The compose form keeps what people typed (issue 23): a picked file over the
 * image limit is named next to its field and the text comes back; images that
 * could be stored are kept (form_uploads) and carried in hidden fields, so a
 * second try posts them without picking them again. Someone else's kept id is
 * refused; a removed one goes; old ones are swept; absurd bodies still get 413.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import sharp from "sharp";
import { fixedClock } from "../src/kernel/clock.ts";
import { MAX_FORM_UPLOADS, sweepFormUploads } from "../src/storage/form-uploads.ts";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
let ana: SignedIn;
let ben: SignedIn;
after(() => node.close());
const db = () => node.node.db.db;

before(async () => {
  node = await startTestNode({ host: "127.0.222.1" });
  for (const name of ["ana", "ben"])
    await createMember(node, { username: name, password: "long enough" });
  ana = await signIn(node, "ana", "long enough");
  ben = await signIn(node, "ben", "long enough");
});

const png = async (background: string) =>
  new Blob(
    [
      new Uint8Array(
        await sharp({ create: { width: 24, height: 24, channels: 3, background } })
          .png()
          .toBuffer(),
      ),
    ],
    { type: "image/png" },
  );

function form(fields: Record<string, string | Blob | [Blob, string]>): FormData {
  const data = new FormData();
  for (const [k, v] of Object.entries({ visibility: "public", ...fields }))
    if (Array.isArray(v)) data.set(k, v[0], v[1]);
    else data.set(k, v);
  return data;
}

const keptIds = (page: string) =>
  [...page.matchAll(/name="kept_(\d)" value="([0-9a-f-]{36})"/g)].map((m) => ({
    slot: Number(m[1]),
    id: m[2] as string,
  }));
const count = async (table: "posts" | "form_uploads" | "uploads") =>
  Number(
    (
      await db()
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );

test("a picked file over the limit is named next to its field; the text and the other image are kept", async () => {
  const posts = await count("posts");
  // 10.3 MB: within what a form may carry, over the 8 MB of one image.
  const big = new Blob([new Uint8Array(Math.round(10.3 * 1024 * 1024))], { type: "image/png" });
  const res = await ana.postMultipart(
    "/social/posts",
    form({
      text: "Our bread stall on Saturday",
      spoiler: "food",
      image_1: [await png("#884400"), "loaf.png"],
      alt_1: "a brown loaf",
      image_2: [big, "photo.png"],
      alt_2: "the stall",
    }),
  );
  assert.equal(res.status, 422);
  const page = await res.text();
  assert.match(page, /id="f-image_2-error">photo\.png is 10\.3 MB; the limit is 8 MB\./);
  assert.match(page, /aria-invalid="true" aria-describedby="f-image_2-error"/);
  assert.match(page, />Our bread stall on Saturday<\/textarea>/);
  assert.match(page, /name="spoiler"[^>]*value="food"/);
  assert.match(page, /name="alt_2"[^>]*value="the stall"/);
  const kept = keptIds(page);
  assert.deepEqual(
    kept.map((k) => k.slot),
    [1],
  );
  assert.equal(await count("posts"), posts);

  // The second try picks a smaller photo; the loaf comes from the hidden field.
  const again = await ana.postMultipart(
    "/social/posts",
    form({
      text: "Our bread stall on Saturday",
      kept_1: kept[0]?.id as string,
      alt_1: "a brown loaf",
      image_2: [await png("#446688"), "photo.png"],
      alt_2: "the stall",
    }),
  );
  assert.equal(again.status, 303, await again.text());
  const post = await db()
    .selectFrom("posts")
    .select("id")
    .where("source", "=", "Our bread stall on Saturday")
    .executeTakeFirstOrThrow();
  const media = await db()
    .selectFrom("post_media")
    .select(["upload_id", "description", "position"])
    .where("post_id", "=", post.id)
    .orderBy("position")
    .execute();
  assert.deepEqual(
    media.map((m) => m.description),
    ["a brown loaf", "the stall"],
  );
  assert.equal(media[0]?.upload_id, kept[0]?.id);
  assert.equal(await count("form_uploads"), 0, "a post's images are no longer kept for a form");
});

test("Spanish: the size is said in the member's language", async () => {
  await db()
    .updateTable("accounts")
    .set({ language: "es" })
    .where("username", "=", "ben")
    .execute();
  const big = new Blob([new Uint8Array(Math.round(9.5 * 1024 * 1024))], { type: "image/jpeg" });
  const res = await ben.postMultipart(
    "/social/posts",
    form({ text: "Hola", image_1: [big, "foto.jpg"], alt_1: "x" }),
  );
  assert.equal(res.status, 422);
  assert.match(await res.text(), /foto\.jpg ocupa 9,5 MB; el límite es 8 MB\./);
  await db()
    .updateTable("accounts")
    .set({ language: "en" })
    .where("username", "=", "ben")
    .execute();
});

test("a kept image survives a text error; someone else's kept id is refused; a removed one goes", async () => {
  const first = await ana.postMultipart(
    "/social/posts",
    form({ text: "x".repeat(6000), image_1: [await png("#00aa00"), "g.png"], alt_1: "green" }),
  );
  assert.equal(first.status, 422);
  const [kept] = keptIds(await first.text());
  assert.ok(kept);
  // ben cannot post ana's upload by its id.
  const posts = await count("posts");
  const stolen = await ben.postMultipart(
    "/social/posts",
    form({ text: "mine now", kept_1: kept.id, alt_1: "green" }),
  );
  assert.equal(stolen.status, 422);
  assert.match(await stolen.text(), /This image was not kept; pick it again\./);
  assert.equal(await count("posts"), posts);
  // ana removes it while fixing the text: the upload goes, the post has no image.
  const uploads = await count("uploads");
  const fixed = await ana.postMultipart(
    "/social/posts",
    form({ text: "just words", kept_1: kept.id, drop_1: "on", alt_1: "green" }),
  );
  assert.equal(fixed.status, 303);
  assert.equal(await count("uploads"), uploads - 1);
  assert.equal(await count("form_uploads"), 0);
});

test("kept images are bounded per member, and swept after a day unless a post took them", async () => {
  for (let i = 0; i < MAX_FORM_UPLOADS + 2; i++) {
    const res = await ana.postMultipart(
      "/social/posts",
      form({ text: "", image_1: [await png(`#0000${(i + 16).toString(16)}`), "b.png"] }),
    );
    assert.equal(res.status, 422);
  }
  assert.equal(await count("form_uploads"), MAX_FORM_UPLOADS);
  const uploads = await count("uploads");
  const clock = fixedClock(new Date(Date.now() + 2 * 24 * 60 * 60 * 1000));
  assert.equal(await sweepFormUploads(db(), node.node.config, clock), MAX_FORM_UPLOADS);
  assert.equal(await count("form_uploads"), 0);
  assert.equal(await count("uploads"), uploads - MAX_FORM_UPLOADS);
});

test("an absurd body is still refused with 413 before it is read, saying how big it was", async () => {
  const posts = await count("posts");
  const huge = new Blob([new Uint8Array(60 * 1024 * 1024)], { type: "image/png" });
  const res = await ana.postMultipart(
    "/social/posts",
    form({ text: "too much", image_1: [huge, "huge.png"], alt_1: "x" }),
  );
  assert.equal(res.status, 413);
  assert.match(await res.text(), /What you sent is 60 MB; a form can carry at most 40 MB\./);
  assert.equal(await count("posts"), posts);
});

test("other forms with images name a file over the limit next to its field too (profile)", async () => {
  const form = new FormData();
  form.set("displayName", "Ana of the bakery");
  form.set("bio", "I bake.");
  form.set("language", "en");
  form.set("avatar", new Blob([new Uint8Array(9 * 1024 * 1024)], { type: "image/png" }), "me.png");
  const res = await ana.postMultipart("/settings/profile", form);
  assert.equal(res.status, 422);
  const page = await res.text();
  assert.match(page, /id="f-avatar-error">me\.png is 9 MB; the limit is 8 MB\./);
  assert.match(page, /value="Ana of the bakery"/);
  const row = await db()
    .selectFrom("accounts")
    .select(["display_name", "avatar_id"])
    .where("username", "=", "ana")
    .executeTakeFirstOrThrow();
  assert.deepEqual(row, { display_name: "", avatar_id: null });
});
