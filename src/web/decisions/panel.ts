/**
 * A decision as it shows at the top of its thread: the question and explanation,
 * the options with their explanations, the time left, the ballot (or why there is
 * none), the tally with its chart — or the line that says when it will show —, who
 * has voted (never for a secret ballot), the outcome, and the manage links for the
 * proposer and the group's moderators. A pure function of a `DecisionPage`, which
 * deps.ts builds from the capability's view with the visibility rules applied.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import type {
  BallotKind,
  DecisionWeighting,
  ResultsVisibility,
} from "../../db/schema/decisions.ts";
import type { BallotChoice, RuleSettings, Tally } from "../../governance/decisions/types.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, type FieldErrors, formatDate } from "../forms.ts";
import type { Translate } from "../i18n/i18n.ts";
import type { Html } from "../layout.ts";
import { safeUrl } from "../safe-url.ts";
import { type BallotValues, ballotForm, valuesOfChoice } from "./ballot.ts";
import { tallyView } from "./tally-view.ts";

export interface VoterLine {
  name: string;
  /** Named ballots: the vote's id, so a moderator can hide or show its reason. */
  voteId?: string;
  reasonHidden?: boolean;
  /** Named ballots: what they chose, in words (consent: the position). */
  choice?: string;
  reason?: string;
}

export interface DecisionPage {
  id: string;
  /** Where the decision's pages are: /groups/{group}/decisions/{id}. */
  path: string;
  title: string;
  body: string;
  settings: RuleSettings;
  explanations: string[];
  opensAt: string;
  closesAt: string;
  status: "scheduled" | "open" | "closed";
  closedAt: string | null;
  results: ResultsVisibility;
  ballot: BallotKind;
  changeVote: boolean;
  /** A federation's decision: one vote per co-op, or each co-op weighs its active members. */
  weighting: DecisionWeighting;
  votersCount: number;
  eligibleWeight: number | null;
  /** Null when the viewer may not see it yet. */
  tally: Tally | null;
  /** Null for a secret ballot. */
  voters: VoterLine[] | null;
  outcome: { text: string; reviewAt: string | null } | null;
  /** The host of a decision whose ballots travel to another server. */
  hostedOn: string | null;
  viewer: {
    hasVoted: boolean;
    canVote: boolean;
    /** The proposer or a moderator: amend, write the outcome. */
    canManage: boolean;
    /** A moderator: close early. */
    canClose: boolean;
    /** One's earlier named or anonymous choice (a secret one is nobody's to read back). */
    previous: BallotChoice | null;
  };
}

/** "3 days", "5 hours", "12 minutes" until `to`. */
export function timeLeft(t: Translate, now: Date, to: string): string {
  const ms = new Date(to).getTime() - now.getTime();
  const minutes = Math.max(0, Math.ceil(ms / 60_000));
  if (minutes >= 2 * 24 * 60) return t("decisions.left.days", { n: Math.floor(minutes / 1440) });
  if (minutes >= 120) return t("decisions.left.hours", { n: Math.floor(minutes / 60) });
  return t("decisions.left.minutes", { n: minutes });
}

export function metaLine(c: Context<WebEnv>, d: DecisionPage, now: Date): Html {
  const t = c.get("t");
  const locale = c.get("locale");
  const items: Html[] = [html`<li>${t(`decisions.rule.${d.settings.rule}`)}</li>`];
  if (d.status === "open")
    items.push(
      html`<li><strong>${t("decisions.status.open")}</strong> · ${t("decisions.timeLeft", { left: timeLeft(t, now, d.closesAt) })}</li>`,
      html`<li>${t("decisions.closes", { when: formatDate(locale, d.closesAt) })}</li>`,
    );
  else if (d.status === "scheduled")
    items.push(
      html`<li>${t("decisions.status.scheduled", { when: formatDate(locale, d.opensAt) })}</li>`,
    );
  else
    items.push(
      html`<li><strong>${t("decisions.status.closed")}</strong> · ${t("decisions.closedAt", { when: formatDate(locale, d.closedAt ?? d.closesAt) })}</li>`,
    );
  // Weighted by members, the eligible weight is members, not voters: said apart.
  items.push(
    d.weighting === "members"
      ? html`<li>${t("decisions.votesCoops", { count: d.votersCount })}</li><li>${t("decisions.weighted", { eligible: d.eligibleWeight ?? "?" })}</li>`
      : html`<li>${t("decisions.votes", { count: d.votersCount, eligible: d.eligibleWeight ?? "?" })}</li>`,
  );
  if (d.viewer.hasVoted) items.push(html`<li>✓ ${t("decisions.voted")}</li>`);
  return html`<ul class="decision-meta">${items}</ul>`;
}

export interface PanelOptions {
  now: Date;
  ballotValues?: BallotValues;
  ballotErrors?: FieldErrors;
  /** A secret ballot's receipt, shown once right after voting. */
  receipt?: string;
}

function ballotPart(c: Context<WebEnv>, d: DecisionPage, o: PanelOptions): Html {
  const t = c.get("t");
  if (d.status !== "open") return html``;
  if (!d.viewer.canVote)
    return c.get("viewer")
      ? html`<p class="muted">${t("decisions.ballot.notEligible")}</p>`
      : html``;
  if (d.viewer.hasVoted && !d.changeVote) return html``;
  return html`<section aria-labelledby="ballot-${d.id}"><h3 id="ballot-${d.id}">${t("decisions.ballot.title")}</h3>
    ${d.ballot === "secret" ? html`<p class="hint">${t("decisions.ballot.secretNote")}</p>` : ""}
    ${ballotForm(
      t,
      d.settings,
      o.ballotValues ?? valuesOfChoice(d.viewer.previous),
      o.ballotErrors ?? {},
      {
        action: `${d.path}/votes`,
        csrf: csrfField(c),
        explanations: d.explanations,
        changing: d.viewer.hasVoted,
        askReceipt: d.viewer.hasVoted && d.ballot === "secret",
        hostedOn: d.hostedOn,
      },
    )}</section>`;
}

