/**
 * Decisions in a group's thread (issue 18): a member proposes, the group
 * discusses in the thread, eligible voters vote until the close, the count is
 * stored, and an outcome is written. The thread's root post and the decision
 * are written in one transaction, so neither exists without the other.
 *
 * Amending (the consent flow: propose → vote with a block → amend → pass)
 * changes the text or options, clears every vote of the round (a ballot cast
 * on other words must not count for these), starts a new round and reopens
 * voting; see docs/decisions.md.
 */
import { randomBytes } from "node:crypto";
import type { Kysely, Selectable } from "kysely";
import { z } from "zod";
import { recordEvent } from "../../db/outbox.ts";
import type { DecisionsTable } from "../../db/schema/decisions.ts";
import type { Schema } from "../../db/schema.ts";
import type { LocalMember } from "../../groups/context.ts";
import type { Group } from "../../groups/groups.ts";
import { canModerate, standingOf } from "../../groups/standing.ts";
import { type PostFailure, writeInGroupWithin } from "../../groups/threads.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import { decisionUri, groupUri, memberUri } from "../../kernel/uris.ts";
import { MAX_POST_LENGTH } from "../../social/content.ts";
import { textPost } from "../../social/posts.ts";
import type { DecisionsContext } from "./context.ts";
import { clearVotes, isPostgres } from "./secret-ballot.ts";
import { MAX_OPTIONS, RULES, type RuleSettings, validateSettings } from "./types.ts";

export type Decision = Selectable<DecisionsTable>;

export interface DecisionOption {
  label: string;
  explanation: string;
}

export const MAX_DECISION_SECONDS = 366 * 24 * 3600;
export const MIN_DECISION_SECONDS = 60;
/** The proposal is the thread's first post: a post's limit. */
const MAX_BODY_LENGTH = MAX_POST_LENGTH;

const optionSchema = z.strictObject({
  label: z.string().trim().min(1).max(200),
  explanation: z.string().trim().max(2000).default(""),
});

/** What a proposer fills in (the edges parse with it; createDecision parses again). */
export const newDecisionSchema = z.strictObject({
  title: z.string().trim().min(1).max(200),
  body: z.string().trim().max(MAX_BODY_LENGTH).default(""),
  rule: z.enum(RULES),
  options: z.array(optionSchema).max(MAX_OPTIONS).default([]),
  minChoices: z.number().int().min(0).max(MAX_OPTIONS).optional(),
  maxChoices: z.number().int().min(0).max(MAX_OPTIONS).optional(),
  scoreMin: z.number().int().optional(),
  scoreMax: z.number().int().optional(),
  dots: z.number().int().optional(),
  blocksToStop: z.number().int().min(1).max(1_000_000).optional(),
  quorum: z.number().min(0).max(1).optional(),
  threshold: z.number().min(0).max(1).optional(),
  /** ISO time; default now (a time in the past means now). */
  opensAt: z.iso.datetime({ offset: true }).optional(),
  closesAt: z.iso.datetime({ offset: true }),
  resultsVisibility: z.enum(["always", "after-vote", "after-close"]).default("always"),
  voteChanges: z.boolean().default(true),
  ballot: z.enum(["named", "anonymous", "secret"]).default("named"),
  /** Anyone who can see the thread may vote, from any server (a Mastodon poll's voters). */
  outsiders: z.boolean().default(false),
  /** A federation voting by delegates: one vote per co-op, or each co-op weighs its active members. */
  weighting: z.enum(["per-coop", "members"]).default("per-coop"),
  /** Seconds before the close when those who have not voted are reminded; null: none. */
  reminderLeadSeconds: z
    .number()
    .int()
    .min(60)
    .max(30 * 24 * 3600)
    .nullable()
    .default(null),
});

export type NewDecision = z.input<typeof newDecisionSchema>;
export type ParsedDecision = z.output<typeof newDecisionSchema>;

/** The count's settings from a proposal (consent has fixed positions, no options). */
function ruleSettingsOf(d: ParsedDecision): Result<RuleSettings, string> {
  const raw: Record<string, unknown> = {
    rule: d.rule,
    options: d.rule === "consent" ? [] : d.options.map((o) => o.label),
  };
  for (const k of [
    "minChoices",
    "maxChoices",
    "scoreMin",
    "scoreMax",
    "dots",
    "blocksToStop",
    "quorum",
    "threshold",
  ] as const)
    if (d[k] !== undefined) raw[k] = d[k];
  return validateSettings(raw);
}

