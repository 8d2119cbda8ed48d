import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import { createInvite } from "../src/accounts/invites.ts";
import { cookiesFrom, createMember, sessionClient, signIn, visitor } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
before(async () => {
  node = await startTestNode();
});
after(() => node.close());
// Every test here posts from 127.0.0.1; each starts with fresh limits (the last test checks them).
beforeEach(() => db().deleteFrom("rate_limits").execute());

const db = () => node.node.db.db;
const countAccounts = async () =>
  Number(
    (
      await db()
        .selectFrom("accounts")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );

async function visitorClient() {
  const v = await visitor(node, "/login");
  return sessionClient(node, v.cookie, v.csrf);
}

const good = { username: "dana", email: "dana@example.test", password: "long enough" };

test("open sign-up creates an active member, logs them in and keeps their language", async () => {
  await node.node.coop.update({ registration: "open" });
  const v = await visitor(node, "/signup");
  const res = await fetch(`${node.url}/signup`, {
    method: "POST",
    redirect: "manual",
    headers: {
      cookie: v.cookie,
      "content-type": "application/x-www-form-urlencoded",
      "accept-language": "es",
    },
    body: new URLSearchParams({ _csrf: v.csrf, ...good }),
  });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), "/settings?done=welcome");
  const cookie = cookiesFrom(res, v.cookie);
  const page = await (
    await fetch(`${node.url}/settings?done=welcome`, { headers: { cookie } })
  ).text();
  assert.match(page, /<html lang="es">/, "the member's language (from sign-up) wins");
  const row = await db()
    .selectFrom("accounts")
    .selectAll()
    .where("username", "=", "dana")
    .executeTakeFirstOrThrow();
  assert.equal(row.status, "active");
  assert.equal(row.role, "member");
  assert.equal(row.language, "es");
  assert.match(row.password_hash, /^\$argon2id\$v=19\$m=8,/);
});

test("every bad field gets its own message, a 422, and no account", async () => {
  await node.node.coop.update({ registration: "open" });
  await createMember(node, {
    username: "taken",
    password: "long enough",
    email: "taken@example.test",
  });
  const cases: [Record<string, string>, RegExp][] = [
    [{ username: "" }, /Use 1 to 30 letters, digits or underscores/],
    [{ username: "no spaces" }, /Use 1 to 30 letters, digits or underscores/],
    [{ username: "a".repeat(31) }, /Use 1 to 30 letters, digits or underscores/],
    [{ username: "admin" }, /This name is reserved/],
    [{ username: "TAKEN" }, /This username is taken/],
    [{ email: "not-an-address" }, /This is not an email address/],
    [{ email: "Taken@Example.test" }, /An account already uses this address/],
    [{ password: "short" }, /The password must have 8 to 1000 characters/],
  ];
  for (const [change, message] of cases) {
    await db().deleteFrom("rate_limits").execute();
    const before = await countAccounts();
    const client = await visitorClient();
    const res = await client.post("/signup", {
      ...good,
      username: "fresh",
      email: "fresh@example.test",
      ...change,
    });
    assert.equal(res.status, 422, JSON.stringify(change));
    const page = await res.text();
    assert.match(page, message, JSON.stringify(change));
    assert.match(page, /aria-invalid="true"/);
    assert.equal(await countAccounts(), before, "nothing was created");
  }
});

test("invite mode needs a valid code; expired and used-up codes are refused", async () => {
  await node.node.coop.update({ registration: "invite" });
  const single = await createInvite(db(), {
    now: new Date(),
    createdBy: null,
    maxUses: 1,
    expiresAt: null,
  });
  const expired = await createInvite(db(), {
    now: new Date(),
    createdBy: null,
    maxUses: null,
    expiresAt: new Date(Date.now() - 1000),
  });
  const before = await countAccounts();
  const form = { username: "ivo", email: "ivo@example.test", password: "long enough" };
  for (const [invite, message] of [
    ["", /This invite code is not valid/],
    ["nonsense", /This invite code is not valid/],
    [expired, /This invite has expired/],
  ] as const) {
    const res = await (await visitorClient()).post("/signup", { ...form, invite });
    assert.equal(res.status, 422);
    assert.match(await res.text(), message);
  }
  assert.equal(await countAccounts(), before);
  const ok = await (await visitorClient()).post("/signup", { ...form, invite: single });
  assert.equal(ok.status, 303);
  const again = await (await visitorClient()).post("/signup", {
    username: "ivo2",
    email: "ivo2@example.test",
    password: "long enough",
    invite: single,
  });
  assert.equal(again.status, 422);
  assert.match(await again.text(), /This invite has been used up/);
  const invite = await db()
    .selectFrom("invites")
    .selectAll()
    .where("code", "=", single)
    .executeTakeFirstOrThrow();
  assert.equal(invite.uses, 1);
});

