import assert from "node:assert/strict";
import { test } from "node:test";
import { embeddedImages, libraryImageUrl, readingMinutes, renderMarkdown } from "./markdown.ts";

const origin = "https://coop.example";
const render = (source: string) => renderMarkdown(source, { origin });

test("footnotes: numbered by first reference, linked both ways, listed at the end", () => {
  const html = render("One[^b] and two[^a], again[^b].\n\n[^a]: First *note*.\n[^b]: Second.\n");
  assert.match(
    html,
    /<sup class="footnote-ref"><a href="#fn-1" id="fnref-1">1<\/a><\/sup> and two/,
  );
  assert.match(html, /two<sup class="footnote-ref"><a href="#fn-2" id="fnref-2">2<\/a><\/sup>/);
  assert.match(
    html,
    /<section class="footnotes">\s*<ol>\s*<li id="fn-1">\s*<p>Second\.<a href="#fnref-1" class="footnote-back"> ↩<\/a><\/p>/,
  );
  assert.match(html, /<li id="fn-2">\s*<p>First <em>note<\/em>\./);
  assert.doesNotMatch(html, /\[\^a\]:/, "definitions are not left as text");
});

test("a reference without a definition stays text", () => {
  assert.match(render("See [^nope]."), /<p>See \[\^nope\]\.<\/p>/);
});

test("headings get unique anchors; an h1 comes down to h2 (the page's title is the h1)", () => {
  const html = render("# Café society\n\n## Café society\n\n### `code` and more");
  assert.match(
    html,
    /<h2 id="cafe-society">Café society <a href="#cafe-society" class="heading-anchor">#<\/a><\/h2>/,
  );
  assert.match(html, /<h2 id="cafe-society-2">/);
  assert.match(html, /<h3 id="code-and-more"><code>code<\/code> and more/);
  assert.doesNotMatch(html, /<h1/);
});

test("tables keep their alignment, code its language, quotes their block", () => {
  const html = render("| a | b |\n|:-|-:|\n| 1 | 2 |\n\n```ts\nconst x = 1 < 2;\n```\n\n> said");
  assert.match(html, /<th style="text-align:left">a<\/th>/);
  assert.match(html, /<td style="text-align:right">2<\/td>/);
  assert.match(html, /<pre><code class="language-ts">const x = 1 &lt; 2;\n<\/code><\/pre>/);
  assert.match(html, /<blockquote>\s*<p>said<\/p>\s*<\/blockquote>/);
});

test("images only from the media library; others are dropped", () => {
  const html = render(
    "![ok](/media/ab/cd.png) ![abs](https://coop.example/media/x.webp) ![far](https://tracker.example/p.gif) ![up](/media/../secret) ![q](/media/a.png?x=1)",
  );
  assert.match(
    html,
    /<img src="https:\/\/coop.example\/media\/ab\/cd.png" alt="ok" loading="lazy" \/>/,
  );
  assert.match(html, /<img src="https:\/\/coop.example\/media\/x.webp" alt="abs"/);
  assert.equal(html.match(/<img/g)?.length, 2);
  assert.doesNotMatch(html, /tracker|secret|x=1/);
  assert.deepEqual(embeddedImages("![a](/media/a.png) ![b](https://x.example/b.png)", origin), [
    "https://coop.example/media/a.png",
  ]);
  assert.equal(
    libraryImageUrl("//coop.example/media/a.png", origin),
    "https://coop.example/media/a.png",
  );
  assert.equal(libraryImageUrl("javascript:alert(1)", origin), null);
});

test("hostile input comes out inert", () => {
  const html = render(
    [
      "<script>alert(1)</script>",
      '<img src=x onerror="alert(1)">',
      "[click](javascript:alert(1)) [data](data:text/html,<b>x</b>) [vb](vbscript:x)",
      '<a href="https://x.example" onclick="steal()">raw</a>',
      "<iframe src=https://evil.example></iframe>",
      "[ok](https://example.org/page)",
      '# <span id="__proto__">x</span>',
    ].join("\n\n"),
  );
  assert.doesNotMatch(html, /<script|<iframe|<span|href="javascript|href="data|href="vbscript/i);
  assert.doesNotMatch(html, /<[a-z][^>]*\son\w+=/i, "no tag carries an event handler");
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/, "raw HTML is shown as text");
  assert.match(
    html,
    /<a href="https:\/\/example.org\/page" rel="nofollow noopener noreferrer">ok<\/a>/,
  );
});

test("ids a sanitizer would not expect are dropped with their element", () => {
  // A heading whose text makes an id of only punctuation falls back to "section".
  assert.match(render("## !!!"), /<h2 id="section">/);
});

test("reading time: about 230 words a minute, at least one", () => {
  assert.equal(readingMinutes(""), 1);
  assert.equal(readingMinutes("word ".repeat(230 * 7)), 7);
  assert.equal(readingMinutes("palabra ".repeat(1000)), 4);
});

test("a huge source is cut before parsing, not an error", () => {
  const html = render("a".repeat(300_000));
  assert.ok(html.length < 210_000);
});