/** A proposal checked whole: fields, the rule's settings, the times. The message names the problem. */
export function parseNewDecision(
  raw: unknown,
  now: Date,
): Result<{ decision: ParsedDecision; settings: RuleSettings; opensAt: Date }, string> {
  const parsed = newDecisionSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return fail(first ? `${first.path.join(".") || "decision"}: ${first.message}` : "invalid");
  }
  const d = parsed.data;
  const settings = ruleSettingsOf(d);
  if (!settings.ok) return settings;
  if (new Set(d.options.map((o) => o.label)).size !== d.options.length)
    return fail("options: two options have the same label");
  const opensAt = d.opensAt && Date.parse(d.opensAt) > now.getTime() ? new Date(d.opensAt) : now;
  const closes = Date.parse(d.closesAt);
  if (closes - opensAt.getTime() < MIN_DECISION_SECONDS * 1000)
    return fail("closesAt: must be at least a minute after opening");
  if (closes - opensAt.getTime() > MAX_DECISION_SECONDS * 1000)
    return fail("closesAt: a decision stays open a year at most");
  // A running tally beside the list of who voted tells what each new voter chose.
  if (d.ballot === "secret" && d.resultsVisibility !== "after-close")
    return fail("resultsVisibility: a secret ballot shows results only after the close");
  // Outsiders vote through a Mastodon-style poll (single or multiple choice), each for
  // themself; a quorum is a share of the group's members, which outsiders are not, and
  // an outsider's ballot crosses servers, so it cannot be secret.
  if (d.outsiders && d.rule !== "single" && d.rule !== "multiple")
    return fail("outsiders: only a single or multiple choice lets outsiders vote");
  if (d.outsiders && d.ballot === "secret") return fail("outsiders: not with a secret ballot");
  if (d.outsiders && (d.quorum ?? 0) > 0) return fail("outsiders: not with a quorum");
  // A weight that differs by co-op would mark whose a secret ballot is.
  if (d.weighting === "members" && d.ballot === "secret")
    return fail("weighting: a secret ballot counts one per co-op");
  return ok({ decision: d, settings: settings.value, opensAt });
}

export type CreateProblem = "invalid" | "forbidden" | PostFailure;

/** A member of the group proposes: the thread post and the decision, in one transaction. */
export async function createDecision(
  ctx: DecisionsContext,
  actor: LocalMember,
  input: { group: Group; proposal: unknown },
): Promise<Result<{ id: string; postId: string }, CreateProblem>> {
  const now = ctx.clock.now();
  const parsed = parseNewDecision(input.proposal, now);
  if (!parsed.ok) return fail("invalid");
  const { decision: d, settings, opensAt } = parsed.value;
  if (d.weighting === "members" && !weighsCoops(input.group)) return fail("invalid");
  return ctx.db.transaction().execute(async (trx) => {
    const placed = await writeInGroupWithin(trx, ctx, input.group, actor, {
      ...textPost(d.body || d.title),
      title: d.title,
    });
    if (!placed.ok) return placed;
    const id = newId();
    await trx
      .insertInto("decisions")
      .values({
        id,
        uri: decisionUri(ctx.origin, id),
        local: 1,
        group_id: input.group.id,
        group_uri: groupUri(ctx.origin, input.group.name),
        post_id: placed.value.id,
        created_by_uri: memberUri(ctx.origin, actor.username),
        title: d.title,
        body: d.body,
        rule: d.rule,
        settings: JSON.stringify(settings),
        options: JSON.stringify(d.rule === "consent" ? [] : d.options),
        opens_at: opensAt.toISOString(),
        closes_at: new Date(d.closesAt).toISOString(),
        results_visibility: d.resultsVisibility,
        vote_changes: d.voteChanges ? 1 : 0,
        ballot: d.ballot,
        outsiders: d.outsiders ? 1 : 0,
        weighting: d.weighting,
        reminder_lead_seconds: d.reminderLeadSeconds,
        opened_notified_at: null,
        reminded_at: null,
        seed: randomBytes(16).toString("hex"),
        status: "open",
        round: 0,
        voters_count: 0,
        tally: null,
        eligible_weight: null,
        closed_at: null,
        closed_by_uri: null,
        outcome: null,
        outcome_at: null,
        review_at: null,
        outcome_post_id: null,
        created_at: now.toISOString(),
        updated_at: now.toISOString(),
      })
      .execute();
    await recordEvent(trx, { type: "decisions.decision.created", payload: { decisionId: id } });
    return ok({ id, postId: placed.value.id });
  });
}

/**
 * The thread's title follows the amended question (its first post keeps the
 * first text, the amended text is a reply, so the discussion reads in order;
 * post edit history keeps no titles). The change goes out as the post's Update.
 */
async function retitleThread(trx: Kysely<Schema>, postId: string, title: string): Promise<void> {
  const post = await trx
    .selectFrom("posts")
    .select("title")
    .where("id", "=", postId)
    .executeTakeFirst();
  if (!post || post.title === title) return;
  await trx.updateTable("posts").set({ title }).where("id", "=", postId).execute();
  await recordEvent(trx, { type: "social.post.updated", payload: { postId } });
}

/**
 * `now`, or a millisecond after `before` if the clock has not moved past it:
 * every change of a decision's ballots (a batch of votes, an amendment, a
 * withdrawn vote) gives it a new `updated_at`, which names that state of its
 * ballots (closing.ts caches live counts by it; other nodes refresh by it).
 */
