import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createMember, signIn } from "../../test/support/login.ts";
import { startTestNode, type TestNode } from "../../test/support/node.ts";
import { createAccount } from "../accounts/accounts.ts";
import { memberMenu, menu } from "./layout.ts";

let t: TestNode;
before(async () => {
  t = await startTestNode();
});
after(() => t.close());

test("the front page has landmarks, a skip link, the five pillars and groups", async () => {
  const res = await fetch(`${t.url}/`);
  assert.equal(res.status, 200);
  const page = await res.text();
  assert.match(page, /<html lang="en">/);
  assert.match(page, /<a class="skip" href="#main">/);
  for (const landmark of ["<header", "<nav aria-label=", '<main id="main"', "<footer"])
    assert.ok(page.includes(landmark), landmark);
  for (const p of menu) assert.ok(page.includes(`href="${p.path}"`), p.path);
});

test("every pillar has a page, even while it is empty", async () => {
  for (const p of menu) {
    const res = await fetch(`${t.url}${p.path}`);
    assert.equal(res.status, 200, p.path);
    assert.match(await res.text(), new RegExp(`href="${p.path}" aria-current="page"`));
  }
});

test("members find the opsroom in the main menu, marked current there, in English and Spanish", async () => {
  const visitorPage = await (await fetch(`${t.url}/economy`)).text();
  assert.doesNotMatch(visitorPage, /href="\/opsroom"/, "a visitor has no opsroom to go to");
  await createMember(t, { username: "menu_ana", password: "a long enough password" });
  const ana = await signIn(t, "menu_ana", "a long enough password");
  const nav = (page: string) => /<nav aria-label="[^"]*">([\s\S]*?)<\/nav>/.exec(page)?.[1] ?? "";
  const economy = nav(await (await ana.get("/economy")).text());
  for (const p of [...menu, ...memberMenu]) assert.ok(economy.includes(`href="${p.path}"`), p.path);
  assert.match(economy, /<a href="\/opsroom">Opsroom<\/a>/);
  const opsroom = await ana.get("/opsroom");
  assert.equal(opsroom.status, 200);
  const opsNav = nav(await opsroom.text());
  assert.match(opsNav, /<a href="\/opsroom" aria-current="page">Opsroom<\/a>/);
  assert.equal(opsNav.match(/aria-current/g)?.length, 1, "only the opsroom is current");
  // A member who chose Spanish reads it in Spanish.
  const made = await createAccount(
    t.node.db.db,
    {
      username: "menu_eva",
      email: "eva@example.test",
      password: "a long enough password",
      role: "member",
      language: "es",
    },
    { passwordCost: t.node.config.passwordCost },
  );
  assert.ok(made.ok);
  const eva = await signIn(t, "menu_eva", "a long enough password");
  assert.match(
    nav(await (await eva.get("/opsroom")).text()),
    /aria-current="page">Sala de operaciones<\/a>/,
  );
});

test("Accept-Language picks Spanish", async () => {
  const page = await (
    await fetch(`${t.url}/economy`, { headers: { "accept-language": "es-ES,es;q=0.9" } })
  ).text();
  assert.match(page, /<html lang="es">/);
  assert.match(page, /<h1>Economía<\/h1>/);
});

test("an unknown page is a 404 page for people and JSON for the API", async () => {
  const page = await fetch(`${t.url}/no/such/page`);
  assert.equal(page.status, 404);
  assert.match(await page.text(), /There is no page at this address/);
  const api = await fetch(`${t.url}/api/v1/nothing`);
  assert.equal(api.status, 404);
  // The client API answers as Mastodon does.
  assert.deepEqual(await api.json(), { error: "Record not found" });
  const other = await fetch(`${t.url}/no/such/page`, { headers: { accept: "application/json" } });
  assert.equal(other.status, 404);
  assert.deepEqual(await other.json(), { error: "There is no page at this address." });
});

test("an oversized body is refused with 413 before it is read", async () => {
  const res = await fetch(`${t.url}/`, { method: "POST", body: new Uint8Array(11 * 1024 * 1024) });
  assert.equal(res.status, 413);
  const text = await res.text();
  assert.match(text, /too large/);
  assert.doesNotMatch(text, /at .*\.ts:\d+/);
});

test("the stylesheet is cached for good and security headers are set", async () => {
  const page = await (await fetch(`${t.url}/`)).text();
  const href = /<link rel="stylesheet" href="([^"]+)"/.exec(page)?.[1];
  assert.ok(href);
  const css = await fetch(`${t.url}${href}`);
  assert.equal(css.status, 200);
  assert.match(css.headers.get("cache-control") ?? "", /immutable/);
  assert.match(css.headers.get("content-type") ?? "", /text\/css/);
  const res = await fetch(`${t.url}/`);
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  assert.ok(res.headers.get("x-frame-options"));
});
