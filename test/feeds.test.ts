/**
 * Feeds (issue 17): RSS 2.0, Atom and JSON Feed 1.1 of a member, a tag, the
 * local timeline and a public group (a publication), parsed by a real parser
 * (rss-parser, strict XML) and checked against each format's rules: required
 * elements, RFC 822 / RFC 3339 dates, absolute URLs, unique stable ids, hostile
 * titles escaped. Only public posts; ETag / Last-Modified / 304; the cache
 * follows new posts, edits and deletions; autodiscovery links on the pages.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import Parser from "rss-parser";
import { createGroup, findGroup } from "../src/groups/groups.ts";
import { writeInGroup } from "../src/groups/threads.ts";
import { createPost, deletePost, editPost, textPost } from "../src/social/posts.ts";
import { createMember } from "./support/login.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
after(() => node.close());

type Member = { id: string; username: string };
let ana: Member;
let ben: Member;
// Atom entries' <id> is kept by rss-parser as `id` (not in its Item type).
const parser = new Parser<
  Record<string, unknown>,
  { id?: string; "content:encoded"?: string; "dc:creator"?: string }
>({
  customFields: { item: ["content:encoded", "dc:creator"] },
});
const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${node.url}${path}`, { headers });

const HOSTILE = `</title><script>alert(1)</script> & ]]> "quoted" 'single' \u0007bell`;
const HOSTILE_SHOWN = HOSTILE.replace("\u0007", "");

async function post(who: Member, text: string, visibility = "public" as const) {
  const r = await createPost(socialOf(node), who, { ...textPost(text), visibility });
  assert.ok(r.ok);
  return r.value.id;
}

let articleId: string;
let noteId: string;
const hidden: string[] = [];
before(async () => {
  node = await startTestNode({ host: "127.0.70.1" });
  ana = await createMember(node, { username: "ana", password: "long enough" });
  ben = await createMember(node, { username: "ben", password: "long enough" });
  await node.node.db.db
    .updateTable("accounts")
    .set({ display_name: `Ana ${HOSTILE}` })
    .where("id", "=", ana.id)
    .execute();
  noteId = await post(ana, "Fresh #bread today at the bakery, come early");
  // An article (marticles writes these; here the row as publishing leaves it).
  const a = await createPost(socialOf(node), ana, {
    ...textPost("Body of the article"),
    visibility: "public",
    kind: "article",
    title: HOSTILE,
  });
  assert.ok(a.ok);
  articleId = a.value.id;
  await node.node.db.db
    .updateTable("posts")
    .set({
      summary: "A summary & more",
      content_html: "<h2>Part one</h2><p>Full <em>article</em> text.</p>",
    })
    .where("id", "=", articleId)
    .execute();
  hidden.push(await post(ana, "unlisted #bread", "unlisted" as "public"));
  hidden.push(await post(ana, "followers only #bread", "followers" as "public"));
  hidden.push(await post(ana, "direct #bread", "direct" as "public"));
  const gone = await post(ana, "soon deleted #bread");
  assert.ok(await deletePost(socialOf(node), { id: ana.id }, gone));
  hidden.push(gone);
  const reply = await createPost(socialOf(node), ben, {
    ...textPost("a reply by ben"),
    visibility: "public",
    inReplyToId: noteId,
  });
  assert.ok(reply.ok);
  hidden.push(reply.value.id);
});

const RFC822 =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const absolute = (url: string | undefined) => {
  assert.ok(url, "a URL is there");
  assert.match(url, /^https?:\/\//, `${url} is absolute`);
};

async function feedText(path: string, type: RegExp) {
  const res = await get(path);
  assert.equal(res.status, 200, path);
  assert.match(res.headers.get("content-type") ?? "", type);
  return res.text();
}

test("RSS 2.0 of a member: public posts only, full article content, the format's rules", async () => {
  const xml = await feedText("/@ana/feed.rss", /^application\/rss\+xml/);
  const feed = await parser.parseString(xml);
  assert.equal(feed.title, `Ana ${HOSTILE_SHOWN} (@ana@${node.domain})`);
  assert.equal(feed.link, `${node.url}/@ana`);
  assert.ok(feed.description);
  assert.match(xml, new RegExp(`<atom:link href="${node.url}/@ana/feed.rss" rel="self"`));
  assert.match(/<lastBuildDate>([^<]+)<\/lastBuildDate>/.exec(xml)?.[1] ?? "", RFC822);
  assert.equal(
    feed.items.length,
    2,
    "the note and the article; nothing unlisted, private, deleted or a reply",
  );
  const guids = feed.items.map((i) => i.guid);
  assert.equal(new Set(guids).size, guids.length);
  for (const item of feed.items) {
    absolute(item.link);
    absolute(item.guid);
    assert.match(item.pubDate ?? "", RFC822);
    assert.ok(item.title);
  }
  const article = feed.items.find((i) => i.guid === `${node.url}/posts/${articleId}`);
  assert.ok(article);
  assert.equal(article.title, HOSTILE_SHOWN, "a hostile title comes back as text");
  assert.equal(article["content:encoded"], "<h2>Part one</h2><p>Full <em>article</em> text.</p>");
  assert.equal(article.content, "A summary & more");
  assert.equal(article.link, `${node.url}/@ana/${articleId}`);
  const note = feed.items.find((i) => i.guid === `${node.url}/posts/${noteId}`);
  assert.equal(
    note?.title,
    "Fresh #bread today at the bakery, come early",
    "a note's title is its text",
  );
  assert.deepEqual(note?.categories, ["bread"]);
  assert.doesNotMatch(xml, /<script>/, "no markup from a title survives unescaped");
  for (const id of hidden) assert.doesNotMatch(xml, new RegExp(id));
});

test("Atom of a member (RFC 4287): ids, updated, links, authors, RFC 3339 dates", async () => {
  const xml = await feedText("/@ana/feed.atom", /^application\/atom\+xml/);
  const feed = await parser.parseString(xml);
  assert.equal(feed.title, `Ana ${HOSTILE_SHOWN} (@ana@${node.domain})`);
  assert.match(xml, /<feed xmlns="http:\/\/www.w3.org\/2005\/Atom"/);
  assert.match(xml, new RegExp(`<id>${node.url}/@ana/feed.atom</id>`));
  assert.match(/<updated>([^<]+)<\/updated>/.exec(xml)?.[1] ?? "", RFC3339);
  assert.match(
    xml,
    new RegExp(
      `<link rel="self" type="application/atom\\+xml" href="${node.url}/@ana/feed.atom"/>`,
    ),
  );
  assert.equal(feed.items.length, 2);
  const ids = feed.items.map((i) => i.id);
  assert.equal(new Set(ids).size, 2);
  for (const entry of xml.split("<entry").slice(1)) {
    // Every entry: id, title, updated, an author (the feed's too), an alternate link.
    for (const element of [
      "<id>",
      "<title",
      "<updated>",
      "<published>",
      "<author>",
      'rel="alternate"',
    ])
      assert.ok(entry.includes(element), `an entry has ${element}`);
    assert.match(/<updated>([^<]+)<\/updated>/.exec(entry)?.[1] ?? "", RFC3339);
  }
  const article = feed.items.find((i) => i.id === `${node.url}/posts/${articleId}`);
  assert.equal(article?.title, HOSTILE_SHOWN);
  assert.equal(article?.content, "<h2>Part one</h2><p>Full <em>article</em> text.</p>");
  assert.equal(article?.summary, "A summary & more");
  absolute(article?.link);
});

test("JSON Feed 1.1 of a member: version, required fields, RFC 3339 dates", async () => {
  const text = await feedText("/@ana/feed.json", /^application\/feed\+json/);
  const feed = JSON.parse(text);
  assert.equal(feed.version, "https://jsonfeed.org/version/1.1");
  assert.equal(feed.title, `Ana ${HOSTILE_SHOWN} (@ana@${node.domain})`);
  assert.equal(feed.feed_url, `${node.url}/@ana/feed.json`);
  assert.equal(feed.home_page_url, `${node.url}/@ana`);
  assert.equal(feed.items.length, 2);
  for (const item of feed.items) {
    assert.equal(typeof item.id, "string");
    absolute(item.url);
    assert.ok(item.content_html || item.content_text);
    assert.match(item.date_published, RFC3339);
    assert.match(item.date_modified, RFC3339);
  }
  const article = feed.items.find((i: { id: string }) => i.id === `${node.url}/posts/${articleId}`);
  assert.equal(article.title, HOSTILE_SHOWN);
  assert.equal(article.summary, "A summary & more");
});

test("tag, local timeline and public group feeds list their public posts", async () => {
  const tag = await parser.parseString(await feedText("/tags/BREAD/feed.rss", /rss/));
  assert.deepEqual(
    tag.items.map((i) => i.guid),
    [`${node.url}/posts/${noteId}`],
  );
  const local = await parser.parseString(await feedText("/social/local/feed.atom", /atom/));
  assert.deepEqual(
    local.items.map((i) => i.id).sort(),
    [`${node.url}/posts/${noteId}`, `${node.url}/posts/${articleId}`].sort(),
  );
  const g = socialOf(node);
  const made = await createGroup(g, ana, {
    name: "gazette",
    kind: "working_group",
    displayName: "The Gazette",
    visibility: "public",
    moderated: false,
  });
  assert.ok(made.ok);
  const secret = await createGroup(g, ana, {
    name: "backroom",
    kind: "working_group",
    displayName: "Back room",
    visibility: "members",
    moderated: true,
  });
  assert.ok(secret.ok);
  const group = await findGroup(g.db, "gazette");
  assert.ok(group);
  const written = await writeInGroup(g, group, ana, {
    ...textPost("Issue one is out"),
    title: "Issue 1",
  });
  assert.ok(written.ok);
  const feed = JSON.parse(await feedText("/groups/gazette/feed.json", /feed\+json/));
  assert.equal(feed.title, "The Gazette");
  assert.deepEqual(
    feed.items.map((i: { title: string }) => i.title),
    ["Issue 1"],
  );
  assert.equal(
    (await get("/groups/backroom/feed.json")).status,
    404,
    "a members-only group has no feed",
  );
});

test("no such feed: 404 for an unknown member, a malformed tag, an unknown format", async () => {
  assert.equal((await get("/@nobody/feed.rss")).status, 404);
  assert.equal((await get("/tags/no-dashes/feed.rss")).status, 404);
  assert.equal((await get("/@ana/feed.xml")).status, 404);
});

test("ETag and Last-Modified: 304 when unchanged; a new post, an edit, a deletion show at once", async () => {
  const first = await get("/@ana/feed.atom");
  const etag = first.headers.get("etag");
  const modified = first.headers.get("last-modified");
  assert.ok(etag && modified);
  assert.match(modified, RFC822);
  const again = await get("/@ana/feed.atom", { "if-none-match": etag });
  assert.equal(again.status, 304);
  assert.equal(await again.text(), "");
  assert.equal(again.headers.get("etag"), etag);
  assert.equal(
    (await get("/@ana/feed.atom", { "if-none-match": `W/${etag}, "other"` })).status,
    304,
  );
  assert.equal((await get("/@ana/feed.atom", { "if-modified-since": modified })).status, 304);
  assert.equal((await get("/@ana/feed.atom", { "if-none-match": '"stale"' })).status, 200);
  assert.equal(
    (await get("/@ana/feed.atom", { "if-modified-since": "Mon, 01 Jan 2001 00:00:00 GMT" })).status,
    200,
  );
  const newer = await post(ana, "Another loaf");
  const changed = await get("/@ana/feed.atom", { "if-none-match": etag });
  assert.equal(changed.status, 200, "a new post changes the feed");
  assert.match(await changed.text(), new RegExp(newer));
  const edited = await editPost(socialOf(node), ana, newer, {
    ...textPost("Another loaf, now with seeds"),
  });
  assert.ok(edited.ok);
  assert.match(await (await get("/@ana/feed.atom")).text(), /now with seeds/);
  assert.ok(await deletePost(socialOf(node), { id: ana.id }, newer));
  assert.doesNotMatch(await (await get("/@ana/feed.atom")).text(), new RegExp(newer));
});

test("autodiscovery: the profile, tag, local timeline and public group pages link their feeds", async () => {
  for (const page of ["/@ana", "/tags/bread", "/social/local", "/groups/gazette"]) {
    const body = await (await get(page)).text();
    for (const [format, type] of [
      ["rss", "application/rss+xml"],
      ["atom", "application/atom+xml"],
      ["json", "application/feed+json"],
    ] as const)
      assert.match(
        body,
        new RegExp(
          `<link rel="alternate" type="${type.replace("+", "\\+")}" title="[^"]+" href="${page}/feed\\.${format}" />`,
        ),
        `${page} links its ${format} feed`,
      );
  }
  const federated = await (await get("/social/federated")).text();
  assert.doesNotMatch(federated, /rel="alternate"/);
});