export function laterThan(before: string, now: Date): string {
  return new Date(Math.max(now.getTime(), Date.parse(before) + 1)).toISOString();
}

/** Only a federation voting by delegates has co-ops to weigh. */
export const weighsCoops = (group: Pick<Group, "kind" | "voting_mode">) =>
  group.kind === "federation" && group.voting_mode === "delegates";

export function findDecision(db: Kysely<Schema>, id: string): Promise<Decision | undefined> {
  return db.selectFrom("decisions").selectAll().where("id", "=", id).executeTakeFirst();
}

export function decisionOfPost(db: Kysely<Schema>, postId: string): Promise<Decision | undefined> {
  return db.selectFrom("decisions").selectAll().where("post_id", "=", postId).executeTakeFirst();
}

export const optionsOf = (d: Pick<Decision, "options">): DecisionOption[] =>
  JSON.parse(d.options) as DecisionOption[];
export const settingsOf = (d: Pick<Decision, "settings">): RuleSettings =>
  JSON.parse(d.settings) as RuleSettings;

/** The decision row locked for a change (PostgreSQL: FOR UPDATE; SQLite has one writer). */
export async function lockDecision(trx: Kysely<Schema>, id: string, postgres: boolean) {
  const q = trx.selectFrom("decisions").selectAll().where("id", "=", id);
  return (postgres ? q.forUpdate() : q).executeTakeFirst();
}

/** May this member steer the decision (close early, amend, write the outcome)? Its proposer or a group moderator. */
export async function maySteer(
  trx: Kysely<Schema>,
  ctx: DecisionsContext,
  group: Group,
  d: Decision,
  actor: LocalMember,
): Promise<boolean> {
  if (d.created_by_uri === memberUri(ctx.origin, actor.username)) {
    const standing = await standingOf(trx, ctx.origin, group, actor);
    return standing.status === "active";
  }
  return canModerate((await standingOf(trx, ctx.origin, group, actor)).role);
}

export type AmendProblem = "not-found" | "forbidden" | "invalid" | "outcome-recorded";

/**
 * The proposer or a moderator amends: new text, options, settings and times
 * (the whole proposal again, as in createDecision). Votes of the round are
 * cleared, the round number goes up, the decision is open again, and the
 * group is notified again by the sweep. A decision with a written outcome is
 * settled: propose anew instead.
 */
export async function amendDecision(
  ctx: DecisionsContext,
  actor: LocalMember,
  input: { group: Group; decisionId: string; proposal: unknown },
): Promise<Result<{ id: string; round: number }, AmendProblem>> {
  const now = ctx.clock.now();
  const parsed = parseNewDecision(input.proposal, now);
  if (!parsed.ok) return fail("invalid");
  const { decision: d, settings, opensAt } = parsed.value;
  if (d.weighting === "members" && !weighsCoops(input.group)) return fail("invalid");
  return ctx.db.transaction().execute(async (trx) => {
    const current = await lockDecision(trx, input.decisionId, isPostgres(trx));
    if (!current || current.group_id !== input.group.id || !current.local)
      return fail("not-found" as const);
    if (!(await maySteer(trx, ctx, input.group, current, actor))) return fail("forbidden" as const);
    if (current.outcome !== null) return fail("outcome-recorded" as const);
    // The amended text goes into the thread too, so the discussion reads in order.
    const reply = await writeInGroupWithin(trx, ctx, input.group, actor, {
      ...textPost((d.body ? `${d.title}\n\n${d.body}` : d.title).slice(0, MAX_POST_LENGTH)),
      inReplyToId: current.post_id,
    });
    if (!reply.ok) return fail(reply.reason === "forbidden" ? "forbidden" : ("invalid" as const));
    await clearVotes(trx, current.id);
    await retitleThread(trx, current.post_id, d.title);
    const round = current.round + 1;
    await trx
      .updateTable("decisions")
      .set({
        title: d.title,
        body: d.body,
        rule: d.rule,
        settings: JSON.stringify(settings),
        options: JSON.stringify(d.rule === "consent" ? [] : d.options),
        opens_at: opensAt.toISOString(),
        closes_at: new Date(d.closesAt).toISOString(),
        results_visibility: d.resultsVisibility,
        vote_changes: d.voteChanges ? 1 : 0,
        ballot: d.ballot,
        outsiders: d.outsiders ? 1 : 0,
        weighting: d.weighting,
        reminder_lead_seconds: d.reminderLeadSeconds,
        opened_notified_at: null,
        reminded_at: null,
        status: "open",
        round,
        voters_count: 0,
        tally: null,
        eligible_weight: null,
        closed_at: null,
        closed_by_uri: null,
        updated_at: laterThan(current.updated_at, now),
      })
      .where("id", "=", current.id)
      .execute();
    await recordEvent(trx, {
      type: "decisions.decision.amended",
      payload: { decisionId: current.id },
    });
    return ok({ id: current.id, round });
  });
}
