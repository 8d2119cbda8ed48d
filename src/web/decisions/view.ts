/**
 * A decision as one viewer may see it (the `DecisionPage` the panel draws and the
 * JSON API serializes): the tally only when results-visibility allows it
 * (governance/decisions/results-visibility.ts), who voted never for a secret
 * ballot, and what each chose only for a named one. Both the pages and the API
 * build their answers here, so the visibility rules hold in both.
 */

import { tallyOf } from "../../governance/decisions/closing.ts";
import type { DecisionsContext } from "../../governance/decisions/context.ts";
import { type Decision, optionsOf, settingsOf } from "../../governance/decisions/decisions.ts";
import { eligibilityOf, everyoneEligible } from "../../governance/decisions/eligibility.ts";
import { canSeeResults } from "../../governance/decisions/results-visibility.ts";
import type { BallotChoice, RuleSettings, Tally } from "../../governance/decisions/types.ts";
import { hasVoted } from "../../governance/decisions/votes.ts";
import type { Group } from "../../groups/groups.ts";
import { canModerate, standingOf } from "../../groups/standing.ts";
import { memberPrefix, memberUri } from "../../kernel/uris.ts";
import type { Translate } from "../i18n/i18n.ts";
import type { DecisionPage, VoterLine } from "./panel.ts";

export type ViewDeps = DecisionsContext;

export type DecisionStatusNow = DecisionPage["status"];

/** open / scheduled / closed as of `now` (a decision past its close is closed even before the sweep). */
export function statusAt(
  d: Pick<Decision, "status" | "opens_at" | "closes_at">,
  now: Date,
): DecisionStatusNow {
  const at = now.toISOString();
  if (d.status === "closed" || d.closes_at <= at) return "closed";
  return d.opens_at > at ? "scheduled" : "open";
}

/** A named ballot's choice in words. */
export function choiceInWords(t: Translate, s: RuleSettings, choice: BallotChoice): string {
  const label = (i: number) => s.options[i] ?? `#${i + 1}`;
  if ("position" in choice) return t(`decisions.position.${choice.position}`);
  if ("option" in choice) return label(choice.option);
  if ("options" in choice) return choice.options.map(label).join(", ");
  if ("scores" in choice) return choice.scores.map((x, i) => `${label(i)}: ${x}`).join(", ");
  if ("dots" in choice)
    return choice.dots
      .map((x, i) => (x > 0 ? `${label(i)}: ${x}` : ""))
      .filter(Boolean)
      .join(", ");
  if ("ranking" in choice) return choice.ranking.map((i, r) => `${r + 1}. ${label(i)}`).join(" ");
  return choice.answers.map((a, i) => `${label(i)}: ${t(`decisions.answer.${a}`)}`).join(", ");
}

/** Who voted (named/anonymous ballots), with names as @user for members here, handles elsewhere. */
async function voterLines(
  deps: ViewDeps,
  t: Translate,
  d: Decision,
  settings: RuleSettings,
): Promise<VoterLine[]> {
  const rows = await deps.db
    .selectFrom("decision_votes")
    .select(["voter_uri", "choice", "reason", "reason_hidden_at"])
    .where("decision_id", "=", d.id)
    .orderBy("created_at")
    .limit(1000)
    .execute();
  const prefix = memberPrefix(deps.origin);
  const remote = rows.map((r) => r.voter_uri).filter((u) => !u.startsWith(prefix));
  const handles = remote.length
    ? new Map(
        (
          await deps.db
            .selectFrom("remote_actors")
            .select(["uri", "handle"])
            .where("uri", "in", remote)
            .execute()
        ).map((r) => [r.uri, r.handle]),
      )
    : new Map<string, string>();
  return rows.map((r) => {
    const name = r.voter_uri.startsWith(prefix)
      ? `@${r.voter_uri.slice(prefix.length)}`
      : `@${handles.get(r.voter_uri) ?? r.voter_uri.replace(/^https?:\/\//, "")}`;
    if (d.ballot !== "named") return { name };
    const line: VoterLine = {
      name,
      choice: choiceInWords(t, settings, JSON.parse(r.choice) as BallotChoice),
    };
    if (r.reason && !r.reason_hidden_at) line.reason = r.reason;
    return line;
  });
}

/** The decision as `viewer` may see it. */
export async function decisionPage(
  deps: ViewDeps,
  t: Translate,
  group: Group,
  d: Decision,
  viewer: { id: string; username: string } | null,
  now: Date,
): Promise<DecisionPage> {
  const settings = settingsOf(d);
  const options = optionsOf(d);
  const status = statusAt(d, now);
  const me = viewer ? memberUri(deps.origin, viewer.username) : null;
  const voted = me ? await hasVoted(deps.db, d, me) : false;
  const eligible =
    me && status === "open" ? await eligibilityOf(deps.db, deps.origin, group, me) : null;
  const standing = viewer ? await standingOf(deps.db, deps.origin, group, viewer) : null;
  const canManage =
    !!viewer &&
    standing?.status === "active" &&
    (d.created_by_uri === me || canModerate(standing.role));
  const canClose = !!viewer && standing?.status === "active" && canModerate(standing.role);
  const visible = canSeeResults({
    visibility: d.results_visibility,
    closed: status === "closed",
    hasVoted: voted,
  });
  let tally: Tally | null = null;
  if (visible) tally = await tallyOf(deps, d);
  return {
    id: d.id,
    path: `/groups/${group.name}/decisions/${d.id}`,
    title: d.title,
    body: d.body,
    settings,
    explanations: options.map((o) => o.explanation),
    opensAt: d.opens_at,
    closesAt: d.closes_at,
    status,
    closedAt: d.closed_at,
    results: d.results_visibility,
    ballot: d.ballot,
    changeVote: d.vote_changes === 1,
    votersCount: d.voters_count,
    eligibleWeight:
      d.eligible_weight ??
      tally?.eligibleWeight ??
      (await everyoneEligible(deps.db, deps.origin, group)).length,
    tally,
    voters: d.ballot === "secret" ? null : await voterLines(deps, t, d, settings),
    outcome: d.outcome ? { text: d.outcome, reviewAt: d.review_at } : null,
    hostedOn: d.local ? null : new URL(d.uri).host,
    viewer: { hasVoted: voted, canVote: !!eligible, canManage, canClose },
  };
}
