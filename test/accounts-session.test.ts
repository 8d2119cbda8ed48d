import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Hono } from "hono";
import type { WebEnv } from "../src/web/context.ts";
import { translator } from "../src/web/i18n/i18n.ts";
import { sessionMiddleware, setSessionCookie } from "../src/web/session.ts";
import { cookiesFrom, createMember, sessionClient, signIn, visitor } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
before(async () => {
  node = await startTestNode();
});
after(() => node.close());

test("logging in sets an HttpOnly, SameSite=Lax session cookie and shows the member", async () => {
  await createMember(node, { username: "ana", password: "correct horse" });
  const start = await visitor(node);
  const res = await fetch(`${node.url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie: start.cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: start.csrf, login: "ana", password: "correct horse" }),
  });
  assert.equal(res.status, 303);
  const header = res.headers.getSetCookie().find((h) => h.startsWith("synco_session="));
  assert.ok(header);
  assert.match(header, /HttpOnly/);
  assert.match(header, /SameSite=Lax/);
  assert.doesNotMatch(header, /Secure/, "no Secure flag on an http origin");
  const cookie = cookiesFrom(res, start.cookie);
  const home = await (await fetch(`${node.url}/`, { headers: { cookie } })).text();
  assert.match(home, /href="\/@ana"/);
});

test("signIn gives a working client; logout ends the session", async () => {
  await createMember(node, { username: "bea", password: "correct horse" });
  const bea = await signIn(node, "bea", "correct horse");
  assert.match(await (await bea.get("/")).text(), /href="\/@bea"/);
  const out = await bea.post("/logout", {});
  assert.equal(out.status, 303);
  assert.doesNotMatch(await (await bea.get("/")).text(), /href="\/@bea"/);
});

test("a form without the right CSRF token is refused with 403", async () => {
  await createMember(node, { username: "cai", password: "correct horse" });
  const cai = await signIn(node, "cai", "correct horse");
  const res = await cai.post("/logout", { _csrf: "forged" });
  assert.equal(res.status, 403);
  assert.match(await res.text(), /did not come from this site/);
  assert.match(await (await cai.get("/")).text(), /href="\/@cai"/, "still logged in");
  const missing = await fetch(`${node.url}/login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ login: "cai", password: "correct horse" }),
  });
  assert.equal(missing.status, 403);
});

test("failed logins are limited per account: the eleventh try is refused even with the right password", async () => {
  await node.node.db.db.deleteFrom("rate_limits").execute();
  await createMember(node, { username: "dov", password: "correct horse" });
  const start = await visitor(node);
  const client = sessionClient(node, start.cookie, start.csrf);
  for (let i = 0; i < 10; i++) {
    const res = await client.post("/login", { login: "dov", password: `wrong ${i}` });
    assert.equal(res.status, 401);
    assert.match(await res.text(), /The username or password is wrong/);
  }
  const sessionsBefore = await node.node.db.db.selectFrom("sessions").select("id").execute();
  const res = await client.post("/login", { login: "dov", password: "correct horse" });
  assert.equal(res.status, 429);
  assert.match(await res.text(), /Too many attempts/);
  assert.deepEqual(
    await node.node.db.db.selectFrom("sessions").select("id").execute(),
    sessionsBefore,
  );
  // Another member from the same address is not locked out by dov's limit.
  await createMember(node, { username: "eli", password: "correct horse" });
  await signIn(node, "eli", "correct horse");
});

test("failed logins are limited per IP across accounts", async () => {
  await node.node.db.db.deleteFrom("rate_limits").execute();
  await createMember(node, { username: "fay", password: "correct horse" });
  const start = await visitor(node);
  const client = sessionClient(node, start.cookie, start.csrf);
  for (let i = 0; i < 30; i++) {
    assert.equal(
      (await client.post("/login", { login: `nobody${i}`, password: "guess" })).status,
      401,
    );
  }
  const res = await client.post("/login", { login: "fay", password: "correct horse" });
  assert.equal(res.status, 429);
  await node.node.db.db.deleteFrom("rate_limits").execute();
});

test("login input errors: empty fields are a 422; a foreign 'next' never leaves the site", async () => {
  const start = await visitor(node);
  const client = sessionClient(node, start.cookie, start.csrf);
  const empty = await client.post("/login", { login: "", password: "" });
  assert.equal(empty.status, 422);
  await createMember(node, { username: "gil", password: "correct horse" });
  for (const next of ["https://evil.example/", "//evil.example/", "/\\evil.example"]) {
    const res = await client.post("/login", { login: "gil", password: "correct horse", next });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), "/", next);
  }
  const ok = await client.post("/login", {
    login: "gil",
    password: "correct horse",
    next: "/settings/export",
  });
  assert.equal(ok.headers.get("location"), "/settings/export");
});

test("behind https the cookies are Secure", async () => {
  const config = { ...node.node.config, origin: "https://coop.example", domain: "coop.example" };
  const app = new Hono<WebEnv>();
  app.use(async (c, next) => {
    c.set("locale", "en");
    c.set("t", translator("en"));
    c.set("coop", { name: "Test", description: "" });
    await next();
  });
  app.use(sessionMiddleware({ db: node.node.db.db, config }));
  app.get("/page", (c) => c.html("<p>form</p>"));
  app.get("/image", (c) => c.body("x", 200, { "content-type": "image/webp" }));
  app.get("/in", (c) => {
    setSessionCookie(c, config, "token");
    return c.text("ok");
  });
  const page = await app.request("/page");
  const pre = page.headers.getSetCookie().find((h) => h.startsWith("synco_csrf="));
  assert.ok(pre);
  assert.match(pre, /; Secure/);
  assert.match(pre, /HttpOnly/);
  assert.deepEqual(
    (await app.request("/image")).headers.getSetCookie(),
    [],
    "no cookie on non-pages",
  );
  const session = (await app.request("/in")).headers.getSetCookie()[0] ?? "";
  assert.match(session, /^synco_session=token;/);
  assert.match(session, /; Secure/);
  assert.match(session, /SameSite=Lax/);
});

test("machine endpoints are not CSRF-checked; every other POST is", async () => {
  const api = await fetch(`${node.url}/api/v1/nothing`, { method: "POST", body: "{}" });
  assert.equal(api.status, 404, "API routes answer for themselves (here: not found), not 403");
  const inbox = await fetch(`${node.url}/users/nobody/inbox`, { method: "POST", body: "{}" });
  assert.notEqual(inbox.status, 403);
  const page = await fetch(`${node.url}/settings/profile`, { method: "POST", body: "{}" });
  assert.equal(page.status, 403);
});

test("without mail configured, an unconfirmed address does not block logging in", async () => {
  const hana = await createMember(node, { username: "hana", password: "correct horse" });
  // As if she had signed up while the node still had SMTP settings.
  await node.node.db.db
    .insertInto("email_verifications")
    .values({ account_id: hana.id, created_at: new Date().toISOString() })
    .execute();
  await signIn(node, "hana", "correct horse");
});
