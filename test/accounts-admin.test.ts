import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createMember, type SignedIn, sessionClient, signIn, visitor } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
let admin: SignedIn;
before(async () => {
  node = await startTestNode();
  await createMember(node, { username: "root_admin", password: "long enough", role: "admin" });
  admin = await signIn(node, "root_admin", "long enough");
});
after(() => node.close());

const db = () => node.node.db.db;
const account = (username: string) =>
  db()
    .selectFrom("accounts")
    .selectAll()
    .where("username", "=", username)
    .executeTakeFirstOrThrow();
const log = () => db().selectFrom("admin_actions").selectAll().orderBy("id").execute();

async function apply(username: string, extra: Record<string, string> = {}) {
  const v = await visitor(node);
  return sessionClient(node, v.cookie, v.csrf).post("/signup", {
    username,
    email: `${username}@example.test`,
    password: "long enough",
    reason: "I would like to join.",
    ...extra,
  });
}

test("the co-op's settings are saved and logged; bad input changes nothing", async () => {
  const page = await (await admin.get("/admin")).text();
  assert.match(page, /Email is not configured/);
  const res = await admin.post("/admin", {
    name: "Huerta Coop",
    description: "Vegetables for all",
    rules: "1. Be kind",
    registration: "approval",
  });
  assert.equal(res.status, 303);
  const settings = await node.node.coop.get();
  assert.deepEqual(settings, {
    name: "Huerta Coop",
    description: "Vegetables for all",
    rules: "1. Be kind",
    registration: "approval",
  });
  const last = (await log()).at(-1);
  assert.equal(last?.action, "coop.update");
  for (const [form, message] of [
    [{ name: "", registration: "open" }, /The co-op needs a name/],
    [{ name: "x".repeat(101), registration: "open" }, /The co-op needs a name/],
    [{ name: "Ok", registration: "anarchy" }, /This field is required/],
    [{ name: "Ok", registration: "open", rules: "r".repeat(10001) }, /at most 10000 characters/],
  ] as const) {
    const bad = await admin.post("/admin", form);
    assert.equal(bad.status, 422);
    assert.match(await bad.text(), message);
  }
  assert.deepEqual(await node.node.coop.get(), settings);
});

test("invites: created with uses and expiry, bad numbers refused, revoked", async () => {
  const before = await db().selectFrom("invites").selectAll().execute();
  for (const form of [
    { uses: "-1", days: "7" },
    { uses: "1", days: "seven" },
    { uses: "1.5", days: "1" },
    { uses: "5000", days: "1" },
  ]) {
    const bad = await admin.post("/admin/invites", form);
    assert.equal(bad.status, 422);
    assert.match(await bad.text(), /Use a whole number from 0 to 1000/);
  }
  assert.deepEqual(await db().selectFrom("invites").selectAll().execute(), before);
  const res = await admin.post("/admin/invites", { uses: "3", days: "0" });
  assert.equal(res.status, 200);
  const code = /signup\?invite=([\w-]+)/.exec(await res.text())?.[1];
  assert.ok(code);
  const invite = await db()
    .selectFrom("invites")
    .selectAll()
    .where("code", "=", code)
    .executeTakeFirstOrThrow();
  assert.deepEqual(
    [invite.max_uses, invite.expires_at, invite.created_by],
    [3, null, (await account("root_admin")).id],
  );
  const revoke = await admin.post(`/admin/invites/${code}/revoke`, {});
  assert.equal(revoke.status, 200);
  assert.equal(
    await db().selectFrom("invites").select("code").where("code", "=", code).executeTakeFirst(),
    undefined,
  );
  assert.equal((await admin.post(`/admin/invites/${code}/revoke`, {})).status, 404);
  assert.deepEqual(
    (await log()).slice(-2).map((a) => a.action),
    ["invite.create", "invite.revoke"],
  );
});

test("applications: approved or rejected by an admin or a moderator, never by a member", async () => {
  await node.node.coop.update({ registration: "approval" });
  assert.equal((await apply("quinn")).status, 303);
  assert.equal((await apply("rosa")).status, 303);
  await createMember(node, { username: "mod", password: "long enough", role: "moderator" });
  await createMember(node, { username: "plain", password: "long enough" });
  const moderator = await signIn(node, "mod", "long enough");
  const plain = await signIn(node, "plain", "long enough");
  const quinn = await account("quinn");
  const rosa = await account("rosa");
  const list = await (await moderator.get("/admin/applications")).text();
  assert.match(list, /@quinn/);
  assert.match(list, /I would like to join\./);
  // An applicant has applied, not joined (issue 23); nor is one a member yet.
  assert.match(list, /<dt>Applied<\/dt>/);
  assert.doesNotMatch(list, /<dt>Joined<\/dt>/);
  assert.doesNotMatch(await (await admin.get("/admin/members")).text(), /@quinn/);
  assert.doesNotMatch(list, /href="\/admin\/members"/, "moderators see only what they may use");
  assert.equal((await moderator.get("/admin/members")).status, 403);
  assert.equal((await plain.post(`/admin/applications/${quinn.id}/approve`, {})).status, 403);
  assert.equal((await account("quinn")).status, "pending");

  const ok = await moderator.post(`/admin/applications/${quinn.id}/approve`, {});
  assert.equal(ok.status, 200);
  assert.match(await ok.text(), /@quinn is now a member/);
  assert.equal((await account("quinn")).status, "active");
  await signIn(node, "quinn", "long enough");

  const no = await admin.post(`/admin/applications/${rosa.id}/reject`, {});
  assert.equal(no.status, 200);
  assert.equal(
    await db().selectFrom("accounts").select("id").where("id", "=", rosa.id).executeTakeFirst(),
    undefined,
  );
  assert.equal((await admin.post(`/admin/applications/${rosa.id}/approve`, {})).status, 404);
  assert.equal(
    (await admin.post(`/admin/applications/${quinn.id}/reject`, {})).status,
    404,
    "an active member is no application",
  );
  const actions = (await log()).map((a) => `${a.action}:${a.target}`);
  assert.ok(actions.includes("application.approve:quinn"));
  assert.ok(actions.includes("application.reject:rosa"));
});

