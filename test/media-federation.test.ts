/**
 * Articles across two real nodes (127.0.47.x): a publication on node A, its
 * writer and editor; a reader on node B who follows the publication as Mastodon
 * would (@gazette@A). The published Article reaches B announced by the Group,
 * with its name, summary, content, url (the public page, what Mastodon links
 * under the title), image (the cover), attributedTo (the writer) and audience
 * (the publication); an edit follows as an Update. B's reply comes back and
 * shows as a comment; once the editors lock the comments, a reply from B is
 * refused. A member's own article goes to their followers as Create(Article),
 * and a plain reply to it (addressed as Mastodon addresses one) is a comment.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import sharp from "sharp";
import { followRemote, followStatus, waitFor } from "../src/federation/testing.ts";
import { writeInRemoteGroup } from "../src/groups/threads.ts";
import { createDraft, updateDraft } from "../src/media/articles.ts";
import { commentsOn, lockComments } from "../src/media/comments.ts";
import { createPublication, setStaffRole } from "../src/media/publications.ts";
import { approveArticle, publishArticle, submitArticle } from "../src/media/workflow.ts";
import { createPost, textPost } from "../src/social/posts.ts";
import { storeImage } from "../src/storage/images.ts";
import { createMember } from "./support/login.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";

let a: TestNode;
let b: TestNode;
const stops: (() => Promise<void>)[] = [];

before(async () => {
  [a, b] = await Promise.all([
    startTestNode({
      host: "127.0.47.1",
      env: { SYNCO_LOG_LEVEL: process.env.MEDIA_LOG ?? "error" },
    }),
    startTestNode({
      host: "127.0.47.2",
      env: { SYNCO_LOG_LEVEL: process.env.MEDIA_LOG ?? "error" },
    }),
  ]);
  for (const n of [a, b]) stops.push(await n.node.startWorker());
});
after(async () => {
  for (const stop of stops) await stop();
  await Promise.all([a?.close(), b?.close()]);
});

const postOn = (n: TestNode, uri: string) =>
  n.node.db.db.selectFrom("posts").selectAll().where("uri", "=", uri).executeTakeFirst();

/** Nothing left to relay, deliver or process on node n (its outbox and queues are empty). */
const drained = async (n: TestNode) => {
  const { db } = n.node.db;
  const events = await db
    .selectFrom("outbox_events")
    .select("id")
    .where("relayed_at", "is", null)
    .executeTakeFirst();
  const queued = await db.selectFrom("queue_messages").select("id").executeTakeFirst();
  return !events && !queued;
};

