/**
 * People's pages across two real nodes (127.0.220.x): a remote person's page
 * here (/@user@host) found by WebFinger, with the counts their server gives and
 * their posts; Follow until accepted, then Unfollow; Mute, Block (after a
 * confirmation) and Report, each a form that comes back to the page; remote
 * authors and mentions linking to our page for them; "Replying to @x"; and bad
 * input (unknown or hostile handles, unknown actors, non-http addresses) giving
 * a 4xx and changing nothing.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { waitFor } from "../src/federation/testing.ts";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let a: TestNode;
let b: TestNode;
const stops: (() => Promise<void>)[] = [];
let ana: SignedIn;
let bruno: SignedIn;
let anaId: string;

before(async () => {
  [a, b] = await Promise.all([
    startTestNode({ host: "127.0.220.1" }),
    startTestNode({ host: "127.0.220.2" }),
  ]);
  for (const n of [a, b]) stops.push(await n.node.startWorker());
  anaId = (await createMember(a, { username: "ana", password: "long enough" })).id;
  await createMember(a, { username: "rosa", password: "long enough" });
  await createMember(b, { username: "bruno", password: "long enough" });
  [ana, bruno] = await Promise.all([
    signIn(a, "ana", "long enough"),
    signIn(b, "bruno", "long enough"),
  ]);
});
after(async () => {
  for (const stop of stops) await stop();
  await Promise.all([a?.close(), b?.close()]);
});

async function write(who: SignedIn, fields: Record<string, string>) {
  const form = new FormData();
  for (const [k, v] of Object.entries({ visibility: "public", ...fields })) form.set(k, v);
  const res = await who.postMultipart("/social/posts", form);
  assert.equal(res.status, 303, await res.text());
}

const follows = (node: TestNode) => node.node.db.db.selectFrom("follows").selectAll().execute();
const filters = () => a.node.db.db.selectFrom("actor_filters").selectAll().execute();
const reports = () => a.node.db.db.selectFrom("reports").selectAll().execute();

test("a remote person's page: found by WebFinger, their posts read from their outbox", async () => {
  await write(bruno, { text: "Fresh bread at the co-op today" });
  const page = await ana.get(`/@bruno@${b.domain}`);
  const body = await page.text();
  assert.equal(page.status, 200, body);
  assert.match(body, /<h1>bruno<\/h1>/);
  assert.match(body, new RegExp(`@bruno@${b.domain.replaceAll(".", "\\.")}`));
  // Counts as bruno's server gives them (one post, no followers yet).
  assert.match(body, /1 post</);
  assert.match(body, /0 followers/);
  // Nothing of bruno had reached node A: the first page of his outbox was read.
  assert.match(body, /Fresh bread at the co-op today/);
  assert.match(body, /Open on their server/);
  assert.match(body, />Follow</);
  assert.match(body, /<title>[^<]*bruno/);
});

test("follow from the page: Requested, then Unfollow once accepted, and the count moves", async () => {
  const path = `/@bruno@${b.domain}`;
  const actor = `${b.url}/users/bruno`;
  const res = await ana.post("/people/follow", { actor, back: path });
  assert.equal(res.status, 303);
  const location = res.headers.get("location") ?? "";
  assert.ok(location.startsWith(`${path}?done=`), location);
  await waitFor("bruno's node accepts ana's follow", async () => {
    const rows = await follows(a);
    return rows.some((f) => f.followee_uri === actor && f.status === "accepted");
  });
  const body = await (await ana.get(path)).text();
  assert.match(body, />Unfollow</);
  // The network pages link to the page here too (the search card and the following list).
  const search = await (
    await ana.get(`/network?${new URLSearchParams({ q: `bruno@${b.domain}` })}`)
  ).text();
  assert.match(search, new RegExp(`href="${path}"`));
  assert.match(await (await ana.get("/network/following")).text(), new RegExp(`href="${path}"`));
  assert.match(body, /1 follower</);
  // Unfollow: back to the page, and the follow is gone on both nodes.
  assert.equal((await ana.post("/people/unfollow", { actor, back: path })).status, 303);
  assert.equal((await follows(a)).filter((f) => f.followee_uri === actor).length, 0);
  await waitFor("bruno's node hears the Undo", async () => (await follows(b)).length === 0);
});

test("remote authors and mentions link to our page for them; replies say whom they answer", async () => {
  await write(bruno, { text: `Hello @ana@${a.domain}, bread on Friday?` });
  const post = await waitFor("bruno's mention reaches node A", () =>
    a.node.db.db
      .selectFrom("posts")
      .selectAll()
      .where("content_html", "like", "%bread on Friday%")
      .executeTakeFirst(),
  );
  const card = await (await ana.get(`/posts/${post.id}`)).text();
  assert.match(card, new RegExp(`href="/@bruno@${b.domain}" class="post-author"`));
  // ana's reply names bruno, and bruno's own mention of ana leads to ana's page here.
  const form = new FormData();
  form.set("visibility", "public");
  form.set("text", "Yes please!");
  form.set("in_reply_to", post.id);
  assert.equal((await ana.postMultipart("/social/posts", form)).status, 303);
  const mine = await (await ana.get("/@ana")).text();
  assert.match(mine, /Replying to @bruno/);
  assert.match(mine, new RegExp(`href="/posts/${post.id}"[^>]*title="@bruno@`));
  const federated = await (await ana.get(`/posts/${post.id}`)).text();
  assert.match(
    federated,
    /href="\/@ana" class="u-url mention"|class="u-url mention"[^>]*href="\/@ana"/,
  );
});

test("mute, block after a confirmation, and their undoing; each comes back to the page", async () => {
  const path = `/@bruno@${b.domain}`;
  const actor = `${b.url}/users/bruno`;
  assert.equal((await ana.post("/people/mute", { actor, back: path })).status, 303);
  assert.deepEqual(
    (await filters()).map((f) => f.kind),
    ["mute"],
  );
  assert.match(await (await ana.get(path)).text(), />Unmute</);
  const confirm = await ana.get(`/people/block?${new URLSearchParams({ actor })}`);
  const confirmBody = await confirm.text();
  assert.equal(confirm.status, 200);
  assert.match(confirmBody, /Block bruno\?/);
  assert.equal((await ana.post("/people/block", { actor, back: path })).status, 303);
  assert.deepEqual((await filters()).map((f) => f.kind).sort(), ["block", "mute"]);
  const blocked = await (await ana.get(path)).text();
  assert.match(blocked, />Unblock</);
  assert.doesNotMatch(blocked, />Follow</);
  await ana.post("/people/unblock", { actor, back: path });
  await ana.post("/people/unmute", { actor, back: path });
  assert.equal((await filters()).length, 0);
});

test("report a person, with one of their posts; an empty comment is refused", async () => {
  const actor = `${b.url}/users/bruno`;
  const page = await ana.get(`/people/report?${new URLSearchParams({ actor })}`);
  const body = await page.text();
  assert.equal(page.status, 200);
  const postId = /name="post" value="([0-9a-f-]{36})"/.exec(body)?.[1];
  assert.ok(postId, "the report page offers bruno's posts");
  const empty = await ana.post("/people/report", { actor, comment: "  " });
  assert.equal(empty.status, 422);
  assert.equal((await reports()).length, 0);
  const hostile = await ana.post("/people/report", { actor, comment: "spam", post: "x' OR 1=1" });
  assert.equal(hostile.status, 422);
  assert.equal((await reports()).length, 0);
  const sent = await ana.post("/people/report", { actor, comment: "Spam", post: postId });
  assert.equal(sent.status, 303);
  const [row] = await reports();
  assert.equal(row?.target_uri, actor);
  assert.deepEqual(JSON.parse(row?.post_ids ?? "[]"), [postId]);
});

test("a member's page here has the counts and the same actions", async () => {
  const body = await (await ana.get("/@rosa")).text();
  assert.match(body, /0 posts/);
  assert.match(body, />Follow</);
  assert.match(body, />Mute</);
  const own = await (await ana.get("/@ana")).text();
  assert.match(own, /This is you/);
  assert.doesNotMatch(own, /action="\/people\/follow"/);
  assert.equal((await ana.post("/people/follow", { actor: `${a.url}/users/rosa` })).status, 303);
  assert.match(await (await ana.get("/@rosa")).text(), /1 follower</);
});

test("bad input gives a 4xx and changes nothing", async () => {
  const before = (await follows(a)).length;
  for (const path of [
    `/@nobody@${b.domain}`,
    "/@bruno@no-such-host.invalid",
    "/@%3Cscript%3E@evil.example",
    "/@bruno@host%22onmouseover%3D1",
    "/@a@b@c",
    "/@..@..",
    "/@bruno@-bad-.example",
  ]) {
    const res = await ana.get(path);
    const text = await res.text();
    assert.ok(res.status === 404, `${path}: ${res.status}`);
    assert.doesNotMatch(text, /<script>|onmouseover=1/);
  }
  // A visitor cannot make this node look anyone up.
  const anonymous = await fetch(`${a.url}/@someone@${b.domain}`);
  assert.equal(anonymous.status, 404);
  for (const actor of [
    "javascript:alert(1)",
    "http://unknown.example/users/x",
    `${a.url}/users/../admin`,
    "x".repeat(3000),
    "",
  ]) {
    for (const act of ["follow", "mute", "block", "report"]) {
      const res = await ana.post(`/people/${act}`, { actor, comment: "x" });
      assert.equal(res.status, 404, `${act} ${actor.slice(0, 40)}`);
    }
  }
  // An outside "back" is not followed: the redirect stays here.
  const res = await ana.post("/people/mute", {
    actor: `${a.url}/users/rosa`,
    back: "https://evil.example/",
  });
  assert.equal(res.status, 303);
  assert.ok((res.headers.get("location") ?? "").startsWith("/@rosa?"));
  await ana.post("/people/unmute", { actor: `${a.url}/users/rosa` });
  assert.equal((await follows(a)).length, before);
  assert.equal((await filters()).length, 0);
  // Acting on oneself is refused.
  assert.equal((await ana.post("/people/mute", { actor: `${a.url}/users/ana` })).status, 422);
  assert.equal((await filters()).filter((f) => f.account_id === anaId).length, 0);
  // Signed out, an act is refused.
  const out = await fetch(`${a.url}/people/follow`, { method: "POST", redirect: "manual" });
  assert.ok(out.status >= 300 && out.status < 500);
});
