/**
 * Moderation of offers and needs. Anyone signed in reports one (a row in
 * `reports` pointing at the proposal's URI, with its federation's group when
 * that is hosted here, so the group's moderators see it as well as the node's);
 * the node's moderators — or the moderators of the federation it was published
 * to — hide it (off the marketplace; its page says so to its agent) or show it
 * again. Hiding settles the open reports about it. A copy of a proposal from
 * elsewhere can be hidden here too; only a local one's change is federated.
 *
 * A report on a copy may be forwarded, as Mastodon forwards a report of a
 * remote status: the co-op (not the member: the reporter stays unnamed) sends
 * a Flag to the publisher's node, whose moderators get it as a report on their
 * proposal (receiveProposalReport).
 */
import { recordEvent } from "../../db/outbox.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import { groupPrefix } from "../../kernel/uris.ts";
import { MAX_REPORT_COMMENT } from "../../social/moderation.ts";
import { fileReport } from "../../social/staff-notices.ts";
import type { MarketActor, MarketContext } from "./context.ts";
import { forUpdate } from "./locking.ts";
import { isActiveMember, keepsCatalogue, moderatesMarket } from "./publishing.ts";
import type { Proposal } from "./reads.ts";

/** The id of the federation group hosted here that a proposal was published to, if any. */
async function localGroupId(ctx: MarketContext, p: Pick<Proposal, "group_uri">) {
  const prefix = groupPrefix(ctx.origin);
  if (!p.group_uri?.startsWith(prefix)) return null;
  const row = await ctx.db
    .selectFrom("groups")
    .select("id")
    .where("name", "=", p.group_uri.slice(prefix.length))
    .executeTakeFirst();
  return row?.id ?? null;
}

/** May the actor hide or show this proposal? */
export async function canModerateProposal(
  ctx: MarketContext,
  actor: MarketActor,
  p: Pick<Proposal, "group_uri">,
): Promise<boolean> {
  if (await moderatesMarket(ctx, actor)) return true;
  const groupId = await localGroupId(ctx, p);
  return !!groupId && (await keepsCatalogue(ctx, groupId, actor));
}

export async function setProposalHidden(
  ctx: MarketContext,
  actor: MarketActor,
  input: { proposalId: string; hidden: boolean },
): Promise<Result<{ id: string }, "not-found" | "forbidden" | "wrong-status">> {
  const p = await ctx.db
    .selectFrom("econ_proposals")
    .select(["id", "group_uri", "status"])
    .where("id", "=", input.proposalId)
    .executeTakeFirst();
  if (!p) return fail("not-found");
  if (!(await canModerateProposal(ctx, actor, p))) return fail("forbidden");
  return ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("econ_proposals")
      .select(["id", "uri", "local", "status", "available"])
      .where("id", "=", input.proposalId)
      .$call(forUpdate(trx))
      .executeTakeFirstOrThrow();
    if ((row.status === "hidden") === input.hidden) return ok({ id: row.id });
    if (row.status === "withdrawn") return fail("wrong-status" as const);
    const at = ctx.clock.now().toISOString();
    await trx
      .updateTable("econ_proposals")
      .set({
        // Shown again: open if anything is left, else closed (agreements took it all).
        status: input.hidden ? "hidden" : Number(row.available) > 0 ? "open" : "closed",
        updated_at: at,
      })
      .where("id", "=", row.id)
      .execute();
    if (input.hidden)
      await trx
        .updateTable("reports")
        .set({ resolved_at: at, resolved_by: actor.accountId, status: "resolved" })
        .where("target_uri", "=", row.uri)
        .where("resolved_at", "is", null)
        .execute();
    if (row.local)
      await recordEvent(trx, { type: "economy.proposal.updated", payload: { proposalId: row.id } });
    return ok({ id: row.id });
  });
}

