/**
 * Mastodon's poll routes for decisions that are polls: a single- or multiple-
 * choice decision answers GET /api/v1/polls/:id (the id is its thread's post id,
 * as for every poll here) and takes POST /api/v1/polls/:id/votes through the
 * decision capability, so a Mastodon app's vote counts in the decision, under its
 * rules (eligibility, window, min/max choices, vote changes). A hidden tally is
 * `votes_count: null`, as Mastodon shows a poll with hidden totals. Any other id
 * is passed on to the social polls' routes (notifications.ts).
 */
import { type Context, Hono, type Next } from "hono";
import { z } from "zod";
import { type Decision, decisionOfPost } from "../../governance/decisions/decisions.ts";
import type { BallotChoice } from "../../governance/decisions/types.ts";
import { type DecisionView, decisionView } from "../../governance/decisions/viewing.ts";
import { castVote } from "../../governance/decisions/votes.ts";
import { findGroupById } from "../../groups/groups.ts";
import { canRead } from "../../groups/threads.ts";
import { memberUri } from "../../kernel/uris.ts";
import { optionalUser, requireUser } from "../auth.ts";
import { type ApiDeps, type ApiEnv, socialContext } from "../deps.ts";
import { notFound, unprocessable } from "../errors.ts";
import { readParams } from "../params.ts";

const POLL_RULES = new Set(["single", "multiple"]);

/** A decision as Mastodon's Poll entity. */
export function decisionPollJson(v: DecisionView, ownVotes: number[] | null) {
  const d = v.decision;
  const tally = v.tally;
  const votes =
    tally && (tally.rule === "single" || tally.rule === "multiple") ? tally.votes : null;
  return {
    id: d.post_id,
    expires_at: d.closes_at,
    expired: v.status === "closed",
    multiple: d.rule === "multiple",
    votes_count: votes ? votes.reduce((n, x) => n + x, 0) : null,
    voters_count: d.voters_count,
    options: v.settings.options.map((title, i) => ({
      title,
      votes_count: votes ? (votes[i] ?? 0) : null,
    })),
    emojis: [],
    ...(ownVotes ? { voted: v.viewer.hasVoted, own_votes: ownVotes } : {}),
  };
}

/** The viewer's own choices (named and anonymous ballots; a secret one is nobody's to read). */
async function ownVotesOf(deps: ApiDeps, d: Decision, voterUri: string): Promise<number[]> {
  if (d.ballot === "secret") return [];
  const row = await deps.db
    .selectFrom("decision_votes")
    .select("choice")
    .where("decision_id", "=", d.id)
    .where("voter_uri", "=", voterUri)
    .executeTakeFirst();
  if (!row) return [];
  const choice = JSON.parse(row.choice) as BallotChoice;
  return "option" in choice ? [choice.option] : "options" in choice ? choice.options : [];
}

export function decisionPollRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const ctx = () => socialContext(deps);

  /** The poll-shaped decision of this id that the viewer may read, null to pass on, 404 if hidden. */
  const decisionOf = async (id: string, viewer: { id: string; username: string } | null) => {
    const d = await decisionOfPost(deps.db, id);
    if (!d || !POLL_RULES.has(d.rule) || !d.local || !d.group_id) return null;
    const group = await findGroupById(deps.db, d.group_id);
    if (!group || !(await canRead(deps.db, deps.config.origin, group, viewer))) throw notFound();
    return { d, group };
  };

  const answer = async (
    c: Context<ApiEnv>,
    found: NonNullable<Awaited<ReturnType<typeof decisionOf>>>,
    viewer: { id: string; username: string } | null,
  ) => {
    const v = await decisionView(ctx(), found.group, found.d, viewer, deps.clock.now());
    const own = viewer
      ? await ownVotesOf(deps, found.d, memberUri(deps.config.origin, viewer.username))
      : null;
    return c.json(decisionPollJson(v, own));
  };

  app.get("/api/v1/polls/:id", async (c, next: Next) => {
    const viewer = optionalUser(c, "read:statuses");
    const found = await decisionOf(c.req.param("id"), viewer);
    if (!found) return next();
    return answer(c, found, viewer);
  });

  app.post("/api/v1/polls/:id/votes", async (c, next: Next) => {
    const me = requireUser(c, "write:statuses");
    const found = await decisionOf(c.req.param("id"), me);
    if (!found) return next();
    const p = z
      .object({ choices: z.array(z.coerce.number().int().min(0)).min(1).max(100) })
      .parse(await readParams(c));
    const choice =
      found.d.rule === "single"
        ? p.choices.length === 1
          ? { option: p.choices[0] }
          : { options: p.choices }
        : { options: p.choices };
    const cast = await castVote(
      ctx(),
      { uri: memberUri(deps.config.origin, me.username), accountId: me.id },
      { decisionId: found.d.id, choice },
    );
    if (!cast.ok) {
      if (cast.reason === "not-found") throw notFound();
      const why: Record<string, string> = {
        closed: "The poll has already ended",
        "not-open": "The poll has not started yet",
        "already-voted": "You have already voted on this poll",
        "not-eligible": "You may not vote in this poll",
      };
      throw unprocessable(why[cast.reason] ?? "Choices are not valid for this poll");
    }
    const fresh = await decisionOf(c.req.param("id"), me);
    if (!fresh) throw notFound();
    return answer(c, fresh, me);
  });

  return app;
}
