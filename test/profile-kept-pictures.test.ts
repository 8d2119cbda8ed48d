/**
 * The profile form keeps the chosen avatar and header across a refused try
 * (issue 23's gap): a member picks both, one is refused (too big) or the bio is
 * too long, and the form comes back showing the picture that was accepted, kept
 * by its upload id, so the next try saves it without picking it again. Nobody
 * else can use that id; "remove" drops it. SQLite, or PostgreSQL with TEST_DATABASE_URL.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import sharp from "sharp";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
let ana: SignedIn;
let bo: SignedIn;
let anaId = "";
const PASSWORD = "password123";
const db = () => node.node.db.db;
const png = (background: string) =>
  sharp({ create: { width: 40, height: 40, channels: 3, background } })
    .png()
    .toBuffer();

before(async () => {
  node = await startTestNode({ host: "127.0.233.1" });
  anaId = (await createMember(node, { username: "ana", password: PASSWORD })).id;
  await createMember(node, { username: "bo", password: PASSWORD });
  ana = await signIn(node, "ana", PASSWORD);
  bo = await signIn(node, "bo", PASSWORD);
});

after(async () => {
  await node?.close();
});

function profile(extra: Record<string, string | [Blob, string]> = {}) {
  const form = new FormData();
  form.set("displayName", "Ana of the bakery");
  form.set("bio", "I bake.");
  form.set("language", "en");
  for (const [k, v] of Object.entries(extra))
    if (typeof v === "string") form.set(k, v);
    else form.set(k, v[0], v[1]);
  return form;
}

const picture = async (color: string): Promise<[Blob, string]> => [
  new Blob([new Uint8Array(await png(color))], { type: "image/png" }),
  `${color.slice(1)}.png`,
];
const tooBig = (): [Blob, string] => [
  new Blob([new Uint8Array(9 * 1024 * 1024)], { type: "image/png" }),
  "huge.png",
];
const keptId = (page: string, name: string) =>
  page.match(new RegExp(`name="${name}" value="([^"]+)"`))?.[1] ?? "";
const account = () =>
  db()
    .selectFrom("accounts")
    .select(["display_name", "avatar_id", "header_id"])
    .where("id", "=", anaId)
    .executeTakeFirstOrThrow();
const keptCount = async (ownerId: string) =>
  Number(
    (
      await db()
        .selectFrom("form_uploads")
        .select((e) => e.fn.countAll().as("n"))
        .where("owner_id", "=", ownerId)
        .executeTakeFirstOrThrow()
    ).n,
  );

test("a refused header keeps the avatar picked with it; the next try saves both", async () => {
  const first = await ana.postMultipart(
    "/settings/profile",
    profile({ avatar: await picture("#3a7"), header: tooBig() }),
  );
  assert.equal(first.status, 422);
  const page = await first.text();
  assert.match(page, /id="f-header-error">huge\.png is 9 MB; the limit is 8 MB\./);
  const avatarId = keptId(page, "keptAvatar");
  assert.ok(avatarId, "the avatar comes back kept");
  assert.equal(keptId(page, "keptHeader"), "", "the refused header is not kept");
  assert.deepEqual(await account(), { display_name: "", avatar_id: null, header_id: null });

  const second = await ana.postMultipart(
    "/settings/profile",
    profile({ keptAvatar: avatarId, header: await picture("#a37") }),
  );
  assert.equal(second.status, 303, await second.text());
  const saved = await account();
  assert.equal(saved.display_name, "Ana of the bakery");
  assert.equal(saved.avatar_id, avatarId);
  assert.ok(saved.header_id);
  // The profile holds them: the sweep of form pictures must not remove them.
  assert.equal(await keptCount(anaId), 0);
  const settings = await (await ana.get("/settings")).text();
  assert.doesNotMatch(settings, /name="keptAvatar"/);
});

test("a too-long bio keeps both new pictures; 'remove' drops one of them", async () => {
  const before = await account();
  const res = await ana.postMultipart(
    "/settings/profile",
    profile({
      bio: "x".repeat(20_000),
      avatar: await picture("#37a"),
      header: await picture("#7a3"),
    }),
  );
  assert.equal(res.status, 422);
  const page = await res.text();
  const avatarId = keptId(page, "keptAvatar");
  const headerId = keptId(page, "keptHeader");
  assert.ok(avatarId && headerId, "both pictures come back kept");
  assert.deepEqual(await account(), before, "nothing changed yet");

  const again = await ana.postMultipart(
    "/settings/profile",
    profile({ keptAvatar: avatarId, keptHeader: headerId, dropHeader: "on" }),
  );
  assert.equal(again.status, 303, await again.text());
  const saved = await account();
  assert.equal(saved.avatar_id, avatarId);
  assert.equal(saved.header_id, before.header_id, "the dropped header did not replace the old");
  const dropped = await db()
    .selectFrom("uploads")
    .select("id")
    .where("id", "=", headerId)
    .executeTakeFirst();
  assert.equal(dropped, undefined, "the dropped picture is gone");
});

test("another member's kept picture is refused, nothing changed", async () => {
  const res = await ana.postMultipart(
    "/settings/profile",
    profile({ bio: "x".repeat(20_000), avatar: await picture("#777") }),
  );
  const avatarId = keptId(await res.text(), "keptAvatar");
  assert.ok(avatarId);
  const boBefore = await db()
    .selectFrom("accounts")
    .select(["avatar_id"])
    .where("username", "=", "bo")
    .executeTakeFirstOrThrow();
  const stolen = await bo.postMultipart("/settings/profile", profile({ keptAvatar: avatarId }));
  assert.equal(stolen.status, 422);
  assert.match(await stolen.text(), /id="f-avatar-error"/);
  const boAfter = await db()
    .selectFrom("accounts")
    .select(["avatar_id"])
    .where("username", "=", "bo")
    .executeTakeFirstOrThrow();
  assert.deepEqual(boAfter, boBefore);
});
