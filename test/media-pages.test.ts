/**
 * The media pages on one node: the /media front page and the public article
 * page (an article is a post of kind `article`). The page needs no script and
 * loads nothing from elsewhere; it carries canonical, OpenGraph, Twitter and
 * JSON-LD; it is cached per version (ETag, 304) and the cache follows edits,
 * comments and deletions; drafts-like posts (not public) and other kinds of
 * posts are not served as articles. Bad addresses get a 4xx.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { openDatabase } from "../src/db/database.ts";
import { waitFor } from "../src/federation/testing.ts";
import { createDraft, updateDraft } from "../src/media/articles.ts";
import { lockComments } from "../src/media/comments.ts";
import { publishArticle } from "../src/media/workflow.ts";
import { createPost, deletePost, textPost } from "../src/social/posts.ts";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
let ana: { id: string; username: string };
let ben: { id: string; username: string };
let benSession: SignedIn;
after(() => node.close());

const BODY = `Three villages share one river.[^1]

## The weir

> Water is a commons.

    flow = rain - use

| Village | Share |
| --- | --- |
| Alto | 40% |

[^1]: Since 1962.
`;

const ctx = () => socialOf(node);

/** A member's own article, written and published through the media capability. */
async function article(author: { id: string; username: string }, title: string, publish = true) {
  const made = await createDraft(ctx(), author, {
    title,
    summary: "How three villages share one river, and keep it alive.",
    body: BODY,
    tags: ["water"],
    language: "en",
  });
  assert.ok(made.ok);
  let postId = "";
  if (publish) {
    const published = await publishArticle(ctx(), author, made.value.id);
    assert.ok(published.ok, JSON.stringify(published));
    postId = published.value.postId;
  }
  return { id: made.value.id, slug: made.value.slug, postId, path: `/articles/${made.value.slug}` };
}