function tallyPart(c: Context<WebEnv>, d: DecisionPage): Html {
  const t = c.get("t");
  const heading = html`<h3>${t("decisions.tally")}</h3>`;
  if (d.tally)
    return html`<section>${heading}${tallyView(t, d.tally, d.settings.options, {
      closed: d.status === "closed",
      quorum: (d.settings.quorum ?? 0) > 0,
    })}</section>`;
  return html`<section>${heading}<p class="muted">${t(
    d.results === "after-vote" && d.ballot !== "secret"
      ? "decisions.tally.hiddenVoted"
      : "decisions.tally.hiddenClosed",
  )}</p></section>`;
}

function votersPart(c: Context<WebEnv>, d: DecisionPage): Html {
  const t = c.get("t");
  if (d.voters === null)
    // A decision hosted elsewhere: its host keeps who voted.
    return d.ballot === "secret" || !d.hostedOn
      ? html`<p class="muted">${t("decisions.voters.secret")}</p>`
      : html``;
  return html`<details class="decision-voters"${d.voters.length > 0 && d.voters.length <= 12 ? html` open` : ""}>
    <summary>${t("decisions.voters")} (${d.voters.length})</summary>
    ${
      d.voters.length === 0
        ? html`<p class="muted">${t("decisions.voters.none")}</p>`
        : html`<ul>${d.voters.map(
            (v) =>
              html`<li><strong>${v.name}</strong>${v.choice ? html` — ${v.choice}` : ""}${v.reason ? html`<br /><q>${v.reason}</q>` : ""}${v.reasonHidden ? html`<br /><em class="muted">${t("decisions.reason.hidden")}</em>` : ""}${reasonButton(c, d, v)}</li>`,
          )}</ul>`
    }</details>`;
}

/** A moderator hides a vote's reason (the vote still counts) or shows it again. */
function reasonButton(c: Context<WebEnv>, d: DecisionPage, v: VoterLine): Html | "" {
  if (!d.viewer.canClose || !v.voteId || !(v.reason || v.reasonHidden)) return "";
  const t = c.get("t");
  return html` <form method="post" action="${safeUrl(d.path)}/votes/${v.voteId}/reason" class="inline">${csrfField(c)}<input type="hidden" name="hidden" value="${v.reasonHidden ? "no" : "yes"}" /><button type="submit" class="link">${t(v.reasonHidden ? "decisions.reason.show" : "decisions.reason.hide")}</button></form>`;
}

function outcomePart(c: Context<WebEnv>, d: DecisionPage): Html {
  const t = c.get("t");
  if (!d.outcome) return html``;
  return html`<section class="decision-outcome" aria-labelledby="outcome-${d.id}">
    <h3 id="outcome-${d.id}">${t("decisions.outcome")}</h3>
    <p>${d.outcome.text}</p>
    ${d.outcome.reviewAt ? html`<p class="muted">${t("decisions.outcome.review", { date: d.outcome.reviewAt.slice(0, 10) })}</p>` : ""}
  </section>`;
}

function managePart(c: Context<WebEnv>, d: DecisionPage): Html {
  const t = c.get("t");
  const links: Html[] = [];
  if (d.status !== "closed") {
    if (d.viewer.canManage)
      links.push(html`<a href="${safeUrl(d.path)}/amend">${t("decisions.form.amend")}</a>`);
    if (d.viewer.canClose)
      links.push(
        html`<form method="post" action="${safeUrl(d.path)}/close" class="inline">${csrfField(c)}<button type="submit" class="secondary">${t("decisions.close")}</button></form>`,
      );
  } else if (d.viewer.canManage && !d.outcome)
    links.push(html`<a href="${safeUrl(d.path)}/outcome">${t("decisions.outcome.write")}</a>`);
  if (links.length === 0) return html``;
  return html`<p class="decision-manage">${links}</p>`;
}

/** The whole decision, as a section at the top of its thread. */
export function decisionPanel(c: Context<WebEnv>, d: DecisionPage, o: PanelOptions): Html {
  const t = c.get("t");
  return html`<section class="decision" id="decision-${d.id}" aria-labelledby="decision-title-${d.id}">
    <h2 id="decision-title-${d.id}">${d.title}</h2>
    ${metaLine(c, d, o.now)}
    ${d.body ? html`<div class="decision-body">${d.body.split(/\n{2,}/).map((p) => html`<p>${p}</p>`)}</div>` : ""}
    ${
      d.settings.rule !== "consent"
        ? html`<ol class="decision-options">${d.settings.options.map(
            (label, i) =>
              html`<li><strong>${label}</strong>${d.explanations[i] ? html` — ${d.explanations[i]}` : ""}</li>`,
          )}</ol>`
        : ""
    }
    ${outcomePart(c, d)}
    ${
      o.receipt
        ? html`<div class="notice ok" role="status"><p><strong>${t("decisions.ballot.receipt")}</strong></p>
          <p class="receipt">${o.receipt}</p><p>${t("decisions.ballot.receiptHint")}</p></div>`
        : ""
    }
    ${ballotPart(c, d, o)}
    ${tallyPart(c, d)}
    ${votersPart(c, d)}
    ${managePart(c, d)}
  </section>`;
}
