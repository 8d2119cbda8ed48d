/**
 * Issue 14 item 6: password guesses are counted before argon2 runs, so
 * concurrent guesses cannot slip past the limit; a stranger's guesses lock out
 * only the stranger, never the member's own address nor a logged-in session;
 * a refusal says how long to wait. Sources are told apart with X-Forwarded-For
 * from a trusted proxy (the test client's own address).
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { authenticate } from "../src/accounts/auth.ts";
import { RateLimiter } from "../src/accounts/rate-limits.ts";
import { json, registerApp } from "./api-helpers.ts";
import { createMember, type SignedIn, signIn, visitor } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
before(async () => {
  node = await startTestNode({
    host: "127.0.32.1",
    env: { SYNCO_TRUSTED_PROXIES: "127.0.0.1,127.0.32.1" },
  });
});
after(() => node.close());

let start: { cookie: string; csrf: string };
const login = async (username: string, password: string, from: string) => {
  start ??= await visitor(node);
  return fetch(`${node.url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: {
      cookie: start.cookie,
      "content-type": "application/x-www-form-urlencoded",
      "x-forwarded-for": from,
    },
    body: new URLSearchParams({ _csrf: start.csrf, login: username, password }),
  });
};
const statuses = (responses: Response[]) => {
  const counts: Record<number, number> = {};
  for (const r of responses) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
};

test("1,000 concurrent wrong passwords on one account: exactly ten are checked (capability, every pool connection)", async () => {
  const db = node.node.db.db;
  await createMember(node, { username: "race", password: "correct horse" });
  const limiter = new RateLimiter(db);
  const options = { passwordCost: 8, requireVerifiedEmail: false, limiter, source: "10.9.9.9" };
  const results = await Promise.all(
    Array.from({ length: 1000 }, (_, i) => authenticate(db, "race", `wrong ${i}`, options)),
  );
  const checked = results.filter((r) => !r.ok && r.reason === "invalid").length;
  const limited = results.filter((r) => !r.ok && r.reason === "limited").length;
  assert.deepEqual({ checked, limited }, { checked: 10, limited: 990 });
  // The right password from the same source is refused too: the pair's budget is spent.
  const right = await authenticate(db, "race", "correct horse", options);
  assert.equal(right.ok, false);
  // The member from their own address is not affected.
  assert.equal(
    (await authenticate(db, "race", "correct horse", { ...options, source: "10.1.1.1" })).ok,
    true,
  );
});

test("200 concurrent wrong logins over HTTP: ten 401s, the rest 429 with Retry-After and the wait in words", async () => {
  await createMember(node, { username: "burst", password: "correct horse" });
  const responses = await Promise.all(
    Array.from({ length: 200 }, (_, i) => login("burst", `wrong ${i}`, "10.0.0.66")),
  );
  assert.deepEqual(statuses(responses), { 401: 10, 429: 190 });
  const refused = responses.find((r) => r.status === 429) as Response;
  const wait = Number(refused.headers.get("retry-after"));
  assert.ok(wait > 0 && wait <= 15 * 60, `Retry-After is ${wait}`);
  assert.match(await refused.text(), /Try again in 15 min/);
  await Promise.all(responses.map((r) => (r.bodyUsed ? undefined : r.body?.cancel())));
});

test("a stranger's failures do not lock the member out of their own address", async () => {
  await createMember(node, { username: "owner", password: "correct horse" });
  for (let i = 0; i < 15; i++) await (await login("owner", `guess ${i}`, "10.0.1.66")).text();
  assert.equal((await login("owner", "correct horse", "10.0.1.66")).status, 429);
  const own = await login("owner", "correct horse", "10.0.1.1");
  assert.equal(own.status, 303, "the member logs in from their own address");
});

test("guesses spread over many addresses spend the account's budget; then only known addresses may try", async () => {
  await createMember(node, { username: "spread", password: "correct horse" });
  // The member logged in from 10.0.2.1 before: that address is known.
  assert.equal((await login("spread", "correct horse", "10.0.2.1")).status, 303);
  for (let source = 0; source < 10; source++)
    for (let i = 0; i < 10; i++)
      assert.equal((await login("spread", `guess ${i}`, `10.2.${source}.7`)).status, 401);
  const fresh = await login("spread", "correct horse", "10.3.0.1");
  assert.equal(fresh.status, 429, "a new address is refused once the account's budget is spent");
  assert.ok(Number(fresh.headers.get("retry-after")) > 0);
  assert.equal((await login("spread", "correct horse", "10.0.2.1")).status, 303);
});

test("inside a session, guesses are the session's own: a stranger's lock does not block deleting the account", async () => {
  await createMember(node, { username: "leaver", password: "correct horse" });
  const leaver: SignedIn = await signIn(node, "leaver", "correct horse");
  for (let i = 0; i < 12; i++) await (await login("leaver", `guess ${i}`, "10.0.4.66")).text();
  const del = await leaver.post("/settings/delete", { password: "correct horse", confirm: "yes" });
  assert.equal(del.status, 303);
  assert.equal(del.headers.get("location"), "/login?done=deleted");
});

test("100 concurrent wrong passwords in one session (delete, password, email forms): exactly ten are checked", async () => {
  await createMember(node, { username: "thief", password: "correct horse" });
  const stolen = await signIn(node, "thief", "correct horse");
  const forms = [
    (i: number) => stolen.post("/settings/delete", { password: `w${i}`, confirm: "yes" }),
    (i: number) =>
      stolen.post("/settings/password", {
        current: `w${i}`,
        password: "new password!",
        confirmation: "new password!",
      }),
    (i: number) =>
      stolen.post("/settings/email", { email: `n${i}@example.test`, password: `w${i}` }),
  ];
  const responses = await Promise.all(
    Array.from({ length: 100 }, (_, i) => (forms[i % 3] as (i: number) => Promise<Response>)(i)),
  );
  assert.deepEqual(statuses(responses), { 422: 10, 429: 90 });
  const refused = responses.find((r) => r.status === 429) as Response;
  assert.ok(Number(refused.headers.get("retry-after")) > 0);
  await Promise.all(responses.map((r) => (r.bodyUsed ? undefined : r.body?.cancel())));
  const account = await node.node.db.db
    .selectFrom("accounts")
    .select("status")
    .where("username", "=", "thief")
    .executeTakeFirstOrThrow();
  assert.equal(account.status, "active");
});

test("the API's sign-up limit answers 429 with Retry-After", async () => {
  const app = await registerApp(node);
  const token = await fetch(`${node.url}/oauth/token`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "client_credentials",
      client_id: app.clientId ?? "",
      client_secret: app.clientSecret ?? "",
      scope: "write",
    }),
  }).then(json);
  const signUp = () =>
    fetch(`${node.url}/api/v1/accounts`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${token.access_token}`,
        "content-type": "application/json",
        "x-forwarded-for": "10.0.9.9",
      },
      body: JSON.stringify({
        username: "",
        email: "again@example.test",
        password: "x",
        agreement: true,
      }),
    });
  for (let i = 0; i < 5; i++) assert.equal((await signUp()).status, 422);
  const refused = await signUp();
  assert.equal(refused.status, 429);
  const wait = Number(refused.headers.get("retry-after"));
  assert.ok(wait > 0 && wait <= 3600, `Retry-After is ${wait}`);
});
