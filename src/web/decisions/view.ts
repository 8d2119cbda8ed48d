/**
 * A decision drawn for a viewer: governance/decisions/reads.ts decides what the
 * viewer may see (the same for the JSON API); here names and choices become words.
 */
import type { DecisionsContext } from "../../governance/decisions/context.ts";
import type { BallotChoice, RuleSettings } from "../../governance/decisions/types.ts";
import { decisionShown } from "../../governance/decisions/viewing.ts";
import { memberPrefix, memberUri } from "../../kernel/uris.ts";
import type { Translate } from "../i18n/i18n.ts";
import type { DecisionPage } from "./panel.ts";

export type ViewDeps = DecisionsContext;

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

/** How a voter is named: @user for members here, @user@host (when known) elsewhere. */
async function voterNames(deps: ViewDeps, uris: string[]): Promise<(uri: string) => string> {
  const prefix = memberPrefix(deps.origin);
  const remote = [...new Set(uris.filter((u) => !u.startsWith(prefix)))];
  const handles = new Map(
    remote.length
      ? (
          await deps.db
            .selectFrom("remote_actors")
            .select(["uri", "handle"])
            .where("uri", "in", remote)
            .execute()
        ).map((r) => [r.uri, r.handle])
      : [],
  );
  return (uri) =>
    uri.startsWith(prefix)
      ? `@${uri.slice(prefix.length)}`
      : `@${handles.get(uri) ?? uri.replace(/^https?:\/\//, "")}`;
}

/** The decision as `viewer` may see it, in the panel's terms; null if they may not read it. */
export async function decisionPage(
  deps: ViewDeps,
  t: Translate,
  id: string,
  viewer: { id: string; username: string } | null,
): Promise<DecisionPage | null> {
  const shown = await decisionShown(deps, viewer, id);
  if (!shown) return null;
  const { view: v, group } = shown;
  const d = v.decision;
  const name = await voterNames(
    deps,
    (v.votes ?? []).map((e) => e.voterUri),
  );
  const me = viewer ? memberUri(deps.origin, viewer.username) : null;
  const myReason = v.votes?.find((e) => e.voterUri === me || e.castByUri === me)?.reason ?? "";
  return {
    id: d.id,
    path: `/groups/${group.name}/decisions/${d.id}`,
    title: d.title,
    body: d.body,
    settings: v.settings,
    explanations: v.options.map((o) => o.explanation),
    opensAt: d.opens_at,
    closesAt: d.closes_at,
    status: v.window === "not-open" ? "scheduled" : v.window,
    closedAt: d.closed_at,
    results: d.results_visibility,
    ballot: d.ballot,
    changeVote: d.vote_changes === 1,
    weighting: d.weighting,
    votersCount: d.voters_count,
    eligibleWeight: shown.eligibleWeight,
    tally: v.tally,
    voters:
      v.votes?.map((e) => ({
        name: name(e.voterUri),
        ...(e.choice ? { choice: choiceInWords(t, v.settings, e.choice) } : {}),
        ...(e.reason ? { reason: e.reason } : {}),
        ...(d.ballot === "named" ? { voteId: e.voteId, reasonHidden: e.reasonHidden } : {}),
      })) ?? null,
    outcome: d.outcome ? { text: d.outcome, reviewAt: d.review_at } : null,
    hostedOn: d.local ? null : new URL(d.uri).host,
    viewer: {
      hasVoted: v.hasVoted,
      canVote: v.canVote,
      canManage: shown.canManage,
      canClose: shown.canClose,
      // A reason lives apart from the choice (moderators can hide it); both come back.
      previous: v.myChoice
        ? "position" in v.myChoice
          ? { ...v.myChoice, ...(myReason ? { reason: myReason } : {}) }
          : v.myChoice
        : null,
    },
  };
}
