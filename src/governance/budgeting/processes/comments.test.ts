/**
 * Comments on projects (comments.ts): who may comment, bad input changing
 * nothing, the thread's order and paging, the proposer told, removal by the
 * author or the group's moderators (and by nobody else), reports filed to the
 * group's moderators and settled by a removal, and the member's export and
 * deletion. SQLite, or PostgreSQL with TEST_DATABASE_URL.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type BudgetingFixture, budgetingFixture } from "../../../../test/support/budgeting.ts";
import type { LocalMember } from "../../../groups/context.ts";
import type { Group } from "../../../groups/groups.ts";
import { joinGroup } from "../../../groups/memberships.ts";
import {
  commentAuthors,
  commentsOf,
  MAX_COMMENT,
  postComment,
  removeComment,
  reportComment,
} from "./comments.ts";
import { budgetingContributor } from "./data.ts";
import { setProjectHidden } from "./moderation.ts";
import { proposeProject } from "./projects.ts";
import { districtsOf } from "./reads.ts";

let f: BudgetingFixture;
let ada: LocalMember;
let bea: LocalMember;
let cyd: LocalMember;
let group: Group;
before(async () => {
  f = await budgetingFixture();
  ada = await f.member("ada", "admin");
  bea = await f.member("bea");
  cyd = await f.member("cyd");
  group = await f.groupWith("garden", ada, [bea, cyd]);
});
after(() => f.handle.close());

async function aProject() {
  const processId = await f.process(ada, group);
  const [north] = await districtsOf(f.ctx, processId);
  assert.ok(north);
  const made = await proposeProject(f.ctx, f.as(bea), {
    processId,
    project: {
      districtId: north.id,
      title: "Benches",
      description: "Six benches along the river path.",
      cost: 12_000,
    },
  });
  assert.ok(made.ok);
  return { processId, projectId: made.value.id };
}

const rows = () =>
  f.ctx.db
    .selectFrom("pb_comments")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow()
    .then((r) => Number(r.n));

test("members comment; bad input and outsiders write nothing; the proposer is told; the thread pages", async () => {
  const { projectId } = await aProject();
  const before = await rows();
  const outsider = await f.member("eve");
  for (const [who, content, reason] of [
    [cyd, "", "invalid"],
    [cyd, "   \n ", "invalid"],
    [cyd, "x".repeat(MAX_COMMENT + 1), "invalid"],
    [outsider, "Hello", "forbidden"],
  ] as const)
    assert.deepEqual(
      await postComment(f.ctx, f.as(who), { projectId, content }),
      { ok: false, reason },
      `${who.username}: ${content.slice(0, 10)}`,
    );
  assert.deepEqual(await postComment(f.ctx, f.as(cyd), { projectId: "nope", content: "Hi" }), {
    ok: false,
    reason: "not-found",
  });
  assert.equal(await rows(), before);

  const first = await postComment(f.ctx, f.as(cyd), { projectId, content: " Wooden ones?\r\n " });
  assert.ok(first.ok);
  assert.match(first.value.uri, /\/projects\/[^/]+\/comments\//);
  const second = await postComment(f.ctx, f.as(bea), { projectId, content: "Yes." });
  assert.ok(second.ok);
  const thread = await commentsOf(f.ctx, projectId);
  assert.deepEqual(
    thread.map((x) => x.content),
    ["Wooden ones?", "Yes."],
  );
  assert.deepEqual(
    (await commentsOf(f.ctx, projectId, { afterId: first.value.id })).map((x) => x.content),
    ["Yes."],
  );
  const names = await commentAuthors(f.ctx, thread);
  assert.equal(names.get(f.as(cyd).uri)?.handle, "cyd");
  // bea proposed it: cyd's comment tells her; her own does not.
  const told = await f.ctx.db
    .selectFrom("notifications")
    .select(["account_id", "from_uri"])
    .where("type", "=", "budget_comment")
    .execute();
  assert.deepEqual(
    told.map((n) => n.account_id),
    [bea.id],
  );
  // A hidden project takes no comments.
  assert.ok((await setProjectHidden(f.ctx, f.as(ada), { projectId, hidden: true })).ok);
  assert.deepEqual(await postComment(f.ctx, f.as(cyd), { projectId, content: "Hidden?" }), {
    ok: false,
    reason: "not-found",
  });
});

test("the author or a moderator removes a comment, nobody else; a removal settles its reports", async () => {
  const { projectId } = await aProject();
  const made = await postComment(f.ctx, f.as(cyd), { projectId, content: "Rude words" });
  assert.ok(made.ok);
  assert.deepEqual(
    await reportComment(f.ctx, f.as(bea), { commentId: made.value.id, comment: "" }),
    {
      ok: false,
      reason: "bad-comment",
    },
  );
  const reported = await reportComment(f.ctx, f.as(bea), {
    commentId: made.value.id,
    comment: "Not kind",
  });
  assert.ok(reported.ok);
  const report = await f.ctx.db
    .selectFrom("reports")
    .select(["target_uri", "group_id", "group_resolved_at"])
    .where("id", "=", reported.value.id)
    .executeTakeFirstOrThrow();
  assert.deepEqual(report, {
    target_uri: made.value.uri,
    group_id: group.id,
    group_resolved_at: null,
  });
  assert.deepEqual(await removeComment(f.ctx, f.as(bea), { commentId: made.value.id }), {
    ok: false,
    reason: "forbidden",
  });
  assert.equal((await commentsOf(f.ctx, projectId)).length, 1);
  assert.ok((await removeComment(f.ctx, f.as(ada), { commentId: made.value.id })).ok);
  assert.equal((await commentsOf(f.ctx, projectId)).length, 0);
  const row = await f.ctx.db
    .selectFrom("pb_comments")
    .select(["content", "removed_by_uri"])
    .where("id", "=", made.value.id)
    .executeTakeFirstOrThrow();
  assert.deepEqual(row, { content: "", removed_by_uri: f.as(ada).uri });
  const settled = await f.ctx.db
    .selectFrom("reports")
    .select("group_resolved_at")
    .where("id", "=", reported.value.id)
    .executeTakeFirstOrThrow();
  assert.ok(settled.group_resolved_at);
  assert.deepEqual(await removeComment(f.ctx, f.as(ada), { commentId: made.value.id }), {
    ok: false,
    reason: "not-found",
  });
  const own = await postComment(f.ctx, f.as(bea), { projectId, content: "Mine" });
  assert.ok(own.ok);
  assert.ok((await removeComment(f.ctx, f.as(bea), { commentId: own.value.id })).ok);
  const events = await f.ctx.db
    .selectFrom("outbox_events")
    .select("type")
    .where("type", "=", "budgeting.comment.removed")
    .execute();
  assert.ok(events.length >= 2, "removals are recorded for the relay");
});

test("export lists a member's comments; deletion removes them", async () => {
  const { projectId } = await aProject();
  const dan = await f.member("dan");
  const joined = await joinGroup(f.ctx, dan, { group });
  assert.ok(joined.ok);
  const made = await postComment(f.ctx, f.as(dan), { projectId, content: "Mine to take away" });
  assert.ok(made.ok, JSON.stringify(made));
  const contributor = budgetingContributor(f.ctx.origin);
  const exported = (await contributor.export(f.ctx.db, dan.id)) as {
    comments: { content: string }[];
  };
  assert.deepEqual(
    exported.comments.map((x) => x.content),
    ["Mine to take away"],
  );
  await f.ctx.db.transaction().execute((trx) => contributor.erase(trx, dan.id, "x"));
  const row = await f.ctx.db
    .selectFrom("pb_comments")
    .select(["content", "account_id", "author_uri", "removed_at"])
    .where("id", "=", made.value.id)
    .executeTakeFirstOrThrow();
  assert.equal(row.content, "");
  assert.equal(row.account_id, null);
  assert.match(row.author_uri, /^deleted:/);
  assert.ok(row.removed_at);
  assert.equal((await commentsOf(f.ctx, projectId)).length, 0);
  const after = (await contributor.export(f.ctx.db, dan.id)) as { comments: unknown[] };
  assert.equal(after.comments.length, 0);
});
