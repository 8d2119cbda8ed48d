import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type GroupsFixture, groupsFixture, ORIGIN } from "../../test/support/groups.ts";
import { joinGroup } from "../groups/memberships.ts";
import { groupReports } from "../groups/reports.ts";
import { writeInGroup } from "../groups/threads.ts";
import { memberUri } from "../kernel/uris.ts";
import { report } from "../social/moderation.ts";
import { textPost } from "../social/posts.ts";
import { createDraft, updateDraft } from "./articles.ts";
import { createPublication, removeFromStaff, roleIn, setStaffRole } from "./publications.ts";
import { publishDueArticles } from "./scheduler.ts";
import {
  approveArticle,
  featureArticle,
  publishArticle,
  returnArticle,
  scheduleArticle,
  submitArticle,
  unscheduleArticle,
} from "./workflow.ts";

let f: GroupsFixture;
before(async () => {
  f = await groupsFixture();
});
after(() => f.handle.close());

async function outlet(name: string) {
  const editor = await f.member(`${name}_ed`);
  const writer = await f.member(`${name}_wr`);
  const made = await createPublication(f.ctx, editor, { name, displayName: name });
  assert.ok(made.ok, JSON.stringify(made));
  const role = await setStaffRole(f.ctx, editor, {
    publicationId: made.value.id,
    accountId: writer.id,
    role: "writer",
  });
  assert.ok(role.ok);
  return { editor, writer, publication: made.value };
}

const log = async (articleId: string) =>
  (
    await f.handle.db
      .selectFrom("article_log")
      .leftJoin("accounts", "accounts.id", "article_log.actor_account_id")
      .select(["action", "accounts.username", "revision", "note"])
      .where("article_id", "=", articleId)
      .orderBy("article_log.id")
      .execute()
  ).map((r) => `${r.action}:${r.username ?? "-"}:${r.revision}${r.note ? `:${r.note}` : ""}`);

test("draft → submitted → returned with comments → revised → approved → published, logged; the Group announces it", async () => {
  const { editor, writer, publication } = await outlet("gazette");
  assert.equal(publication.kind, "publication");
  assert.equal(await roleIn(f.handle.db, publication.id, editor.id), "editor");
  const made = await createDraft(f.ctx, writer, {
    title: "Local news",
    body: "Draft.",
    publicationId: publication.id,
  });
  assert.ok(made.ok);
  const id = made.value.id;
  // The writer cannot skip the editors.
  assert.deepEqual(await approveArticle(f.ctx, writer, id), { ok: false, reason: "forbidden" });
  assert.deepEqual(await publishArticle(f.ctx, writer, id), { ok: false, reason: "forbidden" });
  // Nor can the editor approve what was not submitted.
  assert.deepEqual(await approveArticle(f.ctx, editor, id), { ok: false, reason: "wrong-state" });
  assert.ok((await submitArticle(f.ctx, writer, id)).ok);
  // While it is with the editors, the writer waits.
  assert.deepEqual(await updateDraft(f.ctx, writer, id, { title: "Local news", body: "Sneaky." }), {
    ok: false,
    reason: "forbidden",
  });
  // Returning needs something to say.
  assert.deepEqual(await returnArticle(f.ctx, editor, id, {}), { ok: false, reason: "invalid" });
  const returned = await returnArticle(f.ctx, editor, id, {
    note: "Needs a source.",
    comments: [{ quote: "Draft.", body: "Say who told you." }],
  });
  assert.ok(returned.ok);
  const comments = await f.handle.db
    .selectFrom("article_comments")
    .selectAll()
    .where("article_id", "=", id)
    .execute();
  assert.deepEqual(
    comments.map((c) => [c.quote, c.body, c.revision, c.log_id]),
    [["Draft.", "Say who told you.", 1, returned.value.logId]],
  );
  assert.ok(
    (await updateDraft(f.ctx, writer, id, { title: "Local news", body: "Draft, sourced." })).ok,
  );
  assert.ok((await submitArticle(f.ctx, writer, id)).ok);
  assert.ok((await approveArticle(f.ctx, editor, id, { note: "Good." })).ok);
  const published = await publishArticle(f.ctx, editor, id);
  assert.ok(published.ok);
  const post = await f.handle.db
    .selectFrom("posts")
    .selectAll()
    .where("id", "=", published.value.postId)
    .executeTakeFirstOrThrow();
  assert.equal(post.author_account_id, writer.id, "attributed to the writer");
  assert.equal(post.audience_uri, `${ORIGIN}/groups/gazette`);
  assert.equal(post.group_id, publication.id);
  assert.equal(post.url, `${ORIGIN}/articles/local-news`);
  assert.deepEqual(
    (await f.events("groups.post.created")).filter((e) => e.postId === post.id).length,
    1,
    "announced by the publication's Group",
  );
  assert.equal(
    (await f.events("social.post.created")).filter((e) => e.postId === post.id).length,
    0,
  );
  assert.deepEqual(await log(id), [
    `created:${writer.username}:1`,
    `submitted:${writer.username}:1`,
    `returned:${editor.username}:1:Needs a source.`,
    `revised:${writer.username}:2`,
    `submitted:${writer.username}:2`,
    `approved:${editor.username}:2:Good.`,
    `published:${editor.username}:2`,
  ]);
  // Featuring on the front page.
  assert.deepEqual(await featureArticle(f.ctx, writer, id, true), {
    ok: false,
    reason: "forbidden",
  });
  assert.ok((await featureArticle(f.ctx, editor, id, true)).ok);
  const row = await f.handle.db
    .selectFrom("articles")
    .select("featured_at")
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  assert.equal(row.featured_at, f.clock.now().toISOString());
});

