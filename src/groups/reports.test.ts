/**
 * Reports for a group's moderators: a report of a group post names its group;
 * only the group's moderators list and settle it (hide the thread, delete the
 * post, dismiss — each logged); settling is once, and leaves the co-op's own
 * report open. On SQLite, or PostgreSQL with TEST_DATABASE_URL.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type GroupsFixture, groupsFixture, START } from "../../test/support/groups.ts";
import { report } from "../social/moderation.ts";
import { createPost, textPost } from "../social/posts.ts";
import type { LocalMember } from "./context.ts";
import type { Group } from "./groups.ts";
import { joinGroup } from "./memberships.ts";
import { moderationLog } from "./moderation-log.ts";
import { groupReports, settleGroupReport } from "./reports.ts";
import { writeInGroup } from "./threads.ts";

let f: GroupsFixture;
let ada: LocalMember;
let bea: LocalMember;
let cyd: LocalMember;
let group: Group;
before(async () => {
  f = await groupsFixture();
  ada = await f.member("ada");
  bea = await f.member("bea");
  cyd = await f.member("cyd");
  group = await f.group(ada, { name: "garden" });
  assert.ok((await joinGroup(f.ctx, bea, { group })).ok);
});
after(() => f.handle.close());

const uri = (m: LocalMember) => `${f.ctx.origin}/users/${m.username}`;

async function reported(author: LocalMember, comment: string, inReplyToId: string | null = null) {
  const written = await writeInGroup(f.ctx, group, author, {
    ...textPost(`post for ${comment}`),
    title: inReplyToId ? "" : `thread for ${comment}`,
    inReplyToId,
  });
  assert.ok(written.ok, JSON.stringify(written));
  const made = await report(f.ctx, cyd, {
    targetUri: uri(author),
    postIds: [written.value.id],
    comment,
    forward: false,
  });
  assert.ok(made.ok);
  return { postId: written.value.id, threadId: written.value.threadId, reportId: made.value.id };
}

test("a report of a group post names its group; only the group's moderators list it", async () => {
  const { reportId } = await reported(bea, "off topic");
  const outside = await createPost(f.ctx, bea, {
    ...textPost("not in a group"),
    visibility: "public",
  });
  assert.ok(outside.ok);
  const plain = await report(f.ctx, cyd, {
    targetUri: uri(bea),
    postIds: [outside.value.id],
    comment: "elsewhere",
    forward: false,
  });
  assert.ok(plain.ok);
  const rows = await f.ctx.db
    .selectFrom("reports")
    .select(["id", "group_id"])
    .where("id", "in", [reportId, plain.value.id])
    .execute();
  assert.equal(rows.find((r) => r.id === reportId)?.group_id, group.id);
  assert.equal(rows.find((r) => r.id === plain.value.id)?.group_id, null);
  assert.deepEqual(await groupReports(f.ctx, group, bea), { ok: false, reason: "forbidden" });
  assert.deepEqual(await groupReports(f.ctx, group, cyd), { ok: false, reason: "forbidden" });
  const listed = await groupReports(f.ctx, group, ada);
  assert.ok(listed.ok);
  assert.deepEqual(
    listed.value.map((r) => [r.id, r.comment, r.reporterUri]),
    [[reportId, "off topic", uri(cyd)]],
  );
});

test("settleGroupReport: a non-moderator is refused and nothing changes; dismissing is logged, once", async () => {
  const listed = await groupReports(f.ctx, group, ada);
  assert.ok(listed.ok);
  const [open] = listed.value;
  assert.ok(open);
  const logged = () => f.count("group_moderation_log");
  const before = await logged();
  assert.deepEqual(await settleGroupReport(f.ctx, group, open.id, bea, "delete"), {
    ok: false,
    reason: "forbidden",
  });
  assert.equal(await logged(), before);
  const post = await f.ctx.db
    .selectFrom("posts")
    .select("deleted_at")
    .where("id", "=", open.postIds[0] ?? "")
    .executeTakeFirstOrThrow();
  assert.equal(post.deleted_at, null);
  assert.deepEqual(await settleGroupReport(f.ctx, group, open.id, ada, "dismiss"), {
    ok: true,
    value: null,
  });
  assert.deepEqual(await settleGroupReport(f.ctx, group, open.id, ada, "dismiss"), {
    ok: false,
    reason: "not-found",
  });
  const [entry] = await moderationLog(f.ctx.db, group.id, 1);
  assert.equal(entry?.action, "dismiss");
  assert.equal(entry?.moderator_uri, uri(ada));
  assert.equal(await logged(), before + 1);
  // The co-op's moderators still have it open.
  const row = await f.ctx.db
    .selectFrom("reports")
    .select(["status", "group_resolved_by", "group_resolved_at"])
    .where("id", "=", open.id)
    .executeTakeFirstOrThrow();
  assert.deepEqual(row, {
    status: "open",
    group_resolved_by: uri(ada),
    group_resolved_at: START.toISOString(),
  });
  assert.equal(entry?.created_at, START.toISOString());
  const after = await groupReports(f.ctx, group, ada);
  assert.deepEqual(after, { ok: true, value: [] });
});

test("settleGroupReport hide: a reported reply's thread is hidden, logged with the report's comment", async () => {
  const thread = await reported(ada, "first");
  const reply = await reported(bea, "insults", thread.postId);
  assert.ok((await settleGroupReport(f.ctx, group, reply.reportId, ada, "hide")).ok);
  const hidden = await f.ctx.db
    .selectFrom("posts")
    .select(["id", "hidden_at"])
    .where("id", "in", [thread.postId, reply.postId])
    .execute();
  assert.ok(hidden.find((p) => p.id === thread.postId)?.hidden_at);
  const [entry] = await moderationLog(f.ctx.db, group.id, 1);
  assert.deepEqual([entry?.action, entry?.reason], ["hide", "insults"]);
  // The other report (of the thread itself) is still waiting; deleting settles it.
  assert.ok((await settleGroupReport(f.ctx, group, thread.reportId, ada, "delete")).ok);
  const gone = await f.ctx.db
    .selectFrom("posts")
    .select("deleted_at")
    .where("id", "=", thread.postId)
    .executeTakeFirstOrThrow();
  assert.ok(gone.deleted_at);
});
