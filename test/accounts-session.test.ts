import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { cookiesFrom, createMember, signIn, visitor } from "./support/login.ts";
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