test("approval mode: a reason is required; the applicant waits and cannot log in", async () => {
  await node.node.coop.update({ registration: "approval", rules: "Be kind." });
  const page = await (await fetch(`${node.url}/signup`)).text();
  assert.match(page, /Why do you want to join\?/);
  assert.match(page, /Be kind\./);
  const form = { username: "pia", email: "pia@example.test", password: "long enough" };
  const before = await countAccounts();
  for (const reason of ["", "   ", "x".repeat(1001)]) {
    const res = await (await visitorClient()).post("/signup", { ...form, reason });
    assert.equal(res.status, 422);
    assert.match(await res.text(), /Please write a few words/);
  }
  assert.equal(await countAccounts(), before);
  const res = await (await visitorClient()).post("/signup", {
    ...form,
    reason: "I grow vegetables.",
  });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), "/login?done=applied");
  const application = await db()
    .selectFrom("applications")
    .innerJoin("accounts", "accounts.id", "applications.account_id")
    .select(["reason", "status"])
    .where("username", "=", "pia")
    .executeTakeFirstOrThrow();
  assert.deepEqual(application, { reason: "I grow vegetables.", status: "pending" });
  const login = await (await visitorClient()).post("/login", {
    login: "pia",
    password: "long enough",
  });
  assert.equal(login.status, 403);
  assert.match(await login.text(), /waiting for approval/);
  const wrong = await (await visitorClient()).post("/login", {
    login: "pia",
    password: "wrong password",
  });
  assert.equal(wrong.status, 401, "the status is told only to someone who knows the password");
});

test("closed mode shows no form and refuses sign-ups", async () => {
  await node.node.coop.update({ registration: "closed" });
  const page = await fetch(`${node.url}/signup`);
  assert.equal(page.status, 403);
  assert.doesNotMatch(await page.text(), /name="username"/);
  const before = await countAccounts();
  const res = await (await visitorClient()).post("/signup", {
    username: "cleo",
    email: "cleo@example.test",
    password: "long enough",
  });
  assert.equal(res.status, 403);
  assert.equal(await countAccounts(), before);
});

test("a logged-in member who opens /login or /signup goes on; login accepts the email too", async () => {
  await createMember(node, {
    username: "emil",
    password: "long enough",
    email: "emil@example.test",
  });
  const emil = await signIn(node, "EMIL@example.test", "long enough");
  const res = await emil.get("/login");
  assert.equal(res.status, 303);
  assert.equal((await emil.get("/signup?invite=abc")).status, 303);
});

test("sign-ups are limited per address and per IP (429, nothing created)", async () => {
  await node.node.coop.update({ registration: "open" });
  // Five tries per address per hour: the sixth is refused even with good input.
  for (let i = 0; i < 5; i++) {
    await (await visitorClient()).post("/signup", {
      username: "",
      email: "same@example.test",
      password: "x",
    });
  }
  const before = await countAccounts();
  const refused = await (await visitorClient()).post("/signup", {
    username: "samuel",
    email: "same@example.test",
    password: "long enough",
  });
  assert.equal(refused.status, 429);
  assert.ok(Number(refused.headers.get("retry-after")) > 0, "says when to try again");
  assert.match(await refused.text(), /Too many attempts\. Try again in 60 min/);
  assert.equal(await countAccounts(), before);
  // Thirty attempts per IP per hour in all (six used above).
  let status = 0;
  let tries = 0;
  for (let i = 0; i < 31 && status !== 429; i++, tries++) {
    status = (
      await (
        await visitorClient()
      ).post("/signup", { username: "", email: `n${i}@example.test`, password: "x" })
    ).status;
  }
  assert.equal(status, 429);
  assert.equal(tries, 30 - 6 + 1, "the limit bites exactly after thirty attempts");
  const another = await (await visitorClient()).post("/signup", {
    username: "newname",
    email: "newname@example.test",
    password: "long enough",
  });
  assert.equal(another.status, 429);
  assert.equal(await countAccounts(), before);
});
