/**
 * Full-text search (src/search/) on testDatabase() — SQLite FTS5, or PostgreSQL
 * tsvector with TEST_DATABASE_URL: the index follows inserts, edits, deletions
 * and the migration's backfill; stemming in English and Spanish; ranking;
 * snippets where only <mark> survives; filters; and visibility (a followers-only
 * post only for followers, hidden and deleted posts for no one).
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { sql } from "kysely";
import { createAccount } from "../src/accounts/accounts.ts";
import { accountsContributor, deleteAccount } from "../src/accounts/data.ts";
import type { Db } from "../src/db/database.ts";
import { federationContributor } from "../src/federation/account-data.ts";
import { groupsContributor } from "../src/groups/data.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { plainText } from "../src/kernel/plain-text.ts";
import { memberUri } from "../src/kernel/uris.ts";
import { createDraft } from "../src/media/articles.ts";
import { publishArticle } from "../src/media/workflow.ts";
import { parseQuery } from "../src/search/query.ts";
import { type SearchRequest, searchPosts } from "../src/search/search.ts";
import type { Member, SocialContext } from "../src/social/context.ts";
import { socialContributor } from "../src/social/data.ts";
import { createPost, deletePost, editPost, type PostInput } from "../src/social/posts.ts";
import type { ViewerRef } from "../src/social/visibility.ts";
import { testDatabase } from "./support/db.ts";

const origin = "https://search.example";
let handle: Db;
let s: SocialContext;
let ada: Member;
let bo: Member;
let cy: Member;
const ref = (m: Member): ViewerRef => ({ id: m.id, uri: memberUri(origin, m.username) });

before(async () => {
  handle = await testDatabase();
  s = { db: handle.db, origin, domain: "search.example", clock: systemClock };
  const member = async (username: string) => {
    const made = await createAccount(
      handle.db,
      { username, email: `${username}@example.org`, password: "a long passphrase" },
      { passwordCost: 8 },
    );
    assert.ok(made.ok);
    return { id: made.value.id, username };
  };
  ada = await member("ada");
  bo = await member("bo");
  cy = await member("cy");
});
after(() => handle.close());

const input = (text: string, more: Partial<PostInput> = {}): PostInput => ({
  text,
  spoiler: "",
  visibility: "public",
  language: "en",
  sensitive: false,
  inReplyToId: null,
  mentions: [],
  media: [],
  poll: null,
  ...more,
});

async function post(author: Member, text: string, more: Partial<PostInput> = {}) {
  const made = await createPost(s, author, input(text, more));
  assert.ok(made.ok, JSON.stringify(made));
  return made.value.id;
}

const ctx = () => ({ db: handle.db, origin, domain: "search.example" });
const find = async (viewer: Member | null, query: string, more: Partial<SearchRequest> = {}) =>
  (await searchPosts(ctx(), viewer ? ref(viewer) : null, { query, ...more })).map((h) => h.postId);

test("a new post is found by its words; an edit and a deletion follow", async () => {
  const id = await post(ada, "Bread from the zanzibar bakery");
  assert.deepEqual(await find(null, "zanzibar"), [id]);
  const edited = await editPost(s, ada, id, {
    text: "Bread from the quokka bakery",
    spoiler: "",
    sensitive: false,
    mentions: [],
  });
  assert.ok(edited.ok);
  assert.deepEqual(await find(null, "zanzibar"), []);
  assert.deepEqual(await find(null, "quokka"), [id]);
  assert.ok(await deletePost(s, { id: ada.id }, id));
  assert.deepEqual(await find(null, "quokka"), []);
});

test("English and Spanish stemming: running finds run, cooperativas finds cooperativa", async () => {
  const en = await post(ada, "We run the food co-op on Saturdays", { language: "en" });
  const es = await post(bo, "La cooperativa de consumo abre los sábados", { language: "es" });
  assert.deepEqual(await find(null, "running"), [en]);
  assert.deepEqual(await find(null, "cooperativas"), [es]);
  // Diacritics: "sabados" finds "sábados".
  assert.deepEqual(await find(null, "sabados"), [es]);
});

test("a title outranks the text, and snippets mark the match with nothing else surviving", async () => {
  const inText = await post(ada, "Notes about many things, among them the heliotrope garden");
  const inTitle = await post(ada, "A short piece", { kind: "article", title: "Heliotrope" });
  const hostile = await post(bo, "heliotrope <script>alert(1)</script> <b>bold</b> \u0001 open");
  const hits = await searchPosts(ctx(), null, { query: "heliotrope" });
  assert.equal(hits[0]?.postId, inTitle);
  assert.deepEqual(new Set(hits.map((h) => h.postId)), new Set([inText, inTitle, hostile]));
  assert.match(hits[0]?.titleHtml ?? "", /<mark>Heliotrope<\/mark>/);
  for (const hit of hits) {
    const tags = (hit.snippetHtml + hit.titleHtml).match(/<\/?[a-z]+/gi) ?? [];
    assert.ok(
      tags.every((t) => /^<\/?mark$/i.test(t)),
      `${hit.snippetHtml} ${hit.titleHtml}`,
    );
  }
  const bad = hits.find((h) => h.postId === hostile);
  assert.match(bad?.snippetHtml ?? "", /<mark>heliotrope<\/mark>/);
  // Escaped (SQLite) or dropped as markup by ts_headline (PostgreSQL), never a tag.
  assert.match(bad?.snippetHtml ?? "", /(&lt;script&gt;)?alert\(1\)/);
  assert.doesNotMatch(bad?.snippetHtml ?? "", /<script/);
  // A marker character in a post's own text marks nothing.
  assert.equal(bad?.snippetHtml.match(/<mark>/g)?.length, 1);
});

test("filters: kind, author (from:), tag, media-less, dates, group, phrases and exclusions", async () => {
  const note = await post(ada, "Compost workshop #garden this week");
  const article = await post(bo, "How to compost in a flat", {
    kind: "article",
    title: "Compost guide",
  });
  const other = await post(cy, "compost is rotten workshop");
  await handle.db
    .updateTable("posts")
    .set({ summary: "Worms and peelings" })
    .where("id", "=", article)
    .execute();
  assert.deepEqual(await find(null, "compost", { kind: "article" }), [article]);
  assert.deepEqual(await find(null, "compost from:ada"), [note]);
  assert.deepEqual(await find(null, "compost from:ada@search.example"), [note]);
  assert.deepEqual(await find(ada, "compost from:me"), [note]);
  assert.deepEqual(await find(null, "compost from:nobody@else.example"), []);
  assert.deepEqual(await find(null, "compost #garden"), [note]);
  assert.deepEqual(await find(null, "#garden"), [note]);
  assert.deepEqual(await find(null, "compost has:media"), []);
  assert.deepEqual(await find(null, "peelings"), [article], "the summary is indexed");
  assert.deepEqual(new Set(await find(null, '"compost workshop"')), new Set([note]));
  assert.deepEqual(new Set(await find(null, "compost workshop -rotten")), new Set([note]));
  assert.deepEqual(await find(null, "compost before:2000-01-01"), []);
  assert.equal((await find(null, "compost after:2000-01-01")).length, 3);
  assert.deepEqual(await find(null, "compost", { groupName: "no-such-group" }), []);
  assert.deepEqual(await find(null, "compost", { since: "2999-01-01T00:00:00.000Z" }), []);
  assert.ok((await find(null, "compost")).includes(other));
});

test("visibility: followers-only for followers, direct for the mentioned, hidden and suspended for no one", async () => {
  const secret = await post(ada, "the marmalade recipe", { visibility: "followers" });
  assert.deepEqual(await find(null, "marmalade"), []);
  assert.deepEqual(await find(bo, "marmalade"), []);
  assert.deepEqual(await find(ada, "marmalade"), [secret]);
  await handle.db
    .insertInto("follows")
    .values({
      id: crypto.randomUUID(),
      follower_uri: ref(bo).uri,
      followee_uri: ref(ada).uri,
      follower_account_id: bo.id,
      follower_remote_id: null,
      followee_account_id: ada.id,
      followee_remote_id: null,
      status: "accepted",
      activity_uri: `${origin}/follows/1`,
      created_at: new Date().toISOString(),
      accepted_at: new Date().toISOString(),
    })
    .execute();
  assert.deepEqual(await find(bo, "marmalade"), [secret]);
  assert.deepEqual(await find(cy, "marmalade"), []);

  const hidden = await post(ada, "the gooseberry plan");
  assert.deepEqual(await find(null, "gooseberry"), [hidden]);
  await handle.db
    .updateTable("posts")
    .set({ hidden_at: new Date().toISOString() })
    .where("id", "=", hidden)
    .execute();
  assert.deepEqual(await find(ada, "gooseberry"), []);

  const byCy = await post(cy, "the tamarind stall");
  assert.deepEqual(await find(null, "tamarind"), [byCy]);
  await handle.db
    .insertInto("actor_limits")
    .values({ actor_uri: ref(cy).uri, level: "suspend", created_at: new Date().toISOString() })
    .execute();
  assert.deepEqual(await find(null, "tamarind"), []);
});

test("paging is capped and stable; nothing to search finds nothing", async () => {
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push(await post(bo, `pumpernickel loaf number ${i}`));
  const first = await find(null, "pumpernickel", { limit: 2 });
  const second = await find(null, "pumpernickel", { limit: 2, offset: 2 });
  const third = await find(null, "pumpernickel", { limit: 2, offset: 4 });
  assert.deepEqual(new Set([...first, ...second, ...third]), new Set(ids));
  assert.equal((await find(null, "pumpernickel", { limit: 10_000 })).length, 5);
  assert.deepEqual(await find(null, "pumpernickel", { offset: 1e9 }), []);
  assert.deepEqual(await find(null, ""), []);
  assert.deepEqual(await find(null, '   "" - : *'), []);
  // FTS5 syntax in a query is searched as words, never parsed as an expression.
  assert.deepEqual(await find(null, 'pumpernickel AND OR NOT "( NEAR'), []);
  assert.equal((await find(null, "pumpernickel) OR (x")).length, 0);
});

test("boosts are not indexed twice; the index holds one row per searchable post", async () => {
  const rows = await handle.db
    .selectFrom("search_documents")
    .select(sql<number>`count(*)`.as("n"))
    .executeTakeFirstOrThrow();
  const posts = await handle.db
    .selectFrom("posts")
    .select(sql<number>`count(*)`.as("n"))
    .where("deleted_at", "is", null)
    .where("reblog_of_id", "is", null)
    .executeTakeFirstOrThrow();
  assert.equal(Number(rows.n), Number(posts.n));
});

test("plainText drops tags and decodes references; parseQuery reads Mastodon's syntax", () => {
  assert.equal(plainText("<p>a&amp;b</p><p>c&#39;d &lt;x&gt;</p>"), "a&b c'd <x>");
  const q = parseQuery('from:Bo@Host.example has:media #Tag "two words" -not is:reply x');
  assert.deepEqual(q.from, ["bo@host.example"]);
  assert.equal(q.hasMedia, true);
  assert.deepEqual(q.tags, ["tag"]);
  assert.deepEqual(q.phrases, ["two words"]);
  assert.deepEqual(q.excluded, ["not"]);
  assert.equal(q.isReply, true);
  assert.deepEqual(q.words, ["x"]);
});

test("deleting an account takes its posts out of the index (no copy left behind)", async () => {
  const gone = await post(cy, "the persimmon tree is mine");
  assert.deepEqual(await find(null, "persimmon"), []); // cy is suspended above
  await handle.db.deleteFrom("actor_limits").where("actor_uri", "=", ref(cy).uri).execute();
  assert.deepEqual(await find(null, "persimmon"), [gone]);
  const deleted = await deleteAccount(handle.db, cy.id, {
    contributors: [
      accountsContributor,
      federationContributor,
      socialContributor,
      groupsContributor,
    ],
    dataDir: mkdtempSync(join(tmpdir(), "synco-search-")),
  });
  assert.ok(deleted.ok);
  assert.deepEqual(await find(null, "persimmon"), []);
  const left = await handle.db
    .selectFrom("search_documents")
    .select("post_id")
    .where("post_id", "=", gone)
    .execute();
  assert.deepEqual(left, []);
});

test("a published article (media/) is found by its title, summary and Markdown body, stemmed in its language", async () => {
  const draft = await createDraft(s, ada, {
    title: "Cooperativas de vivienda",
    summary: "Cómo se organizan las vecinas",
    body: "## Asambleas\n\nLas **asambleas** deciden los alquileres.[^1]\n\n[^1]: Cada mes.",
    language: "es",
  });
  assert.ok(draft.ok, JSON.stringify(draft));
  const published = await publishArticle(s, ada, draft.value.id);
  assert.ok(published.ok, JSON.stringify(published));
  const postId = published.value.postId;
  assert.deepEqual(await find(null, "cooperativa", { kind: "article" }), [postId]);
  assert.deepEqual(await find(null, "vecina"), [postId]);
  // Words from the Markdown's heading and emphasis, as the rendered HTML has them.
  const doc = await handle.db
    .selectFrom("search_documents")
    .selectAll()
    .where("post_id", "=", postId)
    .executeTakeFirst();
  assert.deepEqual(await find(null, "asambleas alquileres"), [postId], JSON.stringify(doc));
  const hit = (await searchPosts(ctx(), null, { query: "alquileres" }))[0];
  assert.match(hit?.snippetHtml ?? "", /<mark>alquileres<\/mark>/);
  assert.doesNotMatch(hit?.snippetHtml ?? "", /<strong>|<h2/);
});
