/**
 * Participatory budgeting's part of a member's export and of account deletion.
 *
 * Export: the processes they opened, the projects they proposed (with each
 * review's note), their progress updates, their comments on projects (removed
 * ones too, marked), their named ballots; for secret
 * ballots only that they took part (the choice is read back only with the
 * voter's own receipt, which the node never stored).
 *
 * Their comments are removed (text emptied, author forgotten) and the removal
 * travels as any removal does (comments.ts), so the host and copies drop them.
 *
 * Deletion: a proposal not yet on a ballot is withdrawn (its author is gone);
 * one that was voted on stays, as the count and its explanations refer to it,
 * with its author replaced by a random "deleted:" name and its images dropped
 * (their uploads go with the account). Progress updates stay, anonymised. A
 * named ballot in a process still voting is withdrawn; a counted one stays
 * with a random voter name, so the stored results can still be recounted. A
 * secret ballot cannot be found without its receipt, so it stays counted;
 * only the record that they took part goes.
 */
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { AccountDataContributor } from "../../../accounts/data.ts";
import { recordEvent } from "../../../db/outbox.ts";
import type { Schema } from "../../../db/schema.ts";
import { memberUri } from "../../../kernel/uris.ts";

const BEFORE_BALLOT = ["proposing", "review"] as const;

