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
import { createPost, deletePost, editPost, textPost } from "../src/social/posts.ts";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
let ana: { id: string; username: string };
let ben: { id: string; username: string };
let benSession: SignedIn;
after(() => node.close());

const BODY = `<p>Three villages share one river.<sup class="footnote-ref"><a href="#fn1" id="fnref1">[1]</a></sup></p>
<h2 id="the-weir">The weir <a class="header-anchor" href="#the-weir">#</a></h2>
<blockquote><p>Water is a commons.</p></blockquote>
<pre><code>flow = rain - use</code></pre>
<table><thead><tr><th>Village</th><th>Share</th></tr></thead><tbody><tr><td>Alto</td><td>40%</td></tr></tbody></table>
<hr class="footnotes-sep"><section class="footnotes"><ol class="footnotes-list"><li id="fn1" class="footnote-item"><p>Since 1962. <a href="#fnref1" class="footnote-backref">↩</a></p></li></ol></section>`;

/** An article as publishing writes it: a post of kind article with rendered HTML and a summary. */
async function article(
  author: { id: string; username: string },
  title: string,
  visibility: "public" | "unlisted" | "followers" = "public",
) {
  const s = socialOf(node);
  const r = await createPost(s, author, {
    ...textPost("draft #water"),
    visibility,
    kind: "article",
    title,
  });
  assert.ok(r.ok);
  await s.db
    .updateTable("posts")
    .set({ content_html: BODY, summary: "How three villages share one river, and keep it alive." })
    .where("id", "=", r.value.id)
    .execute();
  return r.value.id;
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
  const id = await article(ana, 'Rivers & "commons"');
  const res = await page(`/@ana/${id}`);
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.match(html, /<h1 class="article-title">Rivers &amp; &quot;commons&quot;<\/h1>/);
  assert.match(html, /How three villages share one river/);
  assert.match(html, /<h2 id="the-weir">/);
  assert.match(html, /1 min read/);
  assert.match(html, new RegExp(`<link rel="canonical" href="${node.url}/@ana/${id}" />`));
  assert.match(html, /<meta property="og:type" content="article" \/>/);
  assert.match(html, /<meta name="twitter:card" content="summary" \/>/);
  assert.match(html, /<meta property="article:tag" content="water" \/>/);
  const ld = JSON.parse(
    /<script type="application\/ld\+json">(.*?)<\/script>/s.exec(html)?.[1] ?? "{}",
  );
  assert.equal(ld["@type"], "Article");
  assert.equal(ld.headline, 'Rivers & "commons"');
  assert.equal(ld.author.name, "ana");
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
});

test("ETag and 304; the cached page follows an edit, a comment and its deletion", async () => {
  const s = socialOf(node);
  const id = await article(ana, "Cached");
  const first = await page(`/@ana/${id}`);
  const etag = first.headers.get("etag");
  assert.ok(etag);
  assert.equal(first.headers.get("cache-control"), "public, max-age=0, must-revalidate");
  await first.text();
  const again = await page(`/@ana/${id}`, { "if-none-match": etag });
  assert.equal(again.status, 304);
  assert.equal(await again.text(), "");
  const weak = await page(`/@ana/${id}`, { "if-none-match": `"nope", W/${etag}` });
  assert.equal(weak.status, 304);

  // An edit shows at once, under a new ETag.
  const edited = await editPost(s, ana, id, {
    text: "Now with a new paragraph",
    spoiler: "",
    sensitive: false,
    mentions: [],
  });
  assert.ok(edited.ok);
  const afterEdit = await page(`/@ana/${id}`, { "if-none-match": etag });
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
    inReplyToId: id,
  });
  assert.ok(reply.ok);
  const withComment = await (await page(`/@ana/${id}`)).text();
  assert.match(withComment, /What about the dry season\?/);
  assert.match(withComment, /Comments \(1\)/);
  assert.ok(await deletePost(s, ben, reply.value.id));
  const without = await (await page(`/@ana/${id}`)).text();
  assert.doesNotMatch(without, /dry season/);
  assert.match(without, /No comments yet/);
});

test("a member sees the article in their own header, not cached by others", async () => {
  const id = await article(ana, "For members");
  const res = await benSession.get(`/@ana/${id}`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("etag"), null);
  assert.equal(res.headers.get("cache-control"), "private, no-cache");
  const html = await res.text();
  assert.match(html, /href="\/@ben"/);
  assert.match(html, /<h1 class="article-title">For members<\/h1>/);
});

test("Spanish visitors get the Spanish page; the ETag differs by language", async () => {
  const id = await article(ana, "Ríos");
  const en = await page(`/@ana/${id}`);
  const es = await page(`/@ana/${id}`, { "accept-language": "es" });
  const html = await es.text();
  await en.text();
  assert.match(html, /min de lectura/);
  assert.match(html, /<html lang="es">/);
  assert.notEqual(es.headers.get("etag"), en.headers.get("etag"));
});

test("not an article, not public, wrong handle, bad id: the article page does not answer", async () => {
  const s = socialOf(node);
  const note = await createPost(s, ana, { ...textPost("just a note"), visibility: "public" });
  assert.ok(note.ok);
  const noteHtml = await (await page(`/@ana/${note.value.id}`)).text();
  assert.doesNotMatch(noteHtml, /article-title/);
  assert.match(noteHtml, /just a note/);

  // A followers-only article is not public: visitors get the social page's 404, no cached copy.
  const hidden = await article(ana, "Only for followers", "followers");
  const res = await page(`/@ana/${hidden}`);
  assert.equal(res.status, 404);
  assert.doesNotMatch(await res.text(), /Only for followers/);

  // The address names the author: another name redirects to the canonical one.
  const id = await article(ana, "Moved");
  const wrong = await page(`/@ben/${id}`);
  assert.equal(wrong.status, 301);
  assert.equal(wrong.headers.get("location"), `/@ana/${id}`);

  assert.equal((await page("/@ana/not-a-uuid")).status, 404);
  assert.equal((await page("/@ana/0190a1b2-0000-7000-8000-000000000001")).status, 404);
});

test("/media lists the latest public articles, not notes or non-public ones", async () => {
  await article(ana, "Front page story");
  await article(ana, "Followers story", "followers");
  const res = await page("/media");
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.match(html, /Front page story/);
  assert.doesNotMatch(html, /Followers story/);
  assert.doesNotMatch(html, /just a note/);
  assert.doesNotMatch(html, /Nothing here yet/);
  assert.match(html, /href="\/@ana\/[0-9a-f-]{36}"/);
  const es = await (await page("/media", { "accept-language": "es" })).text();
  assert.match(es, /Artículos recientes/);
});
