/**
 * Post cards kept rendered (src/web/social/card-cache.ts) must never show what a
 * fresh render would not: after each change, the page as served (cards kept
 * before the change) equals the page rendered with no card kept — an edit, a like
 * by the viewer, a boost, a new display name of the author, a deletion, a mute
 * and a block, a switch of language — and two viewers never get each other's
 * like or boost. The relative age of a post ("3 min") is compared by its own test
 * against time.ts's wording. On a real node, SQLite and PostgreSQL alike.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ageWording, cardCounts, forgetCards } from "../src/web/social/card-cache.ts";
import { relativeDate } from "../src/web/time.ts";
import { until } from "./api-helpers.ts";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
let ann: SignedIn;
let ben: SignedIn;
let cy: SignedIn;
after(() => node.close());

before(async () => {
  node = await startTestNode({ host: "127.0.77.24" });
  for (const name of ["ann", "ben", "cy"])
    await createMember(node, { username: name, password: "long enough" });
  [ann, ben, cy] = await Promise.all([
    signIn(node, "ann", "long enough"),
    signIn(node, "ben", "long enough"),
    signIn(node, "cy", "long enough"),
  ]);
  for (const who of ["ann", "cy"])
    assert.equal((await ben.post("/network/follow", { uri: uri(who) })).status, 303);
});

const uri = (username: string) => `${node.url}/users/${username}`;
const db = () => node.node.db.db;

async function write(who: SignedIn, text: string): Promise<string> {
  const form = new FormData();
  form.set("visibility", "public");
  form.set("text", text);
  const res = await who.postMultipart("/social/posts", form);
  assert.equal(res.status, 303, await res.text());
  const row = await db()
    .selectFrom("posts")
    .select("id")
    .where("source", "=", text)
    .orderBy("id", "desc")
    .executeTakeFirstOrThrow();
  return row.id;
}

const read = async (who: SignedIn, path: string) => {
  const res = await who.get(path);
  assert.equal(res.status, 200);
  return res.text();
};

// The relative age ("now", "3 min") may move between two reads; its wording has its own test below.
const withoutAges = (page: string) => page.replace(/(<time [^>]*>)[^<]*(<\/time>)/g, "$1$2");

/**
 * `change`, then the page as served (cards kept from before it) and the page with
 * no card kept: the same. Returns the page as served.
 */
async function afterChange(
  who: SignedIn,
  path: string,
  change: () => Promise<unknown>,
  { allNew = false } = {},
) {
  await read(who, path);
  await change();
  const { kept } = cardCounts;
  const served = await read(who, path);
  // Some cards came from the cache (else this proves nothing about it), unless every card changed.
  assert.ok(allNew ? cardCounts.kept === kept : cardCounts.kept > kept, "cards were kept");
  forgetCards();
  assert.equal(withoutAges(served), withoutAges(await read(who, path)));
  return served;
}

/** A post's card in a page (from its <article> to its end), or null. */
const card = (page: string, id: string) => {
  const start = page.indexOf(`id="post-${id}"`);
  if (start < 0) return null;
  return page.slice(page.lastIndexOf("<article", start), page.indexOf("</article>", start));
};
// A pressed toggle's form undoes (its data-undo names the undo either way).
const likedIn = (page: string, id: string) =>
  card(page, id)?.includes(`action="/posts/${id}/unlike"`);
const boostedIn = (page: string, id: string) =>
  card(page, id)?.includes(`action="/posts/${id}/unboost"`);

