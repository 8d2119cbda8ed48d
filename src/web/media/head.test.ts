/** The article page's <head> builders: OpenGraph, Twitter card, JSON-LD Article, canonical. */
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type ArticleFacts,
  articleHead,
  articleJsonLd,
  cardDescription,
  scriptSafeJson,
} from "./head.ts";

const facts: ArticleFacts = {
  url: "https://news.example/@ana/0190a1b2-0000-7000-8000-000000000001",
  title: 'Water "co-ops" & <rivers>',
  summary: "How three villages share one river.\n\nA long story.",
  language: "en-GB",
  author: { name: "Ana Díaz", url: "https://news.example/@ana" },
  siteName: "River Co-op",
  publishedAt: "2026-12-01T10:00:00.000Z",
  modifiedAt: null,
  cover: {
    url: "https://news.example/media/ab/cd.webp",
    alt: "The river at dawn",
    width: 1600,
    height: 900,
  },
  tags: ["water", "commons"],
};

const render = async (a: ArticleFacts) => (await articleHead(a)).toString();
const meta = (head: string, attr: "property" | "name", key: string) =>
  [...head.matchAll(new RegExp(`<meta ${attr}="${key}" content="([^"]*)"`, "g"))].map((m) => m[1]);

test("canonical, OpenGraph article and a large Twitter card when there is a cover", async () => {
  const head = await render(facts);
  assert.match(
    head,
    /<link rel="canonical" href="https:\/\/news\.example\/@ana\/0190a1b2-0000-7000-8000-000000000001" \/>/,
  );
  assert.deepEqual(meta(head, "property", "og:type"), ["article"]);
  assert.deepEqual(meta(head, "property", "og:title"), [
    "Water &quot;co-ops&quot; &amp; &lt;rivers&gt;",
  ]);
  assert.deepEqual(meta(head, "property", "og:url"), [facts.url]);
  assert.deepEqual(meta(head, "property", "og:site_name"), ["River Co-op"]);
  assert.deepEqual(meta(head, "property", "og:locale"), ["en_GB"]);
  assert.deepEqual(meta(head, "property", "og:image"), [facts.cover?.url]);
  assert.deepEqual(meta(head, "property", "og:image:alt"), ["The river at dawn"]);
  assert.deepEqual(meta(head, "property", "og:image:width"), ["1600"]);
  assert.deepEqual(meta(head, "property", "article:published_time"), [facts.publishedAt]);
  assert.deepEqual(meta(head, "property", "article:tag"), ["water", "commons"]);
  assert.deepEqual(meta(head, "name", "twitter:card"), ["summary_large_image"]);
  assert.deepEqual(meta(head, "name", "twitter:image:alt"), ["The river at dawn"]);
  assert.deepEqual(meta(head, "name", "description"), [
    "How three villages share one river. A long story.",
  ]);
  assert.equal(meta(head, "property", "article:modified_time").length, 0);
});

test("no cover: a summary card and no image tags; no summary: no description tags", async () => {
  const head = await render({
    ...facts,
    cover: null,
    summary: "",
    modifiedAt: "2026-12-02T00:00:00.000Z",
  });
  assert.deepEqual(meta(head, "name", "twitter:card"), ["summary"]);
  assert.equal(meta(head, "property", "og:image").length, 0);
  assert.equal(meta(head, "name", "twitter:image").length, 0);
  assert.equal(meta(head, "name", "description").length, 0);
  assert.equal(meta(head, "property", "og:description").length, 0);
  assert.deepEqual(meta(head, "property", "article:modified_time"), ["2026-12-02T00:00:00.000Z"]);
});

test("JSON-LD Article with the schema.org fields search engines read", async () => {
  const head = await render(facts);
  const json = /<script type="application\/ld\+json">(.*?)<\/script>/s.exec(head)?.[1];
  assert.ok(json);
  const ld = JSON.parse(json);
  assert.equal(ld["@type"], "Article");
  assert.equal(ld.headline, facts.title);
  assert.equal(ld.author.name, "Ana Díaz");
  assert.equal(ld.datePublished, facts.publishedAt);
  assert.equal(ld.dateModified, facts.publishedAt, "never edited: modified = published");
  assert.deepEqual(ld.image, [facts.cover?.url]);
  assert.equal(ld.inLanguage, "en-GB");
  assert.equal(ld.keywords, "water, commons");
  assert.deepEqual(ld, articleJsonLd(facts));
});

test("a title cannot close the JSON-LD block or open a comment", async () => {
  const hostile = { ...facts, title: "</script><script>alert(1)</script><!--", tags: ["\u2028"] };
  const head = await render(hostile);
  assert.equal(head.match(/<\/script>/g)?.length, 1, "only the block's own end tag");
  assert.equal(head.match(/<script/g)?.length, 1);
  assert.ok(!scriptSafeJson({ a: "<!--\u2028" }).includes("<"));
  assert.ok(!scriptSafeJson({ a: "\u2029" }).includes("\u2029"));
  const json = /<script type="application\/ld\+json">(.*?)<\/script>/s.exec(head)?.[1] ?? "";
  assert.equal(JSON.parse(json).headline, hostile.title, "and the title survives intact");
});

test("card descriptions are collapsed and cut at a word", () => {
  assert.equal(cardDescription("  a\n\n b  "), "a b");
  const long = `${"word ".repeat(80)}end`;
  const cut = cardDescription(long);
  assert.ok(cut.length <= 200);
  assert.ok(cut.endsWith("word…"));
  assert.equal(cardDescription("x".repeat(300)).length, 200);
});