/** `origin`: this node's, to name the member's actor (rows are kept by actor URI). */
export const budgetingContributor = (origin: string): AccountDataContributor => ({
  name: "budgeting",
  async export(db, accountId) {
    const me = (await actorUriOf(db, origin, accountId)) ?? "";
    const opened = await db
      .selectFrom("pb_processes")
      .select(["uri", "title", "phase", "created_at"])
      .where("created_by_uri", "=", me)
      .orderBy("id")
      .execute();
    const proposed = await db
      .selectFrom("pb_projects as p")
      .innerJoin("pb_processes as pr", "pr.id", "p.process_id")
      .select([
        "p.uri",
        "pr.uri as process",
        "p.title",
        "p.description",
        "p.cost",
        "pr.currency",
        "p.location",
        "p.status",
        "p.review_note",
        "p.images",
        "p.created_at",
      ])
      .where((eb) => eb.or([eb("p.account_id", "=", accountId), eb("p.proposed_by_uri", "=", me)]))
      .orderBy("p.id")
      .execute();
    const updates = await db
      .selectFrom("pb_progress_updates as u")
      .innerJoin("pb_projects as p", "p.id", "u.project_id")
      .select(["p.uri as project", "u.progress", "u.body", "u.created_at"])
      .where((eb) => eb.or([eb("u.account_id", "=", accountId), eb("u.author_uri", "=", me)]))
      .orderBy("u.id")
      .execute();
    const comments = await db
      .selectFrom("pb_comments as c")
      .innerJoin("pb_projects as p", "p.id", "c.project_id")
      .select(["c.uri", "p.uri as project", "p.title", "c.content", "c.created_at", "c.removed_at"])
      .where((eb) => eb.or([eb("c.account_id", "=", accountId), eb("c.author_uri", "=", me)]))
      .orderBy("c.id")
      .execute();
    const ballots = await db
      .selectFrom("pb_ballots as b")
      .innerJoin("pb_processes as pr", "pr.id", "b.process_id")
      .innerJoin("pb_districts as d", "d.id", "b.district_id")
      .select(["pr.uri as process", "d.name as district", "b.choices", "b.created_at"])
      .where((eb) => eb.or([eb("b.account_id", "=", accountId), eb("b.cast_by_uri", "=", me)]))
      .orderBy("b.id")
      .execute();
    const secret = await db
      .selectFrom("pb_voters as v")
      .innerJoin("pb_processes as pr", "pr.id", "v.process_id")
      .select(["pr.uri as process", "pr.title"])
      .where((eb) => eb.or([eb("v.voter_uri", "=", me), eb("v.cast_by_uri", "=", me)]))
      .execute();
    return {
      processesOpened: opened,
      projectsProposed: proposed.map((p) => ({
        ...p,
        cost: Number(p.cost),
        images: JSON.parse(p.images) as unknown,
      })),
      progressUpdates: updates,
      comments,
      ballots: ballots.map((b) => ({ ...b, choices: JSON.parse(b.choices) as unknown })),
      // The choices of a secret ballot are not here: they are read with the voter's receipt.
      secretBallotsTakenPartIn: secret,
    };
  },
  async erase(trx, accountId) {
    const me = (await actorUriOf(trx, origin, accountId)) ?? "";
    const anonymous = () => `deleted:${randomUUID()}`;
    const projects = await trx
      .selectFrom("pb_projects as p")
      .innerJoin("pb_processes as pr", "pr.id", "p.process_id")
      .select(["p.id", "p.process_id", "pr.phase", "pr.local", "p.status", "p.proposal_uri"])
      .where((eb) => eb.or([eb("p.account_id", "=", accountId), eb("p.proposed_by_uri", "=", me)]))
      .execute();
    for (const p of projects) {
      const early = (BEFORE_BALLOT as readonly string[]).includes(p.phase);
      await trx
        .updateTable("pb_projects")
        .set({
          proposed_by_uri: anonymous(),
          account_id: null,
          images: "[]",
          ...(early && p.status !== "merged" && p.status !== "hidden"
            ? { status: "withdrawn" as const }
            : {}),
        })
        .where("id", "=", p.id)
        .execute();
      // Sent from our copy: the host is told it is withdrawn (its own row names them still).
      if (
        early &&
        !p.local &&
        p.proposal_uri &&
        ["proposed", "feasible", "infeasible"].includes(p.status)
      )
        await recordEvent(trx, {
          type: "budgeting.project.proposed",
          payload: { processId: p.process_id, projectId: p.id, change: "withdraw" },
        });
    }
    const comments = await trx
      .selectFrom("pb_comments")
      .select(["id", "process_id", "project_id", "removed_at"])
      .where((eb) => eb.or([eb("account_id", "=", accountId), eb("author_uri", "=", me)]))
      .execute();
    const at = new Date().toISOString();
    for (const c of comments) {
      await trx
        .updateTable("pb_comments")
        .set({
          content: "",
          author_uri: anonymous(),
          account_id: null,
          removed_at: c.removed_at ?? at,
          removed_by_uri: c.removed_at ? undefined : "deleted",
        })
        .where("id", "=", c.id)
        .execute();
      if (!c.removed_at)
        await recordEvent(trx, {
          type: "budgeting.comment.removed",
          payload: { processId: c.process_id, projectId: c.project_id, commentId: c.id },
        });
    }
    await trx
      .updateTable("pb_progress_updates")
      .set({ author_uri: anonymous(), account_id: null, images: "[]" })
      .where((eb) => eb.or([eb("account_id", "=", accountId), eb("author_uri", "=", me)]))
      .execute();
    const ballots = await trx
      .selectFrom("pb_ballots as b")
      .innerJoin("pb_processes as pr", "pr.id", "b.process_id")
      .select(["b.id", "pr.phase", "b.voter_uri", "b.cast_by_uri"])
      .where((eb) => eb.or([eb("b.account_id", "=", accountId), eb("b.cast_by_uri", "=", me)]))
      .execute();
    for (const b of ballots) {
      if (b.phase === "voting" || (BEFORE_BALLOT as readonly string[]).includes(b.phase)) {
        await trx.deleteFrom("pb_ballots").where("id", "=", b.id).execute();
        continue;
      }
      const name = anonymous();
      await trx
        .updateTable("pb_ballots")
        .set({ voter_uri: name, cast_by_uri: name, account_id: null })
        .where("id", "=", b.id)
        .execute();
    }
    if (me)
      await trx
        .deleteFrom("pb_voters")
        .where((eb) => eb.or([eb("voter_uri", "=", me), eb("cast_by_uri", "=", me)]))
        .execute();
    // The processes they opened belong to the group; only their name goes.
    await trx
      .updateTable("pb_processes")
      .set({ created_by_uri: anonymous() })
      .where("created_by_uri", "=", me)
      .execute();
  },
});

async function actorUriOf(
  db: Kysely<Schema>,
  origin: string,
  accountId: string,
): Promise<string | null> {
  const row = await db
    .selectFrom("accounts")
    .select("username")
    .where("id", "=", accountId)
    .executeTakeFirst();
  return row ? memberUri(origin, row.username) : null;
}