test("only the staff write for a publication; it always keeps an editor", async () => {
  const { editor, writer, publication } = await outlet("weekly");
  const stranger = await f.member("stranger");
  assert.deepEqual(
    await createDraft(f.ctx, stranger, { title: "Hi", publicationId: publication.id }),
    {
      ok: false,
      reason: "forbidden",
    },
  );
  assert.deepEqual(
    await setStaffRole(f.ctx, writer, {
      publicationId: publication.id,
      accountId: stranger.id,
      role: "writer",
    }),
    { ok: false, reason: "forbidden" },
  );
  assert.deepEqual(
    await setStaffRole(f.ctx, editor, {
      publicationId: publication.id,
      accountId: editor.id,
      role: "writer",
    }),
    { ok: false, reason: "last-editor" },
  );
  assert.deepEqual(
    await removeFromStaff(f.ctx, editor, { publicationId: publication.id, accountId: editor.id }),
    {
      ok: false,
      reason: "last-editor",
    },
  );
  assert.ok(
    (await removeFromStaff(f.ctx, editor, { publicationId: publication.id, accountId: writer.id }))
      .ok,
  );
  assert.equal(await roleIn(f.handle.db, publication.id, writer.id), null);
  // A node admin, not on the masthead, may name an editor (a publication whose editors left).
  const admin = await f.member("weekly_admin", "admin");
  assert.ok(
    (
      await setStaffRole(f.ctx, admin, {
        publicationId: publication.id,
        accountId: stranger.id,
        role: "editor",
      })
    ).ok,
  );
  assert.equal(await roleIn(f.handle.db, publication.id, stranger.id), "editor");
});

test("a scheduled article is published once by the sweep when due, not before", async () => {
  const { editor, writer, publication } = await outlet("daily");
  const made = await createDraft(f.ctx, writer, {
    title: "Tomorrow",
    publicationId: publication.id,
  });
  assert.ok(made.ok);
  const id = made.value.id;
  await submitArticle(f.ctx, writer, id);
  await approveArticle(f.ctx, editor, id);
  const past = new Date(f.clock.now().getTime() - 1000);
  assert.deepEqual(await scheduleArticle(f.ctx, editor, id, past), {
    ok: false,
    reason: "in-the-past",
  });
  assert.deepEqual(await scheduleArticle(f.ctx, editor, id, new Date("nonsense")), {
    ok: false,
    reason: "invalid",
  });
  const at = new Date(f.clock.now().getTime() + 3_600_000);
  assert.ok((await scheduleArticle(f.ctx, editor, id, at)).ok);
  assert.deepEqual(await publishDueArticles(f.ctx), []);
  // Unschedule and schedule again: back to approved in between.
  assert.deepEqual(await unscheduleArticle(f.ctx, editor, id), {
    ok: true,
    value: { state: "approved" },
  });
  assert.ok((await scheduleArticle(f.ctx, editor, id, at)).ok);
  f.clock.advance(3_600_000);
  // Two sweeps at once (two workers): one publishes.
  const [a, b] = await Promise.all([publishDueArticles(f.ctx), publishDueArticles(f.ctx)]);
  assert.deepEqual([...a, ...b], [id]);
  assert.deepEqual(await publishDueArticles(f.ctx), []);
  const article = await f.handle.db
    .selectFrom("articles")
    .selectAll()
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  assert.equal(article.state, "published");
  assert.equal(article.published_at, at.toISOString());
  assert.equal(
    (await f.events("media.article.published")).filter((e) => e.articleId === id).length,
    1,
  );
  assert.equal((await log(id)).at(-1), "published:-:1", "the scheduler published it");
});

test("editors are the Group's moderators: a report of a comment on the publication reaches them", async () => {
  const { editor, writer, publication } = await outlet("herald");
  const second = await f.member("herald_ed2");
  assert.ok(
    (
      await setStaffRole(f.ctx, editor, {
        publicationId: publication.id,
        accountId: second.id,
        role: "editor",
      })
    ).ok,
  );
  const made = await createDraft(f.ctx, writer, {
    title: "Report me",
    publicationId: publication.id,
  });
  assert.ok(made.ok);
  await submitArticle(f.ctx, writer, made.value.id);
  await approveArticle(f.ctx, editor, made.value.id);
  const published = await publishArticle(f.ctx, editor, made.value.id);
  assert.ok(published.ok);
  const reader = await f.member("herald_reader");
  assert.ok((await joinGroup(f.ctx, reader, { group: publication })).ok);
  const comment = await writeInGroup(f.ctx, publication, reader, {
    ...textPost("Rude words"),
    inReplyToId: published.value.postId,
  });
  assert.ok(comment.ok);
  const reported = await report(f.ctx, writer, {
    targetUri: memberUri(ORIGIN, reader.username),
    postIds: [comment.value.id],
    comment: "Abusive",
    forward: false,
  });
  assert.ok(reported.ok);
  const seen = await groupReports(f.ctx, publication, second);
  assert.ok(seen.ok);
  assert.deepEqual(
    seen.value.map((r) => r.id),
    [reported.value.id],
  );
  // No longer an editor: no longer a moderator.
  assert.ok(
    (
      await setStaffRole(f.ctx, editor, {
        publicationId: publication.id,
        accountId: second.id,
        role: "writer",
      })
    ).ok,
  );
  assert.deepEqual(await groupReports(f.ctx, publication, second), {
    ok: false,
    reason: "forbidden",
  });
});
