/**
 * Bad input through plain fetch: status codes and Mastodon's `{"error": "…"}`
 * bodies (never a 500), the consent page's edges, and signing up from an app
 * under each registration mode.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createOAuthAPIClient, createRestAPIClient } from "masto";
import { json, memberClient, REDIRECT, registerApp, statusOf } from "./api-helpers.ts";
import { signIn } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
let token: string;
const unknownId = "01900000-0000-7000-8000-000000000000";

before(async () => {
  node = await startTestNode({ host: "127.0.33.1" });
  token = (await memberClient(node, "ada")).token;
});
after(() => node.close());

async function call(
  method: string,
  path: string,
  options: { body?: string | FormData; type?: string; auth?: string | null } = {},
) {
  const headers: Record<string, string> = {};
  const auth = options.auth === undefined ? token : options.auth;
  if (auth) headers.authorization = `Bearer ${auth}`;
  if (options.type) headers["content-type"] = options.type;
  const res = await fetch(`${node.url}${path}`, { method, headers, body: options.body ?? null });
  const text = await res.text();
  let body: { error?: string } = {};
  try {
    body = JSON.parse(text) as { error?: string };
  } catch {}
  return { status: res.status, body, type: res.headers.get("content-type") ?? "" };
}

const asJson = (value: unknown) => ({ body: JSON.stringify(value), type: "application/json" });

describe("errors as Mastodon answers them", () => {
  const cases: [string, string, Parameters<typeof call>[2], number][] = [
    ["GET", "/api/v1/accounts/verify_credentials", { auth: null }, 401],
    ["GET", "/api/v1/accounts/verify_credentials", { auth: "not-a-token" }, 401],
    ["GET", "/api/v1/timelines/home", { auth: null }, 401],
    ["GET", `/api/v1/statuses/${unknownId}`, {}, 404],
    ["GET", "/api/v1/statuses/not-an-id", {}, 404],
    ["GET", `/api/v1/accounts/${unknownId}`, {}, 404],
    ["GET", "/api/v1/accounts/lookup?acct=nobody", {}, 404],
    ["GET", `/api/v1/polls/${unknownId}`, {}, 404],
    ["GET", `/api/v1/media/${unknownId}`, {}, 404],
    ["POST", `/api/v1/statuses/${unknownId}/favourite`, {}, 404],
    ["DELETE", `/api/v1/statuses/${unknownId}`, {}, 404],
    ["POST", `/api/v1/notifications/${unknownId}/dismiss`, {}, 404],
    ["GET", "/api/v1/no-such-endpoint", {}, 404],
    ["POST", "/api/v1/statuses", { body: "{not json", type: "application/json" }, 400],
    ["POST", "/api/v1/statuses", asJson({ status: "" }), 422],
    [
      "POST",
      "/api/v1/statuses",
      asJson({ status: "later", scheduled_at: "2099-01-01T00:00:00Z" }),
      422,
    ],
    ["POST", "/api/v1/statuses", asJson({ status: "hi", visibility: "everyone" }), 422],
    ["POST", "/api/v1/statuses", asJson({ status: 42 }), 422],
    ["POST", "/api/v1/statuses", asJson({ status: "x".repeat(6000) }), 422],
    [
      "POST",
      "/api/v1/statuses",
      asJson({ status: "poll", poll: { options: ["only one"], expires_in: 3600 } }),
      422,
    ],
    ["POST", "/api/v1/statuses", asJson({ status: "hi", media_ids: [unknownId] }), 422],
    ["POST", "/api/v1/statuses", asJson({ status: "hi", in_reply_to_id: unknownId }), 404],
    ["GET", "/api/v1/timelines/home?limit=lots", {}, 422],
    ["POST", `/api/v1/polls/${unknownId}/votes`, asJson({ choices: ["a"] }), 422],
    ["POST", "/api/v2/media", { body: new FormData() }, 422],
    ["POST", "/api/v1/lists", asJson({ title: "" }), 422],
    ["POST", "/api/v1/markers", asJson({}), 422],
    ["POST", "/api/v1/apps", asJson({ client_name: "x", redirect_uris: "not a uri" }), 422],
    [
      "POST",
      "/api/v1/apps",
      asJson({ client_name: "x", redirect_uris: REDIRECT, scopes: "read admin:everything" }),
      422,
    ],
    [
      "POST",
      "/oauth/token",
      {
        body: new URLSearchParams({
          grant_type: "client_credentials",
          client_id: "nope",
        }).toString(),
        type: "application/x-www-form-urlencoded",
      },
      401,
    ],
  ];
  for (const [method, path, options, status] of cases) {
    it(`${method} ${path.slice(0, 60)} ${options?.body ? String(options.body).slice(0, 40) : ""} → ${status}`, async () => {
      const res = await call(method, path, options);
      assert.equal(res.status, status, JSON.stringify(res.body));
      assert.match(res.type, /application\/json/);
      assert.equal(typeof res.body.error, "string");
    });
  }

  it("an uploaded file that is not an image is 422, and nothing is stored", async () => {
    const form = new FormData();
    form.set("file", new Blob(["just text"], { type: "image/png" }), "x.png");
    const res = await call("POST", "/api/v2/media", { body: form });
    assert.equal(res.status, 422);
    const rows = await node.node.db.db.selectFrom("uploads").select("id").execute();
    assert.equal(rows.length, 0);
  });
});

describe("browser apps", () => {
  it("get CORS answers, Link exposed, for the API and the token endpoint", async () => {
    for (const path of ["/api/v1/statuses", "/oauth/token"]) {
      const pre = await fetch(`${node.url}${path}`, {
        method: "OPTIONS",
        headers: { origin: "https://phanpy.example", "access-control-request-method": "POST" },
      });
      assert.equal(pre.status, 204, path);
      assert.equal(pre.headers.get("access-control-allow-origin"), "*");
      assert.match(pre.headers.get("access-control-allow-headers") ?? "", /Authorization/);
    }
    const res = await fetch(`${node.url}/api/v1/instance`);
    assert.match(res.headers.get("access-control-expose-headers") ?? "", /Link/);
  });
});

describe("the consent page", () => {
  it("sends a visitor to log in first, then back", async () => {
    const app = await registerApp(node);
    const path = `/oauth/authorize?response_type=code&client_id=${app.clientId}&redirect_uri=${encodeURIComponent(REDIRECT)}&scope=read`;
    const res = await fetch(`${node.url}${path}`, { redirect: "manual" });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), `/login?next=${encodeURIComponent(path)}`);
  });

  it("refuses an unknown app or redirect, a bad CSRF token, and reports a denial", async () => {
    const app = await registerApp(node);
    const session = await signIn(node, "ada", "correct horse battery");
    const bad = await session.get(
      `/oauth/authorize?response_type=code&client_id=${app.clientId}&redirect_uri=${encodeURIComponent("https://evil.example/")}`,
    );
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /redirect address does not match/);
    const form = {
      client_id: app.clientId ?? "",
      redirect_uri: REDIRECT,
      scope: "read",
      state: "s",
      decision: "approve",
    };
    const forged = await session.post("/oauth/authorize", { ...form, _csrf: "forged" });
    assert.equal(forged.status, 403);
    const denied = await session.post("/oauth/authorize", { ...form, decision: "deny" });
    assert.equal(denied.status, 303);
    const back = new URL(denied.headers.get("location") ?? "");
    assert.equal(back.searchParams.get("error"), "access_denied");
    assert.equal(back.searchParams.get("state"), "s");
  });
});

describe("signing up from an app", () => {
  async function appClient() {
    const app = await registerApp(node);
    const oauth = createOAuthAPIClient({ url: node.url });
    const t = await oauth.token.create({
      grantType: "client_credentials",
      clientId: app.clientId ?? "",
      clientSecret: app.clientSecret ?? "",
      redirectUri: REDIRECT,
      scope: "read write",
    });
    return createRestAPIClient({ url: node.url, accessToken: t.accessToken });
  }

  it("open: returns a working token", async () => {
    const client = await appClient();
    const t = await client.v1.accounts.create({
      username: "newbie",
      email: "newbie@example.test",
      password: "long enough pw",
      agreement: true,
      locale: "en",
    });
    const me = createRestAPIClient({ url: node.url, accessToken: t.accessToken });
    assert.equal((await me.v1.accounts.verifyCredentials()).username, "newbie");
  });

  it("bad input is 422 with details; no agreement is 422", async () => {
    const client = await appClient();
    await assert.rejects(
      client.v1.accounts.create({
        username: "newbie",
        email: "x@example.test",
        password: "long enough pw",
        agreement: true,
        locale: "en",
      }),
      (e) => statusOf(e) === 422,
    );
    await assert.rejects(
      client.v1.accounts.create({
        username: "other",
        email: "o@example.test",
        password: "long enough pw",
        agreement: false,
        locale: "en",
      }),
      (e) => statusOf(e) === 422,
    );
  });

  it("approval: the account waits and its token does not work yet; closed: 403", async () => {
    const client = await appClient();
    await node.node.coop.update({ registration: "approval" });
    const res = await fetch(`${node.url}/api/v1/accounts`, {
      method: "POST",
      headers: { authorization: `Bearer ${await appToken()}`, "content-type": "application/json" },
      body: JSON.stringify({
        username: "waiting",
        email: "w@example.test",
        password: "long enough pw",
        agreement: true,
        reason: "I live here",
      }),
    });
    assert.equal(res.status, 200);
    const body = await json(res);
    assert.ok(body.access_token);
    const me = await fetch(`${node.url}/api/v1/accounts/verify_credentials`, {
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    assert.equal(me.status, 403);
    assert.match((await json(me)).error ?? "", /pending approval/);
    await node.node.coop.update({ registration: "closed" });
    await assert.rejects(
      client.v1.accounts.create({
        username: "late",
        email: "l@example.test",
        password: "long enough pw",
        agreement: true,
        locale: "en",
      }),
      (e) => statusOf(e) === 403,
    );
    await node.node.coop.update({ registration: "open" });
  });

  async function appToken() {
    const app = await registerApp(node);
    const res = await fetch(`${node.url}/oauth/token`, {
      method: "POST",
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: app.clientId ?? "",
        client_secret: app.clientSecret ?? "",
        scope: "write",
      }),
    });
    return (await json(res)).access_token ?? "";
  }
});
