/**
 * Issue 14, item 2: prototype pollution. Every parser of nested keys — the client
 * API's query, form and JSON bodies (api/params.ts) and the pages' forms
 * (web/forms.ts, the CSRF check) — refuses `__proto__`, `constructor` and
 * `prototype` with a 400, and no input, however deep, wide or odd, answers 500 or
 * changes Object.prototype (a fast-check fuzz over the real routes).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { memberClient } from "./api-helpers.ts";
import { cookiesFrom, createMember, csrfFrom } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
let token: string;
let bea: { cookie: string; csrf: string };
before(async () => {
  node = await startTestNode({ host: "127.0.44.1" });
  token = (await memberClient(node, "ada")).token;
  await createMember(node, { username: "bea", password: "correct horse battery staple" });
  bea = await signInHere("bea", "correct horse battery staple");
});
after(() => node.close());

const request = (path: string, init: RequestInit = {}) =>
  node.node.app.request(new URL(path, node.url).href, init);
const formType = { "content-type": "application/x-www-form-urlencoded" };

/** Logs in through the login form, in-process (no pooled sockets to race on). */
async function signInHere(login: string, password: string) {
  const form = await request("/login");
  const start = cookiesFrom(form);
  const res = await request("/login", {
    method: "POST",
    headers: { cookie: start, ...formType },
    body: new URLSearchParams({ _csrf: csrfFrom(await form.text()), login, password }),
  });
  assert.equal(res.status, 303);
  const cookie = cookiesFrom(res, start);
  const home = await request("/", { headers: { cookie } });
  return { cookie, csrf: csrfFrom(await home.text()) };
}

/** A page form POSTed as bea: the CSRF token first, then the pairs as given. */
const postAsBea = (path: string, pairs: [string, string][]) =>
  request(path, {
    method: "POST",
    headers: { cookie: bea.cookie, ...formType },
    body: new URLSearchParams([["_csrf", bea.csrf], ...pairs]),
  });
const bearer = () => ({ authorization: `Bearer ${token}` });

/** Every name a fresh Object.prototype carries, to see nothing was added. */
const pristine = Object.getOwnPropertyNames(Object.prototype).sort();
function assertPrototypeClean() {
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), pristine);
  assert.equal(({} as Record<string, unknown>).x, undefined);
}

describe("the client API's parameter parser", () => {
  it("refuses __proto__[x] in a query string (the reported attack) with 400", async () => {
    const res = await request("/api/v1/timelines/public?__proto__[x]=1");
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: string }).error, /__proto__/);
    assertPrototypeClean();
  });

  it("refuses constructor[prototype][x] in a form body and __proto__ in JSON, at any depth", async () => {
    const form = await request("/api/v1/statuses", {
      method: "POST",
      headers: { ...bearer(), "content-type": "application/x-www-form-urlencoded" },
      body: "status=hi&constructor[prototype][x]=1",
    });
    assert.equal(form.status, 400);
    const json = await request("/api/v1/statuses", {
      method: "POST",
      headers: { ...bearer(), "content-type": "application/json" },
      body: '{"status":"hi","poll":{"options":[{"__proto__":{"x":1}}]}}',
    });
    assert.equal(json.status, 400);
    const multipart = new FormData();
    multipart.set("status", "hi");
    multipart.set("a[prototype]", "1");
    const parts = await request("/api/v1/statuses", {
      method: "POST",
      headers: bearer(),
      body: multipart,
    });
    assert.equal(parts.status, 400);
    assertPrototypeClean();
    // None of the refused requests wrote a post.
    const mine = await request("/api/v1/timelines/home", { headers: bearer() });
    assert.deepEqual(await mine.json(), []);
  });

  it("refuses keys nested too deep and JSON nested too deep with 400, not 500", async () => {
    const deepKey = `a${"[b]".repeat(50)}=1`;
    assert.equal((await request(`/api/v1/timelines/public?${deepKey}`)).status, 400);
    const deepJson = `{"status":"x","a":${"[".repeat(5000)}${"]".repeat(5000)}}`;
    const res = await request("/api/v1/statuses", {
      method: "POST",
      headers: { ...bearer(), "content-type": "application/json" },
      body: deepJson,
    });
    assert.equal(res.status, 400);
  });
});

