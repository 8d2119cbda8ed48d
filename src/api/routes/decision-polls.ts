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
import type { DecisionView } from "../../governance/decisions/reads.ts";
import { decisionView } from "../../governance/decisions/reads.ts";
import type { BallotChoice } from "../../governance/decisions/types.ts";
import { castVote } from "../../governance/decisions/votes.ts";
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
    expired: v.window === "closed",
    multiple: d.rule === "multiple",
    votes_count: votes ? votes.reduce((n, x) => n + x, 0) : null,
    voters_count: d.voters_count,
    options: v.settings.options.map((title, i) => ({
      title,
      votes_count: votes ? (votes[i] ?? 0) : null,
    })),
    emojis: [],
    ...(ownVotes ? { voted: v.hasVoted, own_votes: ownVotes } : {}),
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

  /** The poll-shaped decision of this post id, null to pass on (not one). */
  const decisionOf = async (id: string) => {
    const d = await decisionOfPost(deps.db, id);
    return d && POLL_RULES.has(d.rule) && d.local ? d : null;
  };

  /** The poll as the viewer may see it (404 when they may not read the decision). */
  const answer = async (
    c: Context<ApiEnv>,
    d: Decision,
    viewer: { id: string; username: string } | null,
  ) => {
    const v = await decisionView(ctx(), viewer, d.id);
    if (!v) throw notFound();
    const own = viewer
      ? await ownVotesOf(deps, d, memberUri(deps.config.origin, viewer.username))
      : null;
    return c.json(decisionPollJson(v, own));
  };

  app.get("/api/v1/polls/:id", async (c, next: Next) => {
    const viewer = optionalUser(c, "read:statuses");
    const d = await decisionOf(c.req.param("id"));
    if (!d) return next();
    return answer(c, d, viewer);
  });

  app.post("/api/v1/polls/:id/votes", async (c, next: Next) => {
    const me = requireUser(c, "write:statuses");
    const found = await decisionOf(c.req.param("id"));
    if (!found) return next();
    // Who may not read it learns nothing, and writes nothing.
    if (!(await decisionView(ctx(), me, found.id))) throw notFound();
    const p = z
      .object({ choices: z.array(z.coerce.number().int().min(0)).min(1).max(100) })
      .parse(await readParams(c));
    const choice =
      found.rule === "single"
        ? p.choices.length === 1
          ? { option: p.choices[0] }
          : { options: p.choices }
        : { options: p.choices };
    const cast = await castVote(
      ctx(),
      { uri: memberUri(deps.config.origin, me.username), accountId: me.id },
      { decisionId: found.id, choice },
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
    return answer(c, found, me);
  });

  return app;
}
