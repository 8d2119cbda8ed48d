/**
 * The decisions sweep, run from the worker's interval (app.ts, like
 * social/polls.ts closeEndedPolls): closes decisions whose time is up, tells
 * the eligible that a decision opened, and reminds those who have not voted
 * `reminder_lead_seconds` before the close. Each notice is claimed by a
 * conditional update in the transaction that writes the notifications, so it
 * goes out once, across restarts and several worker processes. Mail goes after
 * the commit (never inside a transaction): a crash between the two loses that
 * mail, never duplicates it.
 */
import { getLogger } from "@logtape/logtape";
import type { Kysely } from "kysely";
import type { Schema } from "../../db/schema.ts";
import { findGroupById } from "../../groups/groups.ts";
import { closeWithin, notifyEligible } from "./closing.ts";
import type { DecisionsContext } from "./context.ts";
import { type Decision, lockDecision } from "./decisions.ts";
import { isPostgres } from "./secret-ballot.ts";

const logger = getLogger(["synco", "decisions", "sweep"]);

/** One reminder mail to send once the notices are committed. */
export interface ReminderMail {
  email: string;
  language: string;
  decision: Pick<Decision, "id" | "title" | "closes_at" | "post_id" | "group_uri">;
}

/** Decisions handled per sweep at most, per kind of work (the next sweep takes the rest). */
const BATCH = 50;

export interface SweepReport {
  closed: number;
  opened: number;
  reminded: number;
}

/** `mail`: sends a reminder by mail (given when the node has SMTP configured). */
export async function sweepDecisions(
  ctx: DecisionsContext,
  mail?: ((m: ReminderMail) => Promise<void>) | null,
): Promise<SweepReport> {
  const now = ctx.clock.now().toISOString();
  const report: SweepReport = { closed: 0, opened: 0, reminded: 0 };
  const due = await ctx.db
    .selectFrom("decisions")
    .select("id")
    .where("status", "=", "open")
    .where("local", "=", 1)
    .where("closes_at", "<=", now)
    .orderBy("closes_at")
    .limit(BATCH)
    .execute();
  for (const { id } of due) if (await closeDue(ctx, id)) report.closed++;

  const opening = await ctx.db
    .selectFrom("decisions")
    .select("id")
    .where("status", "=", "open")
    .where("local", "=", 1)
    .where("opened_notified_at", "is", null)
    .where("opens_at", "<=", now)
    .limit(BATCH)
    .execute();
  for (const { id } of opening) if (await notice(ctx, id, "opened")) report.opened++;

  // Few decisions are open at once; which are due for a reminder is worked out here.
  const reminding = await ctx.db
    .selectFrom("decisions")
    .select(["id", "closes_at", "reminder_lead_seconds"])
    .where("status", "=", "open")
    .where("local", "=", 1)
    .where("reminded_at", "is", null)
    .where("reminder_lead_seconds", "is not", null)
    .where("opens_at", "<=", now)
    .limit(500)
    .execute();
  const nowMs = ctx.clock.now().getTime();
  const mails: ReminderMail[] = [];
  for (const d of reminding
    .filter((r) => Date.parse(r.closes_at) - (r.reminder_lead_seconds ?? 0) * 1000 <= nowMs)
    .slice(0, BATCH)) {
    const sent = await notice(ctx, d.id, "reminded");
    if (sent) {
      report.reminded++;
      mails.push(...sent);
    }
  }
  if (mail)
    for (const m of mails)
      await mail(m).catch((error: unknown) =>
        logger.error("Reminder mail for decision {id} failed: {error}", {
          id: m.decision.id,
          error,
        }),
      );
  return report;
}

async function closeDue(ctx: DecisionsContext, id: string): Promise<boolean> {
  return ctx.db.transaction().execute(async (trx) => {
    const d = await lockDecision(trx, id, isPostgres(trx));
    // Another worker closed it, or an amendment moved the close.
    if (d?.status !== "open" || Date.parse(d.closes_at) > ctx.clock.now().getTime()) return false;
    const group = d.group_id ? await findGroupById(trx, d.group_id) : undefined;
    if (!group) return false;
    await closeWithin(trx, ctx, d, group, null);
    return true;
  });
}

/** Claims one notice (opened or reminded) and writes its notifications; the mails to send after. */
async function notice(
  ctx: DecisionsContext,
  id: string,
  kind: "opened" | "reminded",
): Promise<ReminderMail[] | null> {
  return ctx.db.transaction().execute(async (trx) => {
    const column = kind === "opened" ? "opened_notified_at" : "reminded_at";
    const claimed = await trx
      .updateTable("decisions")
      .set({ [column]: ctx.clock.now().toISOString() })
      .where("id", "=", id)
      .where(column, "is", null)
      .where("status", "=", "open")
      .executeTakeFirst();
    if (claimed.numUpdatedRows === 0n) return null;
    const d = await lockDecision(trx, id, isPostgres(trx));
    const group = d?.group_id ? await findGroupById(trx, d.group_id) : undefined;
    if (!d || !group) return [];
    const voted = kind === "reminded" ? await votedFor(trx, d) : new Set<string>();
    const told = await notifyEligible(
      trx,
      ctx,
      group,
      d,
      kind === "opened" ? "decision_opened" : "decision_reminder",
      (countsFor) => !voted.has(countsFor),
    );
    return kind === "reminded"
      ? told.map((a) => ({ email: a.email, language: a.language, decision: d }))
      : [];
  });
}

/** Whom the votes so far count for (people, or co-ops voting through delegates). */
async function votedFor(trx: Kysely<Schema>, d: Decision): Promise<Set<string>> {
  const rows =
    d.ballot === "secret"
      ? await trx
          .selectFrom("decision_voters")
          .select("voter_uri")
          .where("decision_id", "=", d.id)
          .execute()
      : await trx
          .selectFrom("decision_votes")
          .select("voter_uri")
          .where("decision_id", "=", d.id)
          .execute();
  return new Set(rows.map((r) => r.voter_uri));
}