describe("the pages' forms", () => {
  it("refuse a field named __proto__ or constructor with 400 and change nothing", async () => {
    for (const name of ["__proto__", "constructor", "prototype"]) {
      const res = await postAsBea("/settings/profile", [
        ["displayName", "Changed"],
        [name, "1"],
      ]);
      assert.equal(res.status, 400, name);
    }
    const profile = await request("/@bea");
    assert.doesNotMatch(await profile.text(), /Changed/);
    assertPrototypeClean();
  });
});

/** Names that parsers treat specially, mixed with arbitrary strings. */
const keyPart = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "", "0", "[", "]", "[]", "poll", "a"),
  fc.string({ maxLength: 12 }),
);
const bracketKey = fc
  .tuple(keyPart, fc.array(keyPart, { maxLength: 12 }))
  .map(([head, rest]) => head + rest.map((p) => `[${p}]`).join(""));
const pairs = fc.array(fc.tuple(bracketKey, fc.string({ maxLength: 20 })), {
  minLength: 1,
  maxLength: 40,
});
/** JSON of random depth and width, whose keys include the dangerous ones. */
const jsonBody = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.string({ maxLength: 8 }),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 5 }),
    fc.dictionary(keyPart, tie("value"), { maxKeys: 5 }),
  ),
})).value;

const routes = [
  { method: "GET", path: "/api/v1/timelines/public" },
  { method: "GET", path: "/api/v2/search" },
  { method: "POST", path: "/api/v1/statuses" },
  { method: "POST", path: "/api/v1/apps" },
  { method: "PATCH", path: "/api/v1/accounts/update_credentials" },
] as const;

describe("fuzz (fast-check)", () => {
  it("no query, form or JSON body answers 500 or touches Object.prototype", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.constantFrom("query", "form", "multipart", "json"),
        pairs,
        jsonBody,
        async (route, carrier, kv, json) => {
          const query = new URLSearchParams(kv);
          let path = route.path;
          const init: RequestInit = { method: route.method, headers: bearer() };
          if (carrier === "query" || route.method === "GET") path += `?${query}`;
          else if (carrier === "form") {
            init.headers = { ...bearer(), "content-type": "application/x-www-form-urlencoded" };
            init.body = query.toString();
          } else if (carrier === "multipart") {
            const form = new FormData();
            for (const [k, v] of kv) form.append(k, v);
            init.body = form;
          } else {
            init.headers = { ...bearer(), "content-type": "application/json" };
            init.body = JSON.stringify(json);
          }
          const res = await request(path, init);
          const text = await res.text();
          assert.ok(
            res.status < 500,
            `${route.method} ${path} → ${res.status}: ${text.slice(0, 300)}`,
          );
          assertPrototypeClean();
        },
      ),
      { numRuns: 300 },
    );
  });

  it("no page form answers 500 or touches Object.prototype", async () => {
    // The same way in, with good fields, is accepted: the fuzz reaches the handlers.
    const good = await postAsBea("/settings/profile", [
      ["displayName", "Bea"],
      ["language", "en"],
    ]);
    assert.equal(good.status, 303);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("/settings/profile", "/social/posts", "/login", "/social/filters"),
        pairs,
        async (path, kv) => {
          const res = await postAsBea(path, kv);
          const text = await res.text();
          assert.ok(res.status < 500, `POST ${path} answered ${res.status}: ${text.slice(0, 300)}`);
          assertPrototypeClean();
        },
      ),
      { numRuns: 150 },
    );
  });
});
