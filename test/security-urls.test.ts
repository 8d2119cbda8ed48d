/**
 * Issue 14, item 4: stored XSS through a remote document's URLs. A remote actor
 * whose `url` and `icon` are `javascript:` URLs, and a post of theirs whose `url`
 * and image are, arrive through the real inbox: only http(s) URLs are stored.
 * Rows stored before the check (written here directly) are never linked as they
 * are, the migration clears them, every page carries a strict
 * Content-Security-Policy, and no href/src/action in src/web starts with anything
 * but a literal or safeUrl().
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { up as clearNonHttpUrls } from "../src/db/migrations/0013_http_urls_only.ts";
import { waitFor } from "../src/federation/testing.ts";
import { httpUrlOrNull, localPathOrNull } from "../src/kernel/safe-url.ts";
import { safeUrl } from "../src/web/safe-url.ts";
import { createMember } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";
import { type RemoteActor, startRemoteActor } from "./support/remote-actor.ts";

const EVIL = "javascript:fetch('/settings').then(r=>r.text()).then(alert)";
let node: TestNode;
let remote: RemoteActor;
let stopWorker: () => Promise<void>;
const db = () => node.node.db.db;

before(async () => {
  remote = await startRemoteActor("127.0.45.9", "mallory", {
    url: EVIL,
    icon: { type: "Image", url: "javascript:alert(1)" },
  });
  node = await startTestNode({ host: "127.0.45.1" });
  stopWorker = await node.node.startWorker();
  await createMember(node, { username: "ann", password: "long enough" });
});
after(async () => {
  await stopWorker?.();
  await node?.close();
  remote?.close();
});

const page = (path: string) => node.node.app.request(new URL(path, node.url).href);

describe("URLs in remote documents", () => {
  it("only http(s) ones are stored from an actor and a post that arrive", async () => {
    const activity = {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${remote.id}/activities/1`,
      type: "Create",
      actor: remote.id,
      object: {
        id: `${remote.id}/notes/1`,
        type: "Note",
        attributedTo: remote.id,
        url: EVIL,
        content: "<p>hello @ann</p>",
        to: "https://www.w3.org/ns/activitystreams#Public",
        tag: [
          { type: "Mention", href: `${node.url}/users/ann`, name: "@ann" },
          { type: "Mention", href: "javascript:alert(5)", name: "@x" },
        ],
        attachment: [
          { type: "Document", mediaType: "image/png", url: "javascript:alert(2)" },
          { type: "Document", mediaType: "image/png", url: `${remote.url}/a.png` },
        ],
      },
    };
    const res = await fetch(await remote.signed(`${node.url}/inbox`, activity));
    assert.equal(res.status, 202);
    const post = await waitFor("the post is stored", () =>
      db().selectFrom("posts").selectAll().where("uri", "=", activity.object.id).executeTakeFirst(),
    );
    assert.equal(post.url, null);
    const actor = await db()
      .selectFrom("remote_actors")
      .selectAll()
      .where("uri", "=", remote.id)
      .executeTakeFirstOrThrow();
    assert.equal(actor.url, null);
    assert.equal(actor.avatar_url, null);
    const media = await db()
      .selectFrom("post_media")
      .select("remote_url")
      .where("post_id", "=", post.id)
      .execute();
    assert.deepEqual(
      media.map((m) => m.remote_url),
      [`${remote.url}/a.png`],
    );
    const mentions = await db()
      .selectFrom("post_mentions")
      .select("actor_uri")
      .where("post_id", "=", post.id)
      .execute();
    assert.deepEqual(
      mentions.map((m) => m.actor_uri),
      [`${node.url}/users/ann`],
    );
  });

  it("rows stored before the check are rendered without their javascript: URLs", async () => {
    const post = await db()
      .selectFrom("posts")
      .select("id")
      .where("uri", "=", `${remote.id}/notes/1`)
      .executeTakeFirstOrThrow();
    await db()
      .updateTable("remote_actors")
      .set({ url: EVIL, avatar_url: "javascript:alert(3)" })
      .where("uri", "=", remote.id)
      .execute();
    await db()
      .updateTable("post_media")
      .set({ remote_url: "javascript:alert(4)" })
      .where("post_id", "=", post.id)
      .execute();
    for (const path of [`/posts/${post.id}`, "/social/federated", `/network?q=${remote.id}`]) {
      const res = await page(path);
      const text = await res.text();
      assert.ok(res.status < 500, `${path}: ${res.status}`);
      assert.doesNotMatch(text, /(href|src|action)="\s*javascript:/i, path);
    }
    const thread = await (await page(`/posts/${post.id}`)).text();
    assert.match(thread, /class="post-author"/);
  });

  it("the migration clears non-http(s) URLs stored before", async () => {
    await clearNonHttpUrls(db());
    const actor = await db()
      .selectFrom("remote_actors")
      .select(["url", "avatar_url"])
      .where("uri", "=", remote.id)
      .executeTakeFirstOrThrow();
    assert.deepEqual(actor, { url: null, avatar_url: null });
    const bad = await db()
      .selectFrom("post_media")
      .select("id")
      .where("remote_url", "like", "javascript:%")
      .execute();
    assert.equal(bad.length, 0);
  });
});

describe("the URL helpers", () => {
  it("keep http(s) and local paths, nothing else", () => {
    assert.equal(httpUrlOrNull("https://a.example/x"), "https://a.example/x");
    for (const bad of [
      EVIL,
      "JaVaScRiPt:alert(1)",
      "data:text/html,x",
      "/local",
      "//a.example",
      "",
    ])
      assert.equal(httpUrlOrNull(bad), null, bad);
    assert.equal(safeUrl("/@ann"), "/@ann");
    assert.equal(safeUrl("http://a.example/"), "http://a.example/");
    for (const bad of [
      EVIL,
      " javascript:x",
      "\tjavascript:x",
      "//evil.example",
      "/\\evil.example",
    ])
      assert.equal(safeUrl(bad), "#", bad);
    assert.equal(localPathOrNull("/\t/evil.example"), null);
  });

  it("every href, src and action in src/web that starts with an expression goes through safeUrl()", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (path.endsWith(".ts") && !path.endsWith(".test.ts")) files.push(path);
      }
    };
    walk("src/web");
    const offenders = files.flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(/\b(href|src|action)=["']?\$\{(?!safeUrl\()/g)].map(
        (m) => `${file}: ${m[0]}`,
      ),
    );
    assert.deepEqual(offenders, []);
    // A same-origin <script src> (allowed by script-src 'self') and a JSON-LD data block
    // (type application/ld+json: never executed) are not inline script.
    // Mail bodies (…mail.ts) are not pages: no CSP reaches a mail client, and mail clients
    // drop <style>, so a newsletter's HTML carries its styles inline.
    const inline = files
      .filter((file) => !file.endsWith("mail.ts"))
      .filter((file) =>
        /<script(?![^>]*\ssrc=)(?![^>]*type="application\/ld\+json")|<style|\sstyle="|\son(click|load|error)=/i.test(
          readFileSync(file, "utf8"),
        ),
      );
    assert.deepEqual(inline, [], "no inline script or style: the CSP refuses them");
  });
});

describe("Content-Security-Policy", () => {
  it("every page, error pages included, forbids inline script and style", async () => {
    for (const path of ["/", "/login", "/social/local", "/no-such-page", "/@ann"]) {
      const res = await page(path);
      const csp = res.headers.get("content-security-policy") ?? "";
      assert.match(csp, /default-src 'none'/, path);
      assert.match(csp, /script-src 'self'(;|$)/, path);
      assert.match(csp, /style-src 'self'(;|$)/, path);
      assert.match(csp, /frame-ancestors 'none'/, path);
      assert.match(csp, /base-uri 'none'/, path);
      // And the pages need none: no inline script, style element or style attribute.
      assert.doesNotMatch(await res.text(), /<script|<style|\sstyle=|\son[a-z]+=/i, path);
    }
  });
});
