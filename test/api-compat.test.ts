/**
 * What real clients found missing (issue 15, items 9, 12, 13, 15, 16): trailing
 * slashes, filters in the page's query (only_media, remote), the 4.3 batch reads
 * and link timeline, instance languages and domain blocks, NodeInfo 2.0, /health,
 * OAuth server metadata, CORS for browser apps, and the login popup's opener policy.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { mastodon } from "masto";
import sharp from "sharp";
import { newId } from "../src/kernel/ids.ts";
import { json, memberClient, registerApp } from "./api-helpers.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
let ada: mastodon.rest.Client;
let adaToken: string;

before(async () => {
  node = await startTestNode({ host: "127.0.151.1" });
  const a = await memberClient(node, "ada");
  ada = a.client;
  adaToken = a.token;
});
after(() => node.close());

const png = () =>
  sharp({ create: { width: 8, height: 6, channels: 3, background: "#3c3" } })
    .png()
    .toBuffer();

describe("a trailing slash is the same route (as Mastodon)", () => {
  it("answers GET, keeps the query, and takes POST bodies", async () => {
    const instance = await fetch(`${node.url}/api/v1/instance/`);
    assert.equal(instance.status, 200);
    assert.equal((await json(instance)).uri, node.domain);
    await ada.v1.statuses.create({ status: "slash one" });
    await ada.v1.statuses.create({ status: "slash two" });
    const page = await fetch(`${node.url}/api/v1/timelines/public/?limit=1`);
    assert.equal(page.status, 200);
    assert.equal(((await page.json()) as unknown[]).length, 1, "the query survives the slash");
    const app = await fetch(`${node.url}/api/v1/apps/`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ client_name: "Slashed", redirect_uris: "urn:ietf:wg:oauth:2.0:oob" }),
    });
    assert.equal(app.status, 200);
    assert.equal((await json(app)).name, "Slashed");
    const authorize = await fetch(
      `${node.url}/oauth/authorize/?response_type=code&client_id=x&redirect_uri=y`,
      { redirect: "manual" },
    );
    assert.notEqual(authorize.status, 404);
    // ActivityPub documents and WebFinger too.
    const actor = await fetch(`${node.url}/users/ada/`, {
      headers: { accept: "application/activity+json" },
    });
    assert.equal(actor.status, 200);
    assert.equal((await json(actor)).preferredUsername, "ada");
    const finger = await fetch(
      `${node.url}/.well-known/webfinger/?resource=acct:ada@${encodeURIComponent(node.domain)}`,
    );
    assert.equal(finger.status, 200);
    // An unknown path is still unknown, with or without the slash.
    assert.equal((await fetch(`${node.url}/api/v1/nothing-here/`)).status, 404);
  });
});

describe("filters are part of the page's query", () => {
  it("only_media fills a page of public, tag and account timelines", async () => {
    const withMedia = [];
    for (let i = 0; i < 3; i++) {
      const media = await ada.v2.media.create({
        file: new Blob([await png()], { type: "image/png" }),
      });
      withMedia.push(
        await ada.v1.statuses.create({ status: `pic ${i} #pics`, mediaIds: [media.id] }),
      );
    }
    // Newer text posts would have filled the first page read before filtering.
    for (let i = 0; i < 45; i++) await ada.v1.statuses.create({ status: `words ${i} #pics` });
    const expected = withMedia
      .map((s) => s.id)
      .reverse()
      .slice(0, 2);
    const pub = await ada.v1.timelines.public.list({ onlyMedia: true, limit: 2 });
    assert.deepEqual(
      pub.map((s) => s.id),
      expected,
    );
    const tag = await ada.v1.timelines.tag.$select("pics").list({ onlyMedia: true, limit: 2 });
    assert.deepEqual(
      tag.map((s) => s.id),
      expected,
    );
    const me = await ada.v1.accounts.verifyCredentials();
    const own = await ada.v1.accounts.$select(me.id).statuses.list({ onlyMedia: true, limit: 2 });
    assert.deepEqual(
      own.map((s) => s.id),
      expected,
    );
    // The next page carries on where the first stopped.
    const next = await ada.v1.timelines.public.list({
      onlyMedia: true,
      limit: 2,
      maxId: expected[1],
    });
    assert.deepEqual(
      next.map((s) => s.id),
      [withMedia[0]?.id],
    );
  });

  it("remote keeps to other servers' posts, read in the query", async () => {
    const db = node.node.db.db;
    const now = new Date().toISOString();
    const remoteId = newId();
    const uri = "https://far.example/users/zed";
    await db
      .insertInto("remote_actors")
      .values({
        id: remoteId,
        uri,
        handle: "zed@far.example",
        type: "Person",
        username: "zed",
        host: "far.example",
        url: null,
        avatar_url: null,
        inbox_url: `${uri}/inbox`,
        shared_inbox_url: null,
        followers_url: null,
        following_url: null,
        fetched_at: now,
        created_at: now,
      })
      .execute();
    const postId = newId();
    await db
      .insertInto("posts")
      .values({
        id: postId,
        uri: `${uri}/statuses/1`,
        url: null,
        author_uri: uri,
        author_account_id: null,
        author_remote_id: remoteId,
        local: 0,
        visibility: "public",
        in_reply_to_id: null,
        in_reply_to_uri: null,
        thread_id: postId,
        reblog_of_id: null,
        content_html: "<p>from afar</p>",
        language: null,
        created_at: now,
        edited_at: null,
        deleted_at: null,
      })
      .execute();
    for (let i = 0; i < 45; i++) await ada.v1.statuses.create({ status: `local ${i}` });
    const remote = await ada.v1.timelines.public.list({ remote: true, limit: 1 });
    assert.deepEqual(
      remote.map((s) => s.id),
      [postId],
    );
  });
});

describe("a list timeline is read in one query", () => {
  it("comes back full however many other posts are newer in home", async () => {
    const lister = await memberClient(node, "lister");
    const inList = await memberClient(node, "inlist", lister.app);
    const chatty = await memberClient(node, "chatty", lister.app);
    await lister.client.v1.accounts.$select(inList.id).follow();
    await lister.client.v1.accounts.$select(chatty.id).follow();
    const list = await lister.client.v1.lists.create({ title: "Close" });
    await lister.client.v1.lists.$select(list.id).accounts.create({ accountIds: [inList.id] });
    const wanted = await inList.client.v1.statuses.create({ status: "for the list" });
    // More newer posts than the old five pages of forty the list used to read through.
    for (let i = 0; i < 205; i++) await chatty.client.v1.statuses.create({ status: `noise ${i}` });
    const page = await lister.client.v1.timelines.list.$select(list.id).list({ limit: 1 });
    assert.deepEqual(
      page.map((s) => s.id),
      [wanted.id],
    );
    const res = await fetch(`${node.url}/api/v1/timelines/list/${list.id}`, {
      headers: { authorization: `Bearer ${adaToken}` },
    });
    assert.equal(res.status, 404, "someone else's list");
  });
});

describe("home pages newer than a cursor", () => {
  it("leave out suspended authors in the query, so min_id pages come back full", async () => {
    const reader = await memberClient(node, "reader");
    const liked = await memberClient(node, "liked", reader.app);
    const suspended = await memberClient(node, "suspended", reader.app);
    await reader.client.v1.accounts.$select(liked.id).follow();
    await reader.client.v1.accounts.$select(suspended.id).follow();
    const cursor = await liked.client.v1.statuses.create({ status: "the cursor" });
    for (let i = 0; i < 3; i++)
      await suspended.client.v1.statuses.create({ status: `suspended ${i}` });
    const wanted = await liked.client.v1.statuses.create({ status: "after the noise" });
    // A moderator's suspension (actor_limits) keeps the feed rows but hides the posts.
    await node.node.db.db
      .insertInto("actor_limits")
      .values({
        actor_uri: `${node.url}/users/suspended`,
        level: "suspend",
        created_at: "2026-01-01",
      })
      .execute();
    const page = await reader.client.v1.timelines.home.list({ minId: cursor.id, limit: 1 });
    assert.deepEqual(
      page.map((s) => s.id),
      [wanted.id],
    );
    const since = await reader.client.v1.timelines.home.list({ sinceId: cursor.id, limit: 5 });
    assert.deepEqual(
      since.map((s) => s.id),
      [wanted.id],
    );
  });
});

describe("Mastodon 4.3's batch reads and link timeline", () => {
  it("reads statuses and accounts by id, in order, capped, unknown ids left out", async () => {
    const a = await ada.v1.statuses.create({ status: "first of two" });
    const b = await ada.v1.statuses.create({ status: "second of two" });
    const secret = await ada.v1.statuses.create({ status: "only me", visibility: "direct" });
    const res = await fetch(
      `${node.url}/api/v1/statuses?id[]=${b.id}&id[]=nope&id[]=${a.id}&id[]=${secret.id}`,
    );
    const got = (await res.json()) as { id: string }[];
    assert.deepEqual(
      got.map((s) => s.id),
      [b.id, a.id],
      "a direct post is not shown to an anonymous reader",
    );
    const mine = await fetch(`${node.url}/api/v1/statuses?id[]=${secret.id}`, {
      headers: { authorization: `Bearer ${adaToken}` },
    });
    assert.equal(((await mine.json()) as unknown[]).length, 1);
    const many = Array.from({ length: 30 }, () => `id[]=${a.id}`).join("&");
    assert.equal(
      (
        (await (
          await fetch(`${node.url}/api/v1/statuses?${many}&id[]=${b.id}`)
        ).json()) as unknown[]
      ).length,
      2,
    );
    const me = await ada.v1.accounts.verifyCredentials();
    const accounts = await fetch(`${node.url}/api/v1/accounts?id[]=${me.id}&id[]=999`);
    assert.deepEqual(
      ((await accounts.json()) as { username: string }[]).map((x) => x.username),
      ["ada"],
    );
  });

  it("lists public posts that link to an address", async () => {
    const link = "https://news.example/story?a=1&b=2";
    const linking = await ada.v1.statuses.create({ status: `read this ${link}` });
    await ada.v1.statuses.create({ status: "read https://news.example/other" });
    const res = await fetch(`${node.url}/api/v1/timelines/link?url=${encodeURIComponent(link)}`);
    assert.equal(res.status, 200);
    assert.deepEqual(
      ((await res.json()) as { id: string }[]).map((s) => s.id),
      [linking.id],
    );
    const bad = await fetch(`${node.url}/api/v1/timelines/link?url=javascript:alert(1)`);
    assert.equal(bad.status, 422);
    const wild = await fetch(
      `${node.url}/api/v1/timelines/link?url=${encodeURIComponent("https://%")}`,
    );
    assert.deepEqual(await wild.json(), [], "LIKE wildcards are matched literally");
  });
});

describe("instance documents apps read", () => {
  it("reports 4.3.0 and lists languages; domain blocks are hidden by default", async () => {
    const v1 = await json(await fetch(`${node.url}/api/v1/instance`));
    assert.match(v1.version ?? "", /^4\.3\.0/);
    const v2 = await json(await fetch(`${node.url}/api/v2/instance`));
    assert.match(v2.version ?? "", /^4\.3\.0/);
    const languages = (await (await fetch(`${node.url}/api/v1/instance/languages`)).json()) as {
      code: string;
      name: string;
    }[];
    assert.deepEqual(
      languages.find((l) => l.code === "es"),
      { code: "es", name: "Spanish" },
    );
    assert.equal((await fetch(`${node.url}/api/v1/instance/domain_blocks`)).status, 404);
  });

  it("shows domain blocks when the admin says so", async () => {
    const open = await startTestNode({
      host: "127.0.151.2",
      env: { SYNCO_SHOW_DOMAIN_BLOCKS: "all" },
    });
    try {
      await open.node.db.db
        .insertInto("domain_policies")
        .values([
          { domain: "bad.example", policy: "suspend", reason: "spam", created_at: "2026-01-01" },
          { domain: "ok.example", policy: "allow", reason: "", created_at: "2026-01-01" },
        ])
        .execute();
      const res = await fetch(`${open.url}/api/v1/instance/domain_blocks`);
      assert.equal(res.status, 200);
      const blocks = (await res.json()) as Record<string, unknown>[];
      assert.equal(blocks.length, 1);
      assert.equal(blocks[0]?.domain, "bad.example");
      assert.equal(blocks[0]?.severity, "suspend");
      assert.equal(blocks[0]?.comment, "spam");
      assert.match(String(blocks[0]?.digest), /^[0-9a-f]{64}$/);
    } finally {
      await open.close();
    }
  });

  it("serves NodeInfo 2.0 beside 2.1, /health, and OAuth server metadata", async () => {
    const index = (await (await fetch(`${node.url}/.well-known/nodeinfo`)).json()) as {
      links: { rel: string; href: string }[];
    };
    assert.deepEqual(
      index.links.map((l) => l.href),
      [`${node.url}/nodeinfo/2.0`, `${node.url}/nodeinfo/2.1`],
    );
    const two = (await (await fetch(`${node.url}/nodeinfo/2.0`)).json()) as Record<string, unknown>;
    assert.equal(two.version, "2.0");
    assert.deepEqual(two.software, { name: "synco", version: "0.1.0" });
    const health = await fetch(`${node.url}/health`);
    assert.equal(health.status, 200);
    const meta = (await (
      await fetch(`${node.url}/.well-known/oauth-authorization-server`)
    ).json()) as Record<string, unknown>;
    assert.equal(meta.issuer, `${node.url}/`);
    assert.equal(meta.authorization_endpoint, `${node.url}/oauth/authorize`);
    assert.equal(meta.token_endpoint, `${node.url}/oauth/token`);
    assert.equal(meta.app_registration_endpoint, `${node.url}/api/v1/apps`);
    assert.deepEqual(meta.code_challenge_methods_supported, ["S256"]);
    assert.ok((meta.scopes_supported as string[]).includes("read:statuses"));
    assert.ok((meta.grant_types_supported as string[]).includes("authorization_code"));
  });
});

describe("browser apps", () => {
  it("may read discovery documents, the API and tokens from another origin (CORS)", async () => {
    const origin = { origin: "https://app.example" };
    for (const path of [
      "/.well-known/nodeinfo",
      "/nodeinfo/2.1",
      "/nodeinfo/2.0",
      "/.well-known/host-meta",
      "/.well-known/host-meta.json",
      `/.well-known/webfinger?resource=acct:ada@${node.domain}`,
      "/.well-known/oauth-authorization-server",
      "/api/v1/instance",
      "/api/v2/instance",
    ]) {
      const res = await fetch(`${node.url}${path}`, { headers: origin });
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get("access-control-allow-origin"), "*", path);
    }
    for (const path of ["/oauth/token", "/oauth/revoke", "/api/v1/statuses"]) {
      const pre = await fetch(`${node.url}${path}`, {
        method: "OPTIONS",
        headers: {
          ...origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "authorization, content-type",
        },
      });
      assert.equal(pre.status, 204, path);
      assert.equal(pre.headers.get("access-control-allow-origin"), "*", path);
      assert.match(pre.headers.get("access-control-allow-methods") ?? "", /POST/);
    }
    // The pages are not opened to other origins.
    const page = await fetch(`${node.url}/login`, { headers: origin });
    assert.equal(page.headers.get("access-control-allow-origin"), null);
  });

  it("keeps the login popup attached to the app (opener policy)", async () => {
    const registered = await registerApp(node);
    const query = new URLSearchParams({
      response_type: "code",
      client_id: registered.clientId ?? "",
      redirect_uri: "https://app.example/callback",
      scope: "read",
    });
    const authorize = await fetch(`${node.url}/oauth/authorize?${query}`, { redirect: "manual" });
    assert.equal(authorize.headers.get("cross-origin-opener-policy"), "unsafe-none");
    const login = await fetch(`${node.url}/login`);
    assert.equal(login.headers.get("cross-origin-opener-policy"), "unsafe-none");
    // Every other page keeps same-origin.
    const home = await fetch(`${node.url}/`);
    assert.equal(home.headers.get("cross-origin-opener-policy"), "same-origin");
  });
});
