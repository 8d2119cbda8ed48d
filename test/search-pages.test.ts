/**
 * The search page (/search) on a real node: a visitor finds public posts with the
 * match marked; a member finds what they may see; filters and paging; every bad
 * field is a 422 naming it (and no results); the page in Spanish.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createPost, type PostInput } from "../src/social/posts.ts";
import { createMember, signIn } from "./support/login.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
let ada: { id: string; username: string };
let bo: { id: string; username: string };

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

async function post(
  author: { id: string; username: string },
  text: string,
  more: Partial<PostInput> = {},
) {
  const made = await createPost(socialOf(node), author, input(text, more));
  assert.ok(made.ok);
  return made.value.id;
}

before(async () => {
  node = await startTestNode({ host: "127.0.182.1" });
  ada = await createMember(node, { username: "ada", password: "long enough" });
  bo = await createMember(node, { username: "bo", password: "long enough" });
});
after(() => node.close());

const get = async (path: string, headers: Record<string, string> = {}) => {
  const res = await fetch(`${node.url}${path}`, { headers });
  return { status: res.status, body: await res.text() };
};

test("a visitor finds public posts, the match marked, and never a followers-only one", async () => {
  const open = await post(ada, "The <b>mangosteen</b> harvest is in & ready");
  await post(ada, "mangosteen for followers", { visibility: "followers" });
  const page = await get("/search?q=mangosteen");
  assert.equal(page.status, 200);
  assert.match(page.body, /<mark>mangosteen<\/mark>/);
  assert.match(page.body, new RegExp(`href="/@ada/${open}"`));
  assert.doesNotMatch(page.body, /for followers/);
  assert.doesNotMatch(page.body, /<b>mangosteen/);
  const member = await signIn(node, "ada", "long enough");
  const own = await (await member.get("/search?q=mangosteen")).text();
  assert.match(own, /for followers/);
});

test("filters and pages", async () => {
  const article = await post(bo, "A long read about rhubarb", {
    kind: "article",
    title: "Rhubarb season",
  });
  for (let i = 0; i < 22; i++) await post(ada, `rhubarb note ${i}`);
  const articles = await get("/search?q=rhubarb&kind=article");
  assert.match(articles.body, new RegExp(`/@bo/${article}`));
  assert.match(articles.body, /<mark>Rhubarb<\/mark> season/);
  assert.equal((articles.body.match(/class="search-hit"/g) ?? []).length, 1);
  const byBo = await get("/search?q=rhubarb&author=bo");
  assert.equal((byBo.body.match(/class="search-hit"/g) ?? []).length, 1);
  const first = await get("/search?q=rhubarb");
  assert.equal((first.body.match(/class="search-hit"/g) ?? []).length, 20);
  assert.match(first.body, /href="\/search\?q=rhubarb&amp;page=2"/);
  const second = await get("/search?q=rhubarb&page=2");
  assert.equal((second.body.match(/class="search-hit"/g) ?? []).length, 3);
  const none = await get("/search?q=rhubarb&since=2999-01-01");
  assert.match(none.body, /Nothing found/);
  const tagged = await post(ada, "Jam day #preserves");
  assert.match((await get("/search?tag=preserves")).body, new RegExp(tagged));
});

test("bad fields are a 422 that names them, with no results", async () => {
  for (const [query, field] of [
    ["q=x&since=2025-13-45", "s-since-error"],
    ["q=x&until=yesterday", "s-until-error"],
    ["q=x&kind=poem", "s-kind-error"],
    ["q=x&author=a%20b", "s-author-error"],
    ["q=x&group=no%2Fslash", "s-group-error"],
    ["q=x&tag=%3Cscript%3E", "s-tag-error"],
    ["q=x&page=0", "s-page-error"],
    ["q=x&page=99999", "s-page-error"],
    [`q=${"x".repeat(501)}`, "s-q-error"],
  ] as const) {
    const page = await get(`/search?${query}`);
    assert.equal(page.status, 422, query);
    assert.match(page.body, new RegExp(`id="${field}"`), query);
    assert.doesNotMatch(page.body, /class="search-hit"/, query);
  }
  assert.doesNotMatch((await get("/search?tag=%3Cscript%3E")).body, /<script>/);
});

test("an empty search asks for words; the page speaks Spanish", async () => {
  const empty = await get("/search");
  assert.equal(empty.status, 200);
  assert.match(empty.body, /Type a few words/);
  const es = await get("/search?q=mangosteen", { "accept-language": "es" });
  assert.match(es.body, /Buscar publicaciones y artículos/);
  assert.match(es.body, /<html lang="es">/);
});
