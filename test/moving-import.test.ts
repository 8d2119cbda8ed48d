/**
 * Settings → Import (moving/imports.ts): what Settings → Export writes comes back
 * in (follows, blocks, mutes, bookmarks, lists), with Mastodon's own headers;
 * the rows are resolved by the worker (a remote post fetched, a remote account
 * known), never in the request; "overwrite" removes what the file does not name;
 * bad files get a 422 and change nothing; the member's export and deletion cover
 * the imports.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { follow } from "../src/federation/follows.ts";
import { waitFor } from "../src/federation/testing.ts";
import { newId } from "../src/kernel/ids.ts";
import { followActivityUri, memberUri } from "../src/kernel/uris.ts";
import { movingContributor } from "../src/moving/data.ts";
import { bookmark } from "../src/social/interactions.ts";
import { addToList, createList } from "../src/social/lists.ts";
import { filterActor } from "../src/social/moderation.ts";
import { createPost, textPost } from "../src/social/posts.ts";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";
import { type RemoteActor, startRemoteActor } from "./support/remote-actor.ts";

let node: TestNode;
let stopWorker: () => Promise<void>;
let eve: RemoteActor;
let eveRemoteId: string;
let ann: { id: string; username: string };
let bob: { id: string; username: string };
let dot: { id: string; username: string };
let annSession: SignedIn;
let dotSession: SignedIn;
const PASSWORD = "long enough";
const FILES = {
  following: "following_accounts",
  blocks: "blocked_accounts",
  mutes: "muted_accounts",
  bookmarks: "bookmarks",
  lists: "lists",
} as const;

const db = () => node.node.db.db;
const s = () => ({
  db: db(),
  origin: node.url,
  domain: node.domain,
  clock: node.node.federation.deps.clock,
});
const eveNote = () => `${eve.id}/notes/1`;

async function acceptedRemoteFollow(member: { id: string; username: string }) {
  const id = newId();
  const now = new Date().toISOString();
  await db()
    .insertInto("follows")
    .values({
      id,
      follower_uri: memberUri(node.url, member.username),
      followee_uri: eve.id,
      follower_account_id: member.id,
      follower_remote_id: null,
      followee_account_id: null,
      followee_remote_id: eveRemoteId,
      status: "accepted",
      activity_uri: followActivityUri(node.url, id),
      created_at: now,
      accepted_at: now,
    })
    .execute();
}

before(async () => {
  eve = await startRemoteActor("127.0.28.39", "Eve");
  eve.documents.set(new URL(eveNote()).pathname, {
    "@context": "https://www.w3.org/ns/activitystreams",
    id: eveNote(),
    type: "Note",
    attributedTo: eve.id,
    content: "<p>A note worth keeping</p>",
    to: "https://www.w3.org/ns/activitystreams#Public",
    published: "2026-01-02T03:04:05Z",
  });
  node = await startTestNode({ host: "127.0.28.31" });
  stopWorker = await node.node.startWorker();
  ann = await createMember(node, { username: "ann", password: PASSWORD });
  bob = await createMember(node, { username: "bob", password: PASSWORD });
  const cy = await createMember(node, { username: "cy", password: PASSWORD });
  dot = await createMember(node, { username: "dot", password: PASSWORD });
  const known = await node.node.federation.lookup(eve.id);
  assert.ok(known);
  eveRemoteId = known.id;
  // Ann has one of everything.
  const clock = node.node.federation.deps.clock;
  assert.ok((await follow(db(), node.url, ann, { kind: "local", account: bob }, clock)).ok);
  await acceptedRemoteFollow(ann);
  const cyTarget = { uri: memberUri(node.url, "cy"), accountId: cy.id, remoteId: null };
  assert.ok((await filterActor(s(), ann, cyTarget, "block")).ok);
  const eveTarget = { uri: eve.id, accountId: null, remoteId: eveRemoteId };
  assert.ok((await filterActor(s(), ann, eveTarget, "mute")).ok);
  const post = await createPost(s(), bob, { ...textPost("Bread at six"), visibility: "public" });
  assert.ok(post.ok);
  assert.ok(await bookmark(s(), ann, post.value.id));
  const list = await createList(s(), ann, { title: 'Bakers, "the good ones"' });
  assert.ok((await addToList(s(), ann, list.id, memberUri(node.url, "bob"))).ok);
  assert.ok((await addToList(s(), ann, list.id, eve.id)).ok);
  annSession = await signIn(node, "ann", PASSWORD);
  dotSession = await signIn(node, "dot", PASSWORD);
});
after(async () => {
  await stopWorker?.();
  await node?.close();
  eve?.close();
});

const download = async (who: SignedIn, name: string) => {
  const res = await who.get(`/settings/export/${name}.csv`);
  assert.equal(res.status, 200);
  return res.text();
};

function upload(who: SignedIn, fields: { kind?: string; mode?: string; file?: Blob | string }) {
  const form = new FormData();
  if (fields.kind !== undefined) form.set("kind", fields.kind);
  if (fields.mode !== undefined) form.set("mode", fields.mode);
  if (fields.file !== undefined)
    form.set(
      "file",
      typeof fields.file === "string" ? new Blob([fields.file], { type: "text/csv" }) : fields.file,
      "export.csv",
    );
  return who.postMultipart("/settings/import", form);
}

const importsOf = (accountId: string) =>
  db().selectFrom("imports").selectAll().where("account_id", "=", accountId).execute();
const allDone = (accountId: string) =>
  waitFor("the imports are applied", async () =>
    (await importsOf(accountId)).every((i) => i.state === "done"),
  );
const followees = async (accountId: string) =>
  (
    await db()
      .selectFrom("follows")
      .select("followee_uri")
      .where("follower_account_id", "=", accountId)
      .orderBy("followee_uri")
      .execute()
  ).map((f) => f.followee_uri);

test("what Settings → Export writes, Settings → Import brings back (merge)", async () => {
  for (const [kind, name] of Object.entries(FILES)) {
    const res = await upload(dotSession, {
      kind,
      mode: "merge",
      file: await download(annSession, name),
    });
    assert.equal(res.status, 303, `${kind}: ${await res.text()}`);
  }
  // The request only stored the rows; the worker applies them.
  await allDone(dot.id);
  for (const i of await importsOf(dot.id)) assert.equal(i.failed_rows, 0, i.kind);
  for (const name of ["blocked_accounts", "muted_accounts", "bookmarks", "lists"])
    assert.equal(await download(dotSession, name), await download(annSession, name), name);
  // Follows: the same accounts (the remote one waits for its Accept, so is not exported yet).
  assert.deepEqual(await followees(dot.id), await followees(ann.id));
  await waitFor("eve is asked to follow", () =>
    eve.delivered.some(
      (d) => d.body.type === "Follow" && d.body.actor === memberUri(node.url, "dot"),
    ),
  );
  const page = await (await dotSession.get("/settings/import")).text();
  assert.match(page, /5 of 5 done|1 of 1 done/);
});

test("Mastodon's files with its headers; a post elsewhere is fetched in the background", async () => {
  const eli = await createMember(node, { username: "eli", password: PASSWORD });
  const eliSession = await signIn(node, "eli", PASSWORD);
  const bobPost = await db()
    .selectFrom("bookmarks")
    .innerJoin("posts", "posts.id", "bookmarks.post_id")
    .select("posts.uri")
    .where("bookmarks.account_id", "=", ann.id)
    .executeTakeFirstOrThrow();
  const following =
    "Account address,Show boosts,Notify on new posts,Languages\r\n" +
    `@BOB@${node.domain.toUpperCase()},true,false,en\r\n` +
    `eve@${new URL(eve.url).host},false,false,\r\n`;
  assert.equal(
    (await upload(eliSession, { kind: "following", mode: "merge", file: following })).status,
    303,
  );
  const marks = `${bobPost.uri}\n${eveNote()}\n`;
  assert.equal(
    (await upload(eliSession, { kind: "bookmarks", mode: "merge", file: marks })).status,
    303,
  );
  await allDone(eli.id);
  assert.deepEqual(await followees(eli.id), [eve.id, memberUri(node.url, "bob")].sort());
  const bookmarked = await db()
    .selectFrom("bookmarks")
    .innerJoin("posts", "posts.id", "bookmarks.post_id")
    .select("posts.uri")
    .where("bookmarks.account_id", "=", eli.id)
    .orderBy("posts.uri")
    .execute();
  assert.deepEqual(bookmarked.map((b) => b.uri).sort(), [bobPost.uri, eveNote()].sort());
  assert.ok(
    eve.fetched.includes(new URL(eveNote()).pathname),
    "the note was fetched by the worker",
  );
});

test("overwrite removes what the file does not name; an unknown account counts as failed", async () => {
  const file =
    "Account address,Show boosts,Notify on new posts,Languages\n" +
    `bob@${node.domain},true,false,\n` +
    `nobody@${node.domain},true,false,\n`;
  const before = (await importsOf(dot.id)).length;
  assert.equal(
    (await upload(dotSession, { kind: "following", mode: "overwrite", file })).status,
    303,
  );
  await allDone(dot.id);
  assert.deepEqual(await followees(dot.id), [memberUri(node.url, "bob")]);
  const latest = (await importsOf(dot.id)).sort((x, y) => (x.id < y.id ? 1 : -1))[0];
  assert.equal((await importsOf(dot.id)).length, before + 1);
  assert.equal(latest?.done_rows, 1);
  assert.equal(latest?.failed_rows, 1);
  await waitFor("eve hears the Undo", () =>
    eve.delivered.some(
      (d) => d.body.type === "Undo" && d.body.actor === memberUri(node.url, "dot"),
    ),
  );
  // Lists: a list the file does not name goes; the named one is refilled from the file.
  const extra = await createList(s(), dot, { title: "Old list" });
  const lists = `"Bakers, ""the good ones""",bob@${node.domain}\n`;
  assert.equal(
    (await upload(dotSession, { kind: "lists", mode: "overwrite", file: lists })).status,
    303,
  );
  await allDone(dot.id);
  assert.equal(await download(dotSession, "lists"), lists);
  assert.equal(
    await db().selectFrom("lists").select("id").where("id", "=", extra.id).executeTakeFirst(),
    undefined,
  );
});

test("bad files get a 422 and change nothing", async () => {
  const count = async () => ({
    imports: (await importsOf(dot.id)).length,
    events: (await db().selectFrom("outbox_events").select("id").execute()).length,
    follows: await followees(dot.id),
  });
  const before = await count();
  const bad: [string, Parameters<typeof upload>[1]][] = [
    ["no file", { kind: "following", mode: "merge" }],
    ["an unknown kind", { kind: "passwords", mode: "merge", file: "eve@x.example\n" }],
    ["an unknown mode", { kind: "blocks", mode: "replace", file: "eve@x.example\n" }],
    ["an empty file", { kind: "blocks", mode: "merge", file: "" }],
    [
      "a header alone",
      { kind: "mutes", mode: "merge", file: "Account address,Hide notifications\n" },
    ],
    ["addresses as bookmarks", { kind: "bookmarks", mode: "overwrite", file: "eve@x.example\n" }],
    ["a bad line", { kind: "following", mode: "overwrite", file: "bob@x.example\n<script>\n" }],
    ["an open quote", { kind: "lists", mode: "merge", file: '"Friends,bob@x.example\n' }],
    [
      "too large",
      { kind: "blocks", mode: "merge", file: new Blob([new Uint8Array(2 * 1024 * 1024 + 1)]) },
    ],
  ];
  for (const [what, fields] of bad) {
    const res = await upload(dotSession, fields);
    assert.equal(res.status, 422, what);
    assert.match(await res.text(), /class="errors"/, what);
  }
  const line = await (
    await upload(dotSession, { kind: "following", mode: "merge", file: "bob@x.example\nnope\n" })
  ).text();
  assert.match(line, /Line 2/);
  assert.deepEqual(await count(), before);
  // Without a session there is no import at all.
  const visitor = await fetch(`${node.url}/settings/import`, { redirect: "manual" });
  assert.notEqual(visitor.status, 200);
});

test("the member's export lists their imports, and deleting them erases the imports", async () => {
  const exported = (await movingContributor.export(db(), dot.id)) as { imports: unknown[] };
  assert.ok(exported.imports.length >= 5);
  await db()
    .transaction()
    .execute((trx) => movingContributor.erase(trx, dot.id, ""));
  assert.deepEqual(await importsOf(dot.id), []);
  const rows = await db().selectFrom("import_rows").select("import_id").execute();
  const left = new Set((await db().selectFrom("imports").select("id").execute()).map((i) => i.id));
  assert.ok(
    rows.every((r) => left.has(r.import_id)),
    "no rows of erased imports remain",
  );
});
