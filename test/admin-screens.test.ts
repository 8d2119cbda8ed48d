/**
 * Moderation and admin screens (issue 23): people are shown by name and handle,
 * not by address; a report carries its posts and the actions at hand (delete the
 * post, dismiss, suspend after a confirmation page); banning from a group and
 * leaving one ask first on their own page (blocking does too: web/people); the co-op's description keeps its
 * paragraphs as sanitized Markdown. Bad input: 4xx, nothing changed.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
let admin: SignedIn;
let maria: SignedIn;
let bruno: SignedIn;
after(() => node.close());
const db = () => node.node.db.db;

before(async () => {
  node = await startTestNode({ host: "127.0.222.30" });
  await createMember(node, { username: "ada", password: "long enough", role: "admin" });
  await createMember(node, { username: "maria", password: "long enough" });
  await createMember(node, { username: "bruno", password: "long enough" });
  await db()
    .updateTable("accounts")
    .set({ display_name: "María Soto" })
    .where("username", "=", "maria")
    .execute();
  admin = await signIn(node, "ada", "long enough");
  maria = await signIn(node, "maria", "long enough");
  bruno = await signIn(node, "bruno", "long enough");
});

const statusOf = async (username: string) =>
  (
    await db()
      .selectFrom("accounts")
      .select("status")
      .where("username", "=", username)
      .executeTakeFirstOrThrow()
  ).status;

async function post(who: SignedIn, text: string): Promise<string> {
  const form = new FormData();
  form.set("visibility", "public");
  form.set("text", text);
  assert.equal((await who.postMultipart("/social/posts", form)).status, 303);
  return (
    await db().selectFrom("posts").select("id").where("source", "=", text).executeTakeFirstOrThrow()
  ).id;
}

test("a report shows who, the reported post and its actions; deleting the post settles it", async () => {
  const id = await post(bruno, "Buy cheap watches at spam.example");
  assert.equal(
    (await maria.post(`/posts/${id}/report`, { comment: "Spam, against rule 2" })).status,
    303,
  );
  const page = await (await admin.get("/moderation")).text();
  assert.match(
    page,
    /<a class="actor-chip" href="\/@maria">[\s\S]*?María Soto<\/span> <span class="handle">@maria<\/span><\/a>/,
  );
  assert.match(page, /href="\/@bruno"/);
  assert.doesNotMatch(page, /Report by http/);
  assert.match(page, /Buy cheap watches/);
  assert.match(page, /Spam, against rule 2/);
  const report = await db().selectFrom("reports").selectAll().executeTakeFirstOrThrow();
  // Bad input: a post the report does not name, a report that does not exist, a member.
  const other = await post(maria, "An innocent post");
  assert.equal(
    (await admin.post(`/moderation/reports/${report.id}/delete`, { post: other })).status,
    404,
  );
  assert.equal((await admin.post(`/moderation/reports/${other}/delete`, { post: id })).status, 404);
  assert.equal(
    (await maria.post(`/moderation/reports/${report.id}/delete`, { post: id })).status,
    403,
  );
  const alive = await db()
    .selectFrom("posts")
    .select("deleted_at")
    .where("id", "in", [id, other])
    .execute();
  assert.ok(alive.every((p) => p.deleted_at === null));
  assert.equal(
    (await admin.post(`/moderation/reports/${report.id}/delete`, { post: id })).status,
    303,
  );
  const gone = await db()
    .selectFrom("posts")
    .select("deleted_at")
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  assert.ok(gone.deleted_at);
  const settled = await db()
    .selectFrom("reports")
    .select("status")
    .where("id", "=", report.id)
    .executeTakeFirstOrThrow();
  assert.equal(settled.status, "resolved");
});

test("suspending from a report asks first, then suspends and settles it", async () => {
  const id = await post(bruno, "More spam at spam.example");
  assert.equal((await maria.post(`/posts/${id}/report`, { comment: "Still spam" })).status, 303);
  const report = await db()
    .selectFrom("reports")
    .selectAll()
    .where("status", "=", "open")
    .executeTakeFirstOrThrow();
  const confirm = await admin.get(`/moderation/reports/${report.id}/suspend`);
  assert.equal(confirm.status, 200);
  const text = await confirm.text();
  assert.match(text, /Suspend bruno\?/);
  assert.match(text, new RegExp(`action="/moderation/reports/${report.id}/suspend"`));
  assert.equal(await statusOf("bruno"), "active");
  assert.equal(
    (await admin.post(`/moderation/reports/${report.id}/suspend`, { reason: "spam" })).status,
    303,
  );
  assert.equal(await statusOf("bruno"), "suspended");
  const log = await (await admin.get("/moderation/log")).text();
  assert.match(log, /account\.suspend<\/code> <a class="actor-chip" href="\/@bruno">/);
  // Restored for the tests after this one.
  assert.equal(
    (await admin.post("/moderation/accounts", { account: "bruno", level: "none" })).status,
    303,
  );
});

test("banning from a group asks first on its own page; the lists show people, not addresses", async () => {
  assert.equal(
    (
      await admin.post("/groups", {
        kind: "working_group",
        name: "bakers",
        displayName: "Bakers",
        visibility: "public",
      })
    ).status,
    303,
  );
  bruno = await signIn(node, "bruno", "long enough");
  assert.equal((await bruno.post("/groups/bakers/join", {})).status, 303);
  const member = await db()
    .selectFrom("group_members")
    .select("id")
    .where(
      "account_id",
      "=",
      (
        await db()
          .selectFrom("accounts")
          .select("id")
          .where("username", "=", "bruno")
          .executeTakeFirstOrThrow()
      ).id,
    )
    .executeTakeFirstOrThrow();
  const manage = await (await admin.get("/groups/bakers/manage")).text();
  assert.match(manage, new RegExp(`href="/groups/bakers/members/${member.id}/ban"`));
  assert.doesNotMatch(manage, /name="reason"/, "no ban form squeezed into each row");
  const confirm = await (await admin.get(`/groups/bakers/members/${member.id}/ban`)).text();
  assert.match(confirm, /Ban from Bakers\?/);
  assert.match(confirm, /name="reason"/);
  assert.equal((await admin.get("/groups/bakers/members/nobody/ban")).status, 404);
  assert.equal((await maria.get(`/groups/bakers/members/${member.id}/ban`)).status, 403);
  assert.equal(
    (await admin.post(`/groups/bakers/members/${member.id}/ban`, { reason: "x".repeat(501) }))
      .status,
    422,
  );
  assert.equal((await db().selectFrom("group_bans").selectAll().execute()).length, 0);
  assert.equal(
    (await admin.post(`/groups/bakers/members/${member.id}/ban`, { reason: "rude" })).status,
    303,
  );
  const after = await (await admin.get("/groups/bakers/manage")).text();
  assert.match(after, /banned by <a class="actor-chip" href="\/@ada">/);
  assert.match(
    after,
    /<a class="actor-chip" href="\/@ada">[\s\S]*?<\/a> banned <a class="actor-chip" href="\/@bruno">/,
  );
  assert.doesNotMatch(after, /http:\/\/127\.0\.222\.30:\d+\/users\/bruno<\/span>/);
});

test("leaving a group asks first; the group page's Leave leads there", async () => {
  assert.equal((await maria.post("/groups/bakers/join", {})).status, 303);
  const page = await (await maria.get("/groups/bakers")).text();
  assert.match(page, /<a class="button secondary" href="\/groups\/bakers\/leave">Leave<\/a>/);
  const confirm = await (await maria.get("/groups/bakers/leave")).text();
  assert.match(confirm, /Leave Bakers\?/);
  assert.match(confirm, /action="\/groups\/bakers\/leave"/);
  assert.equal((await maria.get("/groups/nosuch/leave")).status, 404);
  assert.equal((await maria.post("/groups/bakers/leave", {})).status, 303);
});

test("the co-op's description keeps its paragraphs, as sanitized Markdown", async () => {
  const res = await admin.post("/admin", {
    name: "La Espiga",
    description: "We bake bread.\n\nWe share *ovens*. <script>alert(1)</script>",
    rules: "1. Be kind\n2. No ads",
    registration: "invite",
  });
  assert.equal(res.status, 303);
  // The settings are cached for two seconds: wait for the new ones.
  const deadline = Date.now() + 10_000;
  let home = "";
  while (Date.now() < deadline) {
    home = await (await fetch(`${node.url}/`)).text();
    if (home.includes("We bake bread.")) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.match(
    home,
    /<p>We bake bread\.<\/p>\s*<p>We share <em>ovens<\/em>\. &lt;script&gt;alert\(1\)&lt;\/script&gt;<\/p>/,
  );
  assert.doesNotMatch(home, /<script>alert/);
  const rules = await (await maria.get("/rules")).text();
  assert.match(rules, /<ol>\s*<li>Be kind<\/li>\s*<li>No ads<\/li>\s*<\/ol>/);
});
