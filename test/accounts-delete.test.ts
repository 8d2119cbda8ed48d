import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import sharp from "sharp";
import { createMember, sessionClient, signIn, visitor } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
before(async () => {
  node = await startTestNode();
});
after(() => node.close());

const db = () => node.node.db.db;
const account = (username: string) =>
  db()
    .selectFrom("accounts")
    .selectAll()
    .where("username", "=", username)
    .executeTakeFirstOrThrow();

test("the delete page says what deletion means", async () => {
  await createMember(node, { username: "ida", password: "long enough" });
  const ida = await signIn(node, "ida", "long enough");
  const page = await (await ida.get("/settings/delete")).text();
  assert.match(page, /cannot be undone/);
  assert.match(page, /Other servers in the fediverse are told/);
  assert.match(page, /username stays reserved/);
  assert.match(page, /href="\/settings\/export"/);
});

test("deletion needs the password and the confirmation; otherwise nothing changes", async () => {
  await createMember(node, { username: "jon", password: "long enough" });
  const jon = await signIn(node, "jon", "long enough");
  const before = await account("jon");
  for (const [form, message] of [
    [{ password: "wrong password", confirm: "yes" }, /The current password is wrong/],
    [{ password: "long enough" }, /Tick the box to confirm/],
    [{ password: "", confirm: "no" }, /Tick the box to confirm/],
  ] as const) {
    const res = await jon.post("/settings/delete", form);
    assert.equal(res.status, 422);
    assert.match(await res.text(), message);
    assert.deepEqual(await account("jon"), before);
  }
  assert.equal((await jon.get("/settings")).status, 200, "still logged in");
});

test("a member deletes their account: tombstone, data and files gone, event recorded, name reserved", async () => {
  await createMember(node, { username: "kim", password: "long enough", email: "kim@example.test" });
  const kim = await signIn(node, "kim", "long enough");
  const other = await signIn(node, "kim", "long enough");
  const form = new FormData();
  form.set("displayName", "Kim");
  form.set("bio", "hello");
  form.set("language", "en");
  const image = await sharp({
    create: { width: 64, height: 64, channels: 3, background: "#123456" },
  })
    .png()
    .toBuffer();
  form.set("avatar", new Blob([image], { type: "image/png" }));
  assert.equal((await kim.postMultipart("/settings/profile", form)).status, 303);
  const before = await account("kim");
  const upload = await db()
    .selectFrom("uploads")
    .selectAll()
    .where("owner_id", "=", before.id)
    .executeTakeFirstOrThrow();
  const file = join(node.node.config.dataDir, "media", upload.path);
  assert.ok(existsSync(file));

  const res = await kim.post("/settings/delete", { password: "long enough", confirm: "yes" });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), "/login?done=deleted");
  const tomb = await account("kim");
  assert.equal(tomb.id, before.id);
  assert.equal(tomb.status, "deleted");
  assert.equal(tomb.email, `deleted+${before.id}@invalid`);
  assert.deepEqual(
    [tomb.password_hash, tomb.display_name, tomb.bio, tomb.avatar_id, tomb.fields],
    ["", "", "", null, "[]"],
  );
  const left = async (table: "sessions" | "uploads") =>
    db()
      .selectFrom(table)
      .select("id")
      .where(table === "sessions" ? "account_id" : "owner_id", "=", before.id)
      .execute();
  assert.deepEqual(await left("sessions"), []);
  assert.deepEqual(await left("uploads"), []);
  assert.ok(!existsSync(file), "the avatar file is removed");
  const events = await db()
    .selectFrom("outbox_events")
    .selectAll()
    .where("type", "=", "accounts.account.deleted")
    .execute();
  assert.deepEqual(
    events.map((e) => JSON.parse(e.payload)),
    [{ accountId: before.id }],
  );

  assert.equal((await other.get("/settings")).status, 303, "every session ended");
  const profile = await fetch(`${node.url}/@kim`);
  assert.equal(profile.status, 410);
  assert.match(await profile.text(), /This account has been deleted/);
  const login = await visitor(node);
  const again = await sessionClient(node, login.cookie, login.csrf).post("/login", {
    login: "kim",
    password: "long enough",
  });
  assert.equal(again.status, 401);
  await node.node.coop.update({ registration: "open" });
  const signup = await sessionClient(node, login.cookie, login.csrf).post("/signup", {
    username: "Kim",
    email: "kim@example.test",
    password: "long enough",
  });
  assert.equal(signup.status, 422);
  const page = await signup.text();
  assert.match(page, /This username is taken/);
  assert.doesNotMatch(page, /An account already uses this address/, "the address is free again");
});

test("the last admin cannot delete their account", async () => {
  await createMember(node, { username: "lea", password: "long enough", role: "admin" });
  const lea = await signIn(node, "lea", "long enough");
  const res = await lea.post("/settings/delete", { password: "long enough", confirm: "yes" });
  assert.equal(res.status, 422);
  assert.match(await res.text(), /last administrator/);
  assert.equal((await account("lea")).status, "active");
});