export async function reportProposal(
  ctx: MarketContext,
  actor: MarketActor,
  input: { proposalId: string; comment: string; forward?: boolean },
): Promise<Result<{ id: string; forwarded: boolean }, "not-found" | "bad-comment" | "forbidden">> {
  const comment = input.comment.trim();
  if (!comment || comment.length > MAX_REPORT_COMMENT) return fail("bad-comment");
  if (!(await isActiveMember(ctx, actor))) return fail("forbidden");
  const p = await ctx.db
    .selectFrom("econ_proposals")
    .select(["id", "uri", "group_uri", "status", "local"])
    .where("id", "=", input.proposalId)
    .executeTakeFirst();
  if (!p || p.status === "hidden" || p.status === "withdrawn") return fail("not-found");
  const id = newId();
  // Only a copy has another node to tell.
  const forwarded = !!input.forward && !p.local;
  // Read before the transaction: SQLite has one connection.
  const groupId = await localGroupId(ctx, p);
  await ctx.db.transaction().execute(async (trx) => {
    await fileReport(
      trx,
      {
        id,
        reporterAccountId: actor.accountId,
        reporterUri: actor.uri,
        targetUri: p.uri,
        comment,
        forwarded,
        groupId,
      },
      ctx.clock,
    );
    if (forwarded)
      await recordEvent(trx, {
        type: "economy.proposal.report.forwarded",
        payload: { reportId: id },
      });
  });
  return ok({ id, forwarded });
}

/**
 * Another node forwarded a report on a proposal published here (a Flag from
 * its co-op, federation/economy checks who sent it): our moderators, and the
 * federation group's when it is hosted here, get it as any report. A Flag seen
 * twice is filed once. False when it is about nothing of ours.
 */
export async function receiveProposalReport(
  ctx: MarketContext,
  input: { uri: string; reporterUri: string; proposalUri: string; comment: string },
): Promise<boolean> {
  const known = await ctx.db
    .selectFrom("reports")
    .select("id")
    .where("uri", "=", input.uri)
    .executeTakeFirst();
  if (known) return false;
  const p = await ctx.db
    .selectFrom("econ_proposals")
    .select(["uri", "group_uri", "status"])
    .where("uri", "=", input.proposalUri)
    .where("local", "=", 1)
    .executeTakeFirst();
  if (!p || p.status === "withdrawn") return false;
  const groupId = await localGroupId(ctx, p);
  const reporter = await ctx.db
    .selectFrom("remote_actors")
    .select("id")
    .where("uri", "=", input.reporterUri)
    .executeTakeFirst();
  await ctx.db.transaction().execute((trx) =>
    fileReport(
      trx,
      {
        id: newId(),
        reporterAccountId: null,
        reporterRemoteId: reporter?.id ?? null,
        reporterUri: input.reporterUri,
        targetUri: p.uri,
        comment: input.comment.trim().slice(0, MAX_REPORT_COMMENT),
        groupId,
        uri: input.uri,
      },
      ctx.clock,
    ),
  );
  return true;
}

/** Open reports about proposals, newest first (the marketplace's moderation list). */
export function openProposalReports(ctx: MarketContext) {
  return ctx.db
    .selectFrom("reports as r")
    .innerJoin("econ_proposals as p", "p.uri", "r.target_uri")
    .select([
      "r.id",
      "r.comment",
      "r.reporter_uri",
      "r.created_at",
      "p.id as proposal_id",
      "p.name",
      "p.group_uri",
    ])
    .where("r.resolved_at", "is", null)
    .orderBy("r.id", "desc")
    .limit(100)
    .execute();
}

/** A moderator settles a report without hiding anything. */
export async function dismissProposalReport(
  ctx: MarketContext,
  actor: MarketActor,
  reportId: string,
): Promise<Result<{ id: string }, "not-found" | "forbidden">> {
  const report = await ctx.db
    .selectFrom("reports as r")
    .innerJoin("econ_proposals as p", "p.uri", "r.target_uri")
    .select(["r.id", "p.group_uri"])
    .where("r.id", "=", reportId)
    .where("r.resolved_at", "is", null)
    .executeTakeFirst();
  if (!report) return fail("not-found");
  if (!(await canModerateProposal(ctx, actor, report))) return fail("forbidden");
  await ctx.db
    .updateTable("reports")
    .set({
      resolved_at: ctx.clock.now().toISOString(),
      resolved_by: actor.accountId,
      status: "resolved",
    })
    .where("id", "=", reportId)
    .execute();
  return ok({ id: reportId });
}