test("a follower on another node gets the Article from the publication, and their reply comes back as a comment", async () => {
  const ana = await createMember(a, { username: "ana", password: "password123", role: "admin" });
  const wes = await createMember(a, { username: "wes", password: "password123" });
  const ben = await createMember(b, { username: "ben", password: "password123" });
  const pub = await createPublication(socialOf(a), ana, {
    name: "gazette",
    displayName: "The Gazette",
  });
  assert.ok(pub.ok);
  assert.ok(
    (
      await setStaffRole(socialOf(a), ana, {
        publicationId: pub.value.id,
        accountId: wes.id,
        role: "writer",
      })
    ).ok,
  );
  const groupUri = `${a.url}/groups/gazette`;
  const followed = await followRemote(b.node, ben, `gazette@${a.domain}`);
  assert.equal(followed.actor.type, "Group");
  await waitFor(
    "ben follows the gazette",
    async () => (await followStatus(b.node, `${b.url}/users/ben`, groupUri)) === "accepted",
  );

  const png = await sharp({
    create: { width: 12, height: 8, channels: 3, background: { r: 20, g: 90, b: 160 } },
  })
    .png()
    .toBuffer();
  const cover = await storeImage(
    a.node.db.db,
    a.node.config,
    { bytes: new Uint8Array(png), purpose: "attachment", ownerId: wes.id },
    a.node.federation.deps.clock,
  );
  assert.ok(cover.ok);
  const draft = await createDraft(socialOf(a), wes, {
    publicationId: pub.value.id,
    title: "The river is back",
    summary: "After ten years, the town's river runs clean.",
    body: "## What changed\n\nThe co-op cleaned it[^1].\n\n[^1]: With the council.",
    language: "en",
    tags: ["river"],
    cover: { uploadId: cover.value.id, alt: "The river at dawn" },
  });
  assert.ok(draft.ok);
  assert.ok((await submitArticle(socialOf(a), wes, draft.value.id)).ok);
  assert.ok((await approveArticle(socialOf(a), ana, draft.value.id)).ok);
  const published = await publishArticle(socialOf(a), ana, draft.value.id);
  assert.ok(published.ok);
  const article = await a.node.db.db
    .selectFrom("posts")
    .selectAll()
    .where("id", "=", published.value.postId)
    .executeTakeFirstOrThrow();

  // What a server fetching the post (Mastodon resolving a link) reads.
  const res = await fetch(article.uri, { headers: { accept: "application/activity+json" } });
  assert.equal(res.status, 200);
  const json = (await res.json()) as Record<string, unknown>;
  assert.equal(json.type, "Article");
  assert.equal(json.name, "The river is back");
  assert.equal(json.summary, "After ten years, the town's river runs clean.");
  assert.match(String(json.content), /<h2 id="what-changed">What changed/);
  assert.equal(json.url, `${a.url}/articles/the-river-is-back`);
  assert.equal(json.attributedTo, `${a.url}/users/wes`);
  assert.equal(json.audience, groupUri);
  const image = json.image as { type: string; url: string; name: string };
  assert.equal(image.type, "Image");
  assert.match(image.url, new RegExp(`^${a.url}/media/`));
  assert.equal(image.name, "The river at dawn");

  // B gets it, announced by the Group.
  await waitFor("B receives the article", async () => !!(await postOn(b, article.uri)));
  const onB = await postOn(b, article.uri);
  assert.ok(onB);
  assert.equal(onB.kind, "article");
  assert.equal(onB.title, "The river is back");
  assert.equal(onB.summary, "After ten years, the town's river runs clean.");
  assert.equal(onB.spoiler, "", "a summary is no content warning");
  assert.equal(onB.url, `${a.url}/articles/the-river-is-back`);
  assert.equal(onB.author_uri, `${a.url}/users/wes`);
  assert.equal(onB.audience_uri, groupUri);
  assert.match(onB.content_html, /The co-op cleaned it/);
  const media = await b.node.db.db
    .selectFrom("post_media")
    .selectAll()
    .where("post_id", "=", onB.id)
    .execute();
  assert.deepEqual(
    media.map((m) => m.description),
    ["The river at dawn"],
  );

  // An editor's copy edit reaches B as an Update, announced by the Group.
  const edited = await updateDraft(socialOf(a), ana, draft.value.id, {
    title: "The river is back",
    summary: "After ten years, the river runs clean again.",
    body: "## What changed\n\nThe co-op cleaned it, with the council.",
    language: "en",
    tags: ["river"],
    cover: { uploadId: cover.value.id, alt: "The river at dawn" },
  });
  assert.ok(edited.ok);
  await waitFor("B has the edit", async () =>
    /with the council/.test((await postOn(b, article.uri))?.content_html ?? ""),
  );
  assert.equal(
    (await postOn(b, article.uri))?.summary,
    "After ten years, the river runs clean again.",
  );

  // ben replies from B: it goes to the Group and shows under the article on A.
  const reply = await writeInRemoteGroup(socialOf(b), groupUri, ben, {
    ...textPost("So glad to read this!"),
    inReplyToId: onB.id,
  });
  assert.ok(reply.ok);
  await waitFor("the reply shows as a comment on A", async () =>
    (await commentsOn(a.node.db.db, article.id)).some((c) => c.uri === reply.value.uri),
  );
  const comment = (await commentsOn(a.node.db.db, article.id)).find(
    (c) => c.uri === reply.value.uri,
  );
  assert.equal(comment?.authorUri, `${b.url}/users/ben`);
  assert.match(comment?.contentHtml ?? "", /So glad/);

  // The editors lock the comments: ben's next reply is refused on arrival.
  assert.ok((await lockComments(socialOf(a), ana, draft.value.id, true)).ok);
  const late = await writeInRemoteGroup(socialOf(b), groupUri, ben, {
    ...textPost("One more thing"),
    inReplyToId: onB.id,
  });
  assert.ok(late.ok, "B cannot know; A decides");
  // B delivered it (its queues are empty), then A's inbox queue has run dry: A has handled it.
  await waitFor("B has delivered the late reply", () => drained(b));
  await waitFor("A has processed it", () => drained(a));
  assert.equal(await postOn(a, late.value.uri), undefined);
  assert.equal((await commentsOn(a.node.db.db, article.id)).length, 1);
});

test("a member's own article goes to their followers as Create(Article); a plain reply (as Mastodon sends it) is a comment", async () => {
  const liv = await createMember(a, { username: "liv", password: "password123" });
  const bo = await createMember(b, { username: "bo", password: "password123" });
  await followRemote(b.node, bo, `liv@${a.domain}`);
  await waitFor(
    "bo follows liv",
    async () =>
      (await followStatus(b.node, `${b.url}/users/bo`, `${a.url}/users/liv`)) === "accepted",
  );
  const draft = await createDraft(socialOf(a), liv, {
    title: "Notes from the allotment",
    summary: "What grew this year.",
    body: "Beans, mostly.",
  });
  assert.ok(draft.ok);
  const published = await publishArticle(socialOf(a), liv, draft.value.id);
  assert.ok(published.ok);
  const uri = `${a.url}/posts/${published.value.postId}`;
  await waitFor("bo's node gets the article", async () => !!(await postOn(b, uri)));
  const onB = await postOn(b, uri);
  assert.equal(onB?.kind, "article");
  assert.equal(onB?.title, "Notes from the allotment");
  assert.equal(onB?.summary, "What grew this year.");
  assert.equal(onB?.url, `${a.url}/articles/notes-from-the-allotment`);
  assert.equal(onB?.audience_uri, null);
  const home = await b.node.db.db
    .selectFrom("home_entries")
    .select("post_id")
    .where("account_id", "=", bo.id)
    .where("post_id", "=", onB?.id ?? "")
    .executeTakeFirst();
  assert.ok(home, "in bo's home timeline");

  // bo replies as any Mastodon user would: to the author, no group involved.
  const reply = await createPost(socialOf(b), bo, {
    ...textPost("Beans are underrated."),
    visibility: "public",
    inReplyToId: onB?.id ?? null,
  });
  assert.ok(reply.ok);
  const replyUri = `${b.url}/posts/${reply.value.id}`;
  await waitFor("the reply is a comment on A", async () =>
    (await commentsOn(a.node.db.db, published.value.postId)).some((c) => c.uri === replyUri),
  );
});