const page = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${node.url}${path}`, { redirect: "manual", headers });

before(async () => {
  node = await startTestNode({ host: "127.0.170.1" });
  ana = await createMember(node, { username: "ana", password: "long enough" });
  ben = await createMember(node, { username: "ben", password: "long enough" });
  benSession = await signIn(node, "ben", "long enough");
});

test("the public article page: the article, its metadata, no script, nothing from elsewhere", async () => {
  const a = await article(ana, 'Rivers & "commons"');
  const res = await page(a.path);
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.match(html, /<h1 class="article-title">Rivers &amp; &quot;commons&quot;<\/h1>/);
  assert.match(html, /How three villages share one river/);
  assert.match(html, /<h2 id="the-weir"/);
  assert.match(html, /<blockquote>/);
  assert.match(html, /<table>/);
  assert.match(html, /class="footnote/);
  assert.match(html, /1 min read/);
  assert.match(html, new RegExp(`<link rel="canonical" href="${node.url}${a.path}" />`));
  assert.match(html, /<meta property="og:type" content="article" \/>/);
  assert.match(html, /<meta name="twitter:card" content="summary" \/>/);
  assert.match(html, /<meta property="article:tag" content="water" \/>/);
  assert.match(html, /<article class="article" lang="en">/);
  const ld = JSON.parse(
    /<script type="application\/ld\+json">(.*?)<\/script>/s.exec(html)?.[1] ?? "{}",
  );
  assert.equal(ld["@type"], "Article");
  assert.equal(ld.headline, 'Rivers & "commons"');
  assert.equal(ld.author.name, "ana");
  assert.equal(ld.url, `${node.url}${a.path}`);
  // No client script: the only <script> is the JSON-LD data block, which never runs.
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  assert.deepEqual(scripts, ['<script type="application/ld+json">']);
  // Assets (stylesheets, images, icons…) come from this node only.
  const assets = [
    ...html.matchAll(
      /<(?:link|img|source|video|audio|iframe|script)\b[^>]*?\s(?:src|href|srcset)="([^"]*)"/g,
    ),
  ]
    .filter((m) => !/rel="(canonical|alternate|author)"/.test(m[0]))
    .map((m) => m[1] ?? "");
  assert.ok(assets.length >= 2, "the two stylesheets");
  for (const url of assets) assert.ok(url.startsWith("/"), `asset from this node: ${url}`);
  // The stylesheet it links is served, and cached for good.
  const css = /href="(\/static\/media\.[^"]+\.css)"/.exec(html)?.[1];
  assert.ok(css);
  const sheet = await page(css);
  assert.equal(sheet.status, 200);
  assert.match(sheet.headers.get("cache-control") ?? "", /immutable/);
  assert.match(await sheet.text(), /@media print/);
  // The CSP still forbids inline script.
  assert.match(res.headers.get("content-security-policy") ?? "", /script-src 'self'/);
  // The post's own address leads to the article page.
  const byPost = await page(`/@ana/${a.postId}`);
  assert.equal(byPost.status, 301);
  assert.equal(byPost.headers.get("location"), a.path);
});

test("ETag and 304; the cached page follows an edit, a comment and its deletion", async () => {
  const s = ctx();
  const a = await article(ana, "Cached");
  const first = await page(a.path);
  const etag = first.headers.get("etag");
  assert.ok(etag);
  assert.equal(first.headers.get("cache-control"), "public, max-age=0, must-revalidate");
  // The same for every visitor: no cookie, so a shared cache may keep it.
  assert.equal(first.headers.get("set-cookie"), null);
  await first.text();
  const again = await page(a.path, { "if-none-match": etag });
  assert.equal(again.status, 304);
  assert.equal(await again.text(), "");
  const weak = await page(a.path, { "if-none-match": `"nope", W/${etag}` });
  assert.equal(weak.status, 304);

  // An edit shows at once, under a new ETag.
  const edited = await updateDraft(s, ana, a.id, {
    title: "Cached",
    body: "Now with a new paragraph.",
    tags: ["water"],
  });
  assert.ok(edited.ok);
  const afterEdit = await page(a.path, { "if-none-match": etag });
  assert.equal(afterEdit.status, 200);
  const etag2 = afterEdit.headers.get("etag");
  assert.notEqual(etag2, etag);
  const editedHtml = await afterEdit.text();
  assert.match(editedHtml, /Now with a new paragraph/);
  assert.match(editedHtml, /Updated/);

  // A comment (a reply) appears under the article; deleting it takes it away.
  const reply = await createPost(s, ben, {
    ...textPost("What about the dry season?"),
    visibility: "public",
    inReplyToId: a.postId,
  });
  assert.ok(reply.ok);
  const withComment = await (await page(a.path)).text();
  assert.match(withComment, /What about the dry season\?/);
  assert.match(withComment, /Comments \(1\)/);
  assert.equal(await deletePost(s, ben, reply.value.id), true);
  const without = await (await page(a.path)).text();
  assert.doesNotMatch(without, /dry season/);
  assert.match(without, /No comments yet/);
});

test("a write made by another process shows within the cache's trust window", async () => {
  // A second handle on the same database stands for another web process: its writes
  // are not heard by this node's cache, which reads the stamp again after RECHECK_MS.
  const a = await article(ana, "Other process");
  const first = await page(a.path);
  assert.doesNotMatch(await first.text(), /Comments are closed/);
  const other = await openDatabase(node.node.config.databaseUrl);
  try {
    const locked = await lockComments({ ...ctx(), db: other.db }, ana, a.id, true);
    assert.ok(locked.ok);
    await waitFor("the page shows the lock", async () =>
      /Comments are closed/.test(await (await page(a.path)).text()),
    );
  } finally {
    await other.close();
  }
});

test("a member sees the article in their own header, not cached by others", async () => {
  const a = await article(ana, "For members");
  const res = await benSession.get(a.path);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("etag"), null);
  assert.equal(res.headers.get("cache-control"), "private, no-cache");
  const html = await res.text();
  assert.match(html, /href="\/@ben"/);
  assert.match(html, /<h1 class="article-title">For members<\/h1>/);
});

test("Spanish visitors get the Spanish page; the ETag differs by language", async () => {
  const a = await article(ana, "Ríos");
  const en = await page(a.path);
  const es = await page(a.path, { "accept-language": "es" });
  const html = await es.text();
  await en.text();
  assert.match(html, /min de lectura/);
  assert.match(html, /<html lang="es">/);
  assert.notEqual(es.headers.get("etag"), en.headers.get("etag"));
});

test("drafts, notes and unknown addresses are not article pages", async () => {
  const draft = await article(ana, "Still a draft", false);
  const res = await page(draft.path);
  assert.equal(res.status, 404);
  assert.doesNotMatch(await res.text(), /Still a draft/);
  // Even for a member signed in (drafts are read in the editor, not here).
  assert.equal((await benSession.get(draft.path)).status, 404);

  const note = await createPost(ctx(), ana, { ...textPost("just a note"), visibility: "public" });
  assert.ok(note.ok);
  const noteHtml = await (await page(`/@ana/${note.value.id}`)).text();
  assert.doesNotMatch(noteHtml, /article-title/);
  assert.match(noteHtml, /just a note/);

  assert.equal((await page(`/articles/${"x".repeat(400)}`)).status, 404);
  assert.equal((await page("/articles/%00%3Cscript%3E")).status, 404);
  assert.equal((await page("/articles/no-such-article")).status, 404);
});

test("/media lists the latest published articles, not drafts or notes", async () => {
  await article(ana, "Front page story");
  await article(ana, "Unpublished story", false);
  const res = await page("/media");
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.match(html, /Front page story/);
  assert.doesNotMatch(html, /Unpublished story/);
  assert.doesNotMatch(html, /just a note/);
  assert.doesNotMatch(html, /Nothing here yet/);
  assert.match(html, /href="\/articles\/front-page-story[^"]*"/);
  const es = await (await page("/media", { "accept-language": "es" })).text();
  assert.match(es, /Artículos recientes/);
});