describe("kept post cards", () => {
  let rye: string;
  let spelt: string;
  let oats: string;

  before(async () => {
    rye = await write(ann, "Rye bread");
    spelt = await write(ann, "Spelt loaves");
    oats = await write(cy, "Oats from cy");
    await until(
      async () => (await read(ben, "/social")).includes("Oats from cy"),
      "ben's home timeline",
    );
  });

  it("show an edit", async () => {
    const page = await afterChange(ben, "/social", () =>
      ann.post(`/posts/${rye}/edit`, { text: "Rye bread, sourdough" }),
    );
    assert.match(card(page, rye) ?? "", /Rye bread, sourdough/);
  });

  it("show the viewer's like and boost, and only to them", async () => {
    let page = await afterChange(ben, "/social", () => ben.post(`/posts/${rye}/like`, {}));
    assert.equal(likedIn(page, rye), true);
    assert.match(card(page, rye) ?? "", /Likes 1/);
    page = await afterChange(ben, "/social", () => ben.post(`/posts/${spelt}/boost`, {}));
    assert.equal(boostedIn(page, spelt), true);
    // Cy sees the same posts (the local timeline) with the counts, but not ben's like or boost.
    const theirs = await afterChange(cy, "/social/local", async () => {});
    assert.equal(likedIn(theirs, rye), false, "ben's like, not cy's");
    assert.equal(boostedIn(theirs, spelt), false, "ben's boost, not cy's");
    assert.match(card(theirs, rye) ?? "", /Likes 1/);
    // And ben's own cards are still his.
    page = await afterChange(ben, "/social/local", async () => {});
    assert.equal(likedIn(page, rye), true, "ben's like");
    assert.equal(boostedIn(page, spelt), true, "ben's boost");
  });

  it("show a boost by someone followed", async () => {
    const page = await afterChange(ben, "/social", () => cy.post(`/posts/${rye}/boost`, {}));
    assert.match(page, /cy boosted/);
    assert.match(card(page, rye) ?? "", /Boosts 1/);
  });

  it("show the author's new display name", async () => {
    const page = await afterChange(ben, "/social", () =>
      ann.post("/settings/profile", { displayName: "Ann the Baker", bio: "", language: "en" }),
    );
    assert.match(card(page, spelt) ?? "", /Ann the Baker/);
  });

  it("leave out a deleted post", async () => {
    const page = await afterChange(ben, "/social", () => ann.post(`/posts/${spelt}/delete`, {}));
    assert.equal(card(page, spelt), null);
    assert.notEqual(card(page, rye), null);
  });

  it("leave out a muted and a blocked author", async () => {
    const person = { actor: uri("cy") };
    let page = await afterChange(ben, "/social", () => ben.post("/people/mute", person));
    assert.equal(card(page, oats), null);
    assert.doesNotMatch(page, /cy boosted/);
    await ben.post("/people/unmute", person);
    assert.notEqual(card(await read(ben, "/social/local"), oats), null);
    page = await afterChange(ben, "/social/local", () => ben.post("/people/block", person));
    assert.equal(card(page, oats), null);
  });

  it("follow a switch of language", async () => {
    const page = await afterChange(
      ben,
      "/social/local",
      () => ben.post("/settings/profile", { displayName: "", bio: "", language: "es" }),
      { allNew: true },
    );
    assert.match(page, /<html lang="es">/);
    assert.match(card(page, rye) ?? "", /Pública/);
    assert.doesNotMatch(card(page, rye) ?? "", /"Like"/);
  });
});

describe("a kept card's age", () => {
  it("is reworded whenever time.ts would word it otherwise", () => {
    // Read every 97 s over two hours, across a new year (the day's wording shows the year).
    const start = Date.parse("2026-12-31T22:30:00Z");
    const reads = Array.from({ length: 80 }, (_, i) => start + i * 97_000);
    const posted = [0, 59_000, 3_599_000, 86_000_000, 400 * 86_400_000, -120_000].map((ago) =>
      new Date(start - ago).toISOString(),
    );
    let checked = 0;
    for (const iso of posted)
      for (const a of reads)
        for (const b of reads)
          if (ageWording(iso, a) === ageWording(iso, b))
            for (const locale of ["en", "es"]) {
              assert.equal(
                relativeDate(locale, iso, a),
                relativeDate(locale, iso, b),
                `${iso} at ${a}, ${b}`,
              );
              checked++;
            }
    assert.ok(checked > reads.length * posted.length);
  });
});
