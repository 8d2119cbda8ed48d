/**
 * The pages and the client API are imported on their first request (src/lazy-area.ts,
 * src/page-areas.ts): every route of every area lies under its area's paths, one
 * page of each area answers as before, with what the node's middleware set (the
 * viewer, the locale, the CSRF check's reading of the form), and the metrics count
 * the area's route pattern; a path no area has is still the 404 page.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  articleVisitorArea,
  assetArea,
  feedArea,
  newsletterLinkArea,
  pageAreas,
} from "../src/page-areas.ts";
import { stylesheetPath } from "../src/web/static.ts";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

const TOKEN = "metrics-token-".padEnd(40, "m");
let node: TestNode;
let member: SignedIn;

before(async () => {
  node = await startTestNode({ host: "127.0.224.7", env: { SYNCO_METRICS_TOKEN: TOKEN } });
  await createMember(node, { username: "lia", password: "long enough" });
  member = await signIn(node, "lia", "long enough");
});
after(() => node.close());

/** A path a route pattern answers: each parameter given a value its pattern accepts. */
function samplePath(pattern: string): string {
  return pattern
    .replace(/:handle\{@\[\^\/@\]\+@[^}]*\}/g, "@ana@example.org")
    .replace(/:handle\{@[^}]*\}/g, "@ana")
    .replace(/:file\{feed[^}]*\}/g, "feed.rss")
    .replace(/:[A-Za-z]+(\{[^}]*\})?/g, "x1")
    .replace(/\*/g, "any");
}

test("one page of each area answers after its lazy mount, with the session's viewer", async () => {
  for (const path of [
    "/",
    "/social",
    "/notifications",
    "/groups",
    "/decisions",
    "/budgets",
    "/economy",
    "/opsroom",
    "/commons",
    "/network",
    "/media",
    "/publications/new",
    "/settings",
    "/settings/moving",
    "/@lia",
    "/search",
  ]) {
    const res = await member.get(path);
    const body = await res.text();
    assert.equal(res.status, 200, `${path}: ${res.status}`);
    // The viewer the session middleware set reached the page (its menu names her).
    assert.match(body, /lia/, `${path} shows the signed-in member`);
  }
  const api = await fetch(`${node.url}/api/v1/accounts/lookup?acct=lia`);
  assert.equal(api.status, 200);
  assert.equal(((await api.json()) as { username: string }).username, "lia");
});

test("a lazily loaded page gets the locale, and a path no area has is the 404 page", async () => {
  const es = await fetch(`${node.url}/login`, { headers: { "accept-language": "es" } });
  assert.equal(es.status, 200);
  assert.match(await es.text(), /lang="es"/);
  const missing = await member.get("/no-such-area/at-all");
  assert.equal(missing.status, 404);
  assert.match(missing.headers.get("content-type") ?? "", /text\/html/);
});

test("a form the CSRF check has read reaches the lazily loaded handler; a wrong token is refused", async () => {
  const refused = await member.post("/settings/profile", {
    _csrf: "wrong",
    displayName: "Lia",
    language: "en",
  });
  assert.equal(refused.status, 403);
  const saved = await member.post("/settings/profile", { displayName: "Lia Lazy", language: "en" });
  assert.ok(saved.status < 400, `saved: ${saved.status} ${await saved.text()}`);
  const profile = await (await member.get("/settings")).text();
  assert.match(profile, /Lia Lazy/);
});

test("the metrics count a lazily loaded page by its route pattern", async () => {
  await member.get("/groups");
  const metrics = await (
    await fetch(`${node.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
  ).text();
  assert.match(metrics, /route="\/groups"/);
});

test("a kept actor document and WebFinger go out with the CORS and security headers of the first answer", async () => {
  for (const [path, accept] of [
    ["/users/lia", "application/activity+json"],
    [`/.well-known/webfinger?resource=acct:lia@${node.domain}`, "application/jrd+json"],
  ] as const) {
    const answers = [];
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${node.url}${path}`, { headers: { accept } });
      answers.push({
        status: res.status,
        headers: new Headers(res.headers),
        body: await res.text(),
      });
    }
    const [first, ...kept] = answers;
    assert.ok(first);
    assert.equal(first.status, 200, path);
    for (const answer of kept) {
      assert.equal(answer.status, 200);
      assert.equal(answer.body, first.body);
      for (const header of [
        "content-type",
        "access-control-allow-origin",
        "x-content-type-options",
        "content-security-policy",
      ])
        assert.equal(answer.headers.get(header), first.headers.get(header), `${path}: ${header}`);
      assert.equal(answer.headers.get("access-control-allow-origin"), "*");
      // Each answer has its own request id, never the kept one's.
      assert.match(answer.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
      assert.notEqual(answer.headers.get("x-request-id"), first.headers.get("x-request-id"));
    }
  }
});

test("every route of every area lies under the paths its area is asked for", async () => {
  const p = node.node.areas;
  const areas = [
    feedArea(p),
    articleVisitorArea(p),
    assetArea(p),
    newsletterLinkArea(p),
    ...pageAreas(p),
  ];
  let routes = 0;
  for (const area of areas) {
    const app = await area.build();
    for (const route of app.routes) {
      const path = samplePath(route.path);
      routes++;
      assert.ok(area.covers(path), `${area.name}: ${route.method} ${route.path} (${path})`);
    }
  }
  assert.ok(routes > 300, `only ${routes} routes`);
});

test("the stylesheet is answered before the session layer: a stale session cookie is not even looked up", async () => {
  const stale = { cookie: "synco_session=no-such-session" };
  const res = await fetch(`${node.url}${stylesheetPath}`, { headers: stale });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/css/);
  // Not looked up, so not cleared: the answer carries no cookie and stays cacheable.
  assert.equal(res.headers.get("set-cookie"), null);
  await res.text();
  // A page does look it up (and, finding no session, gives the visitor a pre-session cookie).
  const page = await fetch(`${node.url}/login`, { headers: stale });
  assert.match(page.headers.get("set-cookie") ?? "", /synco_(?:session|csrf)=/);
  await page.text();
});