test("roles: admins promote and demote; the last admin cannot be demoted", async () => {
  await createMember(node, { username: "sol", password: "long enough" });
  const sol = await account("sol");
  const root = await account("root_admin");
  const bad = await admin.post(`/admin/members/${sol.id}/role`, { role: "emperor" });
  assert.equal(bad.status, 422);
  assert.equal((await account("sol")).role, "member");
  assert.equal((await admin.post(`/admin/members/no-such-id/role`, { role: "admin" })).status, 404);

  const last = await admin.post(`/admin/members/${root.id}/role`, { role: "member" });
  assert.equal(last.status, 422);
  assert.match(await last.text(), /The last administrator cannot be demoted/);
  assert.equal((await account("root_admin")).role, "admin");

  const up = await admin.post(`/admin/members/${sol.id}/role`, { role: "admin" });
  assert.equal(up.status, 200);
  assert.match(await up.text(), /@sol is now administrator/);
  const solSession = await signIn(node, "sol", "long enough");
  assert.match(await (await solSession.get("/")).text(), /href="\/admin"/);
  const down = await solSession.post(`/admin/members/${root.id}/role`, { role: "moderator" });
  assert.equal(down.status, 200);
  assert.equal((await account("root_admin")).role, "moderator");
  assert.equal((await admin.get("/admin")).status, 403, "a demoted admin loses the pages at once");
  const self = await solSession.post(`/admin/members/${sol.id}/role`, { role: "member" });
  assert.equal(self.status, 422, "sol is now the last admin");
  await solSession.post(`/admin/members/${root.id}/role`, { role: "admin" });
  const entry = (await log()).find((a) => a.action === "member.role" && a.target === "sol");
  assert.deepEqual(JSON.parse(entry?.details ?? "{}"), { from: "member", to: "admin" });
});

test("an admin-issued reset link works once and ends the member's sessions", async () => {
  await createMember(node, { username: "tao", password: "long enough" });
  const tao = await signIn(node, "tao", "long enough");
  const id = (await account("tao")).id;
  const res = await admin.post(`/admin/members/${id}/reset-link`, {});
  assert.equal(res.status, 200);
  const link = /(http:\/\/[^ <]+\/password\/reset\/[\w-]+)/.exec(await res.text())?.[1];
  assert.ok(link);
  assert.equal((await admin.post("/admin/members/no-such-id/reset-link", {})).status, 404);
  const path = new URL(link).pathname;
  const v = await visitor(node, path);
  const client = sessionClient(node, v.cookie, v.csrf);
  const hash = (await account("tao")).password_hash;
  for (const [form, message] of [
    [{ password: "short", confirmation: "short" }, /8 to 1000 characters/],
    [{ password: "new password", confirmation: "other password" }, /not the same/],
  ] as const) {
    const bad = await client.post(path, form);
    assert.equal(bad.status, 422);
    assert.match(await bad.text(), message);
    assert.equal((await account("tao")).password_hash, hash);
  }
  const ok = await client.post(path, { password: "new password", confirmation: "new password" });
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.get("location"), "/login?done=reset");
  assert.equal((await tao.get("/settings")).status, 303, "old sessions ended");
  await signIn(node, "tao", "new password");
  const reused = await client.post(path, {
    password: "third password",
    confirmation: "third password",
  });
  assert.equal(reused.status, 404);
  assert.match(await reused.text(), /not valid or has expired/);
  // Without mail, the reset page tells members to ask an admin, and asking by form does nothing.
  const tokens = await db().selectFrom("account_tokens").select("token_hash").execute();
  const asked = await client.post("/password/reset", { email: "tao@example.test" });
  assert.equal(asked.status, 422);
  assert.match(await asked.text(), /This node cannot send email/);
  assert.deepEqual(await db().selectFrom("account_tokens").select("token_hash").execute(), tokens);
  assert.match(
    await (await fetch(`${node.url}/password/reset`)).text(),
    /This node cannot send email. Ask one of the co-op/,
  );
});

test("the log page lists admin actions with who did them", async () => {
  const page = await (await admin.get("/admin/log")).text();
  assert.match(page, /Changed the co-op&#39;s settings|Changed the co-op's settings/);
  assert.match(page, /Issued a password reset link/);
  assert.match(page, /@root_admin/);
  const members = await (await admin.get("/admin/members")).text();
  assert.match(members, /@tao/);
  assert.doesNotMatch(members, /@rosa/, "rejected applicants are gone");
});
