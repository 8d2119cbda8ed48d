/**
 * Posts on one node through the web pages: writing (visibility, content
 * warning, mentions, hashtags, links, an image with alt text, a poll), the
 * timelines and thread pages, editing and deleting, and who may see what.
 * Bad input is refused with a clear 4xx and changes nothing.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import sharp from "sharp";
import { systemClock } from "../src/kernel/clock.ts";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
after(() => node.close());

const db = () => node.node.db.db;
const posts = (authorUri?: string) =>
  db()
    .selectFrom("posts")
    .selectAll()
    .$if(authorUri !== undefined, (q) => q.where("author_uri", "=", authorUri as string))
    .orderBy("id")
    .execute();
const uri = (username: string) => `${node.url}/users/${username}`;
const count = async (
  table: "posts" | "outbox_events" | "uploads" | "likes" | "bookmarks" | "polls",
) =>
  Number(
    (
      await db()
        .selectFrom(table)
        // Images of a refused form are kept for its next try (form_uploads), not counted as written.
        .$if(table === "uploads", (q) =>
          q.where("id", "not in", db().selectFrom("form_uploads").select("upload_id")),
        )
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );

async function member(username: string): Promise<SignedIn> {
  await createMember(node, { username, password: "long enough" });
  return signIn(node, username, "long enough");
}

function compose(fields: Record<string, string | Blob>): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries({ visibility: "public", ...fields })) form.set(k, v);
  return form;
}

async function write(who: SignedIn, fields: Record<string, string | Blob>) {
  const res = await who.postMultipart("/social/posts", compose(fields));
  assert.equal(res.status, 303, await res.text());
}

let ana: SignedIn;
let ben: SignedIn;
let cy: SignedIn;
before(async () => {
  node = await startTestNode({ host: "127.0.10.1" });
  ana = await member("ana");
  ben = await member("ben");
  cy = await member("cy");
  // ben follows ana (members of one node: accepted at once).
  const res = await ben.post("/network/follow", { uri: uri("ana") });
  assert.equal(res.status, 303);
});

test("a post with a mention, a hashtag and a link becomes linked HTML; followers see it at home", async () => {
  await write(ana, {
    text: "Hello @ben, see https://example.org/x. #Bread & <b>bold</b>",
    spoiler: "",
  });
  const [post] = await posts(uri("ana"));
  assert.ok(post);
  assert.match(
    post.content_html,
    /<a href="http:\/\/127\.0\.10\.1:\d+\/@ben" class="u-url mention">@<span>ben<\/span><\/a>/,
  );
  assert.match(
    post.content_html,
    /<a href="https:\/\/example.org\/x" rel="nofollow noopener noreferrer" target="_blank">example.org\/x<\/a>\./,
  );
  assert.match(
    post.content_html,
    /<a href="http:\/\/[^"]+\/tags\/bread" class="mention hashtag" rel="tag">#<span>Bread<\/span><\/a>/,
  );
  assert.match(post.content_html, /&amp; &lt;b&gt;bold&lt;\/b&gt;/);
  const tags = await db()
    .selectFrom("post_tags")
    .selectAll()
    .where("post_id", "=", post.id)
    .execute();
  assert.deepEqual(
    tags.map((t) => t.tag),
    ["bread"],
  );
  const home = await (await ben.get("/social")).text();
  assert.match(home, /example\.org\/x/);
  const tag = await (await fetch(`${node.url}/tags/bread`)).text();
  assert.match(tag, /example\.org\/x/);
  // ben was mentioned: a notification.
  const notes = await (await ben.get("/notifications")).text();
  assert.match(notes, /mentioned you/);
  const events = await db()
    .selectFrom("outbox_events")
    .selectAll()
    .where("type", "=", "social.post.created")
    .execute();
  assert.ok(events.some((e) => JSON.parse(e.payload).postId === post.id));
});

test("visibility: followers-only and direct posts reach only who may see them", async () => {
  await write(ana, { text: "for followers", visibility: "followers" });
  await write(ana, { text: "just for @cy", visibility: "direct" });
  const mine = await posts(uri("ana"));
  const followersOnly = mine.find((p) => p.source === "for followers");
  const direct = mine.find((p) => p.source === "just for @cy");
  assert.ok(followersOnly && direct);
  // ben follows ana: sees followers-only, not the direct one.
  assert.equal((await ben.get(`/@ana/${followersOnly.id}`)).status, 200);
  assert.equal((await ben.get(`/@ana/${direct.id}`)).status, 404);
  // cy does not follow: sees the direct one only.
  assert.equal((await cy.get(`/@ana/${followersOnly.id}`)).status, 404);
  assert.equal((await cy.get(`/@ana/${direct.id}`)).status, 200);
  // Visitors see neither; and neither shows in public timelines.
  assert.equal((await fetch(`${node.url}/@ana/${followersOnly.id}`)).status, 404);
  const local = await (await fetch(`${node.url}/social/local`)).text();
  assert.doesNotMatch(local, /for followers|just for/);
  // The profile shows followers-only posts to followers only.
  assert.match(await (await ben.get("/@ana")).text(), /for followers/);
  assert.doesNotMatch(await (await cy.get("/@ana")).text(), /for followers/);
});

test("content warnings, replies and threads", async () => {
  await write(ana, { text: "spoilers inside", spoiler: "film ending" });
  const post = (await posts(uri("ana"))).find((p) => p.source === "spoilers inside");
  assert.ok(post);
  assert.equal(post.spoiler, "film ending");
  assert.equal(post.sensitive, 1);
  await write(ben, { text: "@ana I knew it", in_reply_to: post.id });
  const reply = (await posts(uri("ben"))).find((p) => p.source === "@ana I knew it");
  assert.equal(reply?.in_reply_to_id, post.id);
  assert.equal(reply?.thread_id, post.id);
  const page = await (await fetch(`${node.url}/@ana/${post.id}`)).text();
  assert.match(page, /<details class="spoiler"><summary>film ending/);
  assert.match(page, /I knew it/);
  const parent = (await posts(uri("ana"))).find((p) => p.id === post.id);
  assert.equal(parent?.replies_count, 1);
  assert.match(await (await ana.get("/notifications")).text(), /replied to you/);
});

test("an image with alt text; an image without alt text is refused", async () => {
  const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: "#336699" } })
    .png()
    .toBuffer();
  const before = await count("posts");
  const uploads = await count("uploads");
  const res = await ana.postMultipart(
    "/social/posts",
    compose({ text: "", image: new Blob([png], { type: "image/png" }) }),
  );
  assert.equal(res.status, 422);
  assert.match(await res.text(), /Describe the image/);
  assert.equal(await count("posts"), before);
  assert.equal(await count("uploads"), uploads);
  await write(ana, {
    text: "look",
    image: new Blob([png], { type: "image/png" }),
    alt: "a blue square",
  });
  const post = (await posts(uri("ana"))).find((p) => p.source === "look");
  assert.ok(post);
  const media = await db()
    .selectFrom("post_media")
    .selectAll()
    .where("post_id", "=", post.id)
    .execute();
  assert.equal(media.length, 1);
  assert.equal(media[0]?.description, "a blue square");
  assert.match(
    await (await fetch(`${node.url}/@ana/${post.id}`)).text(),
    /<img src="\/media\/[^"]+" alt="a blue square"/,
  );
});

test("four images, each with its own alt text; five, a missing alt or a non-image: 422, nothing written", async () => {
  const png = (background: string) =>
    sharp({ create: { width: 20, height: 20, channels: 3, background } })
      .png()
      .toBuffer();
  const image = async (colour: string) => new Blob([await png(colour)], { type: "image/png" });
  const colours = ["#ff0000", "#00ff00", "#0000ff", "#ffff00", "#00ffff"];
  const four: Record<string, string | Blob> = { text: "four of them" };
  for (const [i, colour] of colours.slice(0, 4).entries()) {
    four[`image_${i + 1}`] = await image(colour);
    four[`alt_${i + 1}`] = `square ${i + 1}`;
  }
  const bad: [string, Record<string, string | Blob>, RegExp][] = [
    ["five", { ...four, image_5: await image("#00ffff"), alt_5: "square 5" }, /At most 4 images/],
    [
      "five, the fifth under the one-image name",
      { ...four, image: await image("#00ffff"), alt: "square 0" },
      /At most 4 images/,
    ],
    ["a missing alt", { ...four, alt_3: "" }, /Describe the image/],
    [
      "a text file",
      { ...four, image_2: new Blob(["hello"], { type: "text/plain" }) },
      /is not an image/,
    ],
    [
      "not really a png",
      { ...four, image_4: new Blob(["not a png"], { type: "image/png" }) },
      /could not be read|not supported/,
    ],
  ];
  const before = { posts: await count("posts"), uploads: await count("uploads") };
  for (const [what, fields, message] of bad) {
    const res = await ana.postMultipart("/social/posts", compose(fields));
    assert.equal(res.status, 422, what);
    assert.match(await res.text(), message, what);
    assert.deepEqual(
      { posts: await count("posts"), uploads: await count("uploads") },
      before,
      what,
    );
  }
  // The form offers the four slots.
  const page = await (await ana.get("/social")).text();
  for (const n of [1, 2, 3, 4])
    assert.match(page, new RegExp(`name="image_${n}"[\\s\\S]*name="alt_${n}"`));
  assert.doesNotMatch(page, /name="image_5"/);

  await write(ana, four);
  const post = (await posts(uri("ana"))).find((p) => p.source === "four of them");
  assert.ok(post);
  const media = await db()
    .selectFrom("post_media")
    .select(["position", "description"])
    .where("post_id", "=", post.id)
    .orderBy("position")
    .execute();
  assert.deepEqual(
    media.map((m) => [m.position, m.description]),
    [
      [0, "square 1"],
      [1, "square 2"],
      [2, "square 3"],
      [3, "square 4"],
    ],
  );
  const thread = await (await fetch(`${node.url}/@ana/${post.id}`)).text();
  for (const n of [1, 2, 3, 4]) assert.match(thread, new RegExp(`alt="square ${n}"`));
});

test("bad input on the compose form: 422 with field errors, 403 without CSRF, nothing written", async () => {
  const before = await count("posts");
  const events = await count("outbox_events");
  const bad: Record<string, string>[] = [
    { text: "" },
    { text: "x".repeat(5001) },
    { text: "hi", visibility: "everyone" },
    { text: "hi", spoiler: "s".repeat(501) },
    { text: "hi", in_reply_to: "not-an-id" },
    { text: "hi", in_reply_to: "01900000-0000-7000-8000-000000000000" },
    { text: "poll", poll_option_1: "only one" },
    { text: "poll", poll_option_1: "same", poll_option_2: "same" },
    { text: "poll", poll_option_1: "a", poll_option_2: "b", poll_duration: "5" },
  ];
  for (const fields of bad) {
    const res = await ana.postMultipart("/social/posts", compose(fields));
    assert.equal(res.status, 422, JSON.stringify(fields));
    assert.match(await res.text(), /role="alert"/);
  }
  const noCsrf = compose({ text: "sneaky" });
  noCsrf.set("_csrf", "wrong");
  assert.equal((await ana.postMultipart("/social/posts", noCsrf)).status, 403);
  const visitor = await fetch(`${node.url}/social/posts`, {
    method: "POST",
    body: compose({ text: "x" }),
    redirect: "manual",
  });
  assert.equal(visitor.status, 403);
  assert.equal(await count("posts"), before);
  assert.equal(await count("outbox_events"), events);
});

test("edit and delete: only the author; others get 404 and nothing changes", async () => {
  await write(ana, { text: "first draft #one" });
  const post = (await posts(uri("ana"))).find((p) => p.source === "first draft #one");
  assert.ok(post);
  assert.equal(
    (await ben.post(`/posts/${post.id}/edit`, { text: "hijacked", spoiler: "" })).status,
    404,
  );
  assert.equal((await ben.get(`/posts/${post.id}/edit`)).status, 404);
  assert.equal((await ben.post(`/posts/${post.id}/delete`, {})).status, 404);
  assert.equal((await ana.post(`/posts/${post.id}/edit`, { text: "", spoiler: "" })).status, 422);
  assert.equal((await ana.post("/posts/nope/edit", { text: "x" })).status, 404);
  let row = await db()
    .selectFrom("posts")
    .selectAll()
    .where("id", "=", post.id)
    .executeTakeFirstOrThrow();
  assert.equal(row.source, "first draft #one");
  assert.equal(row.edited_at, null);

  assert.equal(
    (await ana.post(`/posts/${post.id}/edit`, { text: "second draft #two", spoiler: "" })).status,
    303,
  );
  row = await db()
    .selectFrom("posts")
    .selectAll()
    .where("id", "=", post.id)
    .executeTakeFirstOrThrow();
  assert.match(row.content_html, /second draft/);
  assert.ok(row.edited_at);
  const tags = await db()
    .selectFrom("post_tags")
    .select("tag")
    .where("post_id", "=", post.id)
    .execute();
  assert.deepEqual(
    tags.map((t) => t.tag),
    ["two"],
  );
  assert.equal(
    (await ana.post(`/posts/${post.id}/edit`, { text: "third draft", spoiler: "cw" })).status,
    303,
  );
  const kept = await db()
    .selectFrom("post_edits")
    .selectAll()
    .where("post_id", "=", post.id)
    .orderBy("id")
    .execute();
  assert.deepEqual(
    kept.map((e) => [e.source, e.spoiler, e.created_at]),
    [
      ["first draft #one", "", post.created_at],
      ["second draft #two", "", row.edited_at],
    ],
  );
  const page = await (await ana.get(`/@ana/${post.id}`)).text();
  assert.match(page, /<details class="post-history" id="history">/);
  assert.match(page, /Earlier versions \(2\)/);
  assert.ok(page.indexOf("first draft") < page.indexOf("second draft"));
  assert.match(page, /href="\/@ana\/[^"]+#history"/);

  assert.equal((await ana.post(`/posts/${post.id}/delete`, {})).status, 303);
  row = await db()
    .selectFrom("posts")
    .selectAll()
    .where("id", "=", post.id)
    .executeTakeFirstOrThrow();
  assert.ok(row.deleted_at);
  assert.equal(row.content_html, "");
  assert.equal(
    (await db().selectFrom("post_edits").select("id").where("post_id", "=", post.id).execute())
      .length,
    0,
  );
  assert.equal((await fetch(`${node.url}/@ana/${post.id}`)).status, 404);
  const types = (await db().selectFrom("outbox_events").select(["type", "payload"]).execute())
    .filter((e) => JSON.parse(e.payload).postId === post.id)
    .map((e) => e.type);
  assert.deepEqual(types, [
    "social.post.created",
    "social.post.updated",
    "social.post.updated",
    "social.post.deleted",
  ]);
});

test("a follow brings the author's recent posts home; an unfollow takes them away, except mentions", async () => {
  await write(cy, { text: "cy for everyone" });
  await write(cy, { text: "cy to @ben" });
  assert.equal((await ben.post("/network/follow", { uri: uri("cy") })).status, 303);
  await write(cy, { text: "cy after the follow" });
  let home = await (await ben.get("/social")).text();
  // Earlier posts came in with the follow.
  assert.match(home, /cy for everyone/);
  assert.match(home, /cy after the follow/);
  assert.match(home, /cy to /);
  assert.equal((await ben.post("/network/unfollow", { uri: uri("cy") })).status, 303);
  home = await (await ben.get("/social")).text();
  assert.doesNotMatch(home, /cy after the follow|cy for everyone/);
  assert.match(home, /cy to /);
});

test("timelines page back with max_id; a bad cursor is a 400", async () => {
  for (let i = 0; i < 23; i++) await write(cy, { text: `numbered ${i}` });
  const first = await (await fetch(`${node.url}/social/local`)).text();
  const next = /href="\/social\/local\?max_id=([^"]+)"/.exec(first)?.[1];
  assert.ok(next, "a link to older posts");
  assert.match(first, /numbered 22/);
  const second = await (await fetch(`${node.url}/social/local?max_id=${next}`)).text();
  assert.doesNotMatch(second, /numbered 22/);
  assert.match(second, /numbered 0/);
  assert.equal((await fetch(`${node.url}/social/local?max_id=x'--`)).status, 400);
  assert.equal((await fetch(`${node.url}/tags/${encodeURIComponent("<b>")}`)).status, 404);
  assert.equal((await fetch(`${node.url}/@cy/not-a-post`)).status, 404);
  assert.equal((await fetch(`${node.url}/posts/not-a-post`)).status, 404);
  assert.equal((await fetch(`${node.url}/@cy?max_id=nope`)).status, 400);
  // A visitor at /social goes to the public timeline; the home page needs a member.
  assert.equal((await fetch(`${node.url}/social`, { redirect: "manual" })).status, 302);
});

test("hydrating ids that do not exist gives nothing (and no SQL error on either database)", async () => {
  const { hydrate } = await import("../src/social/views.ts");
  const s = { db: node.node.db.db, origin: node.url, domain: node.domain, clock: systemClock };
  assert.deepEqual(await hydrate(s, null, null, ["00000000-0000-7000-8000-000000000000"]), []);
});
