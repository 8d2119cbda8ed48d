/**
 * A decision hosted on another server, in a member's copy of its thread (the
 * remote group's thread page draws it through the `remoteThreadHead` hook): the
 * question, its options, the time left, the results when they may be seen, and
 * the ballot form (web/decisions/ballot.ts), which says before one votes that
 * the ballot travels to the host and cannot be secret from it. A delegate of
 * our co-op may cast the co-op's vote. The vote goes through `sendBallot`; a
 * refusal re-draws the decision with the problem (422) and sends nothing.
 */
import { type Context, Hono } from "hono";
import { html } from "hono/html";
import type { Decision } from "../../governance/decisions/decisions.ts";
import { optionsOf, settingsOf } from "../../governance/decisions/decisions.ts";
import {
  hasSentBallot,
  isHostedElsewhere,
  isMemberOf,
  isOurDelegate,
  type SendBallotProblem,
  sendBallot,
} from "../../governance/decisions/elsewhere.ts";
import {
  carryMandate,
  linkMandate,
  type MandateProblem,
} from "../../governance/decisions/mandate.ts";
import type { Tally } from "../../governance/decisions/types.ts";
import { InputError } from "../../kernel/errors.ts";
import type { WebEnv } from "../context.ts";
import { type BallotValues, ballotForm, ballotFromForm } from "../decisions/ballot.ts";
import { timeLeft } from "../decisions/panel.ts";
import { tallyView } from "../decisions/tally-view.ts";
import { csrfField, type FieldErrors, readForm } from "../forms.ts";
import { type GroupsDeps, groupsContext } from "../groups/render.ts";
import { type Html, layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { safeUrl } from "../safe-url.ts";
import { requireViewer } from "../session.ts";

const hostOf = (d: Pick<Decision, "uri">) => new URL(d.uri).host;
const votePath = (d: Pick<Decision, "id">) => `/decisions/elsewhere/${d.id}/votes`;
const mandatePath = (d: Pick<Decision, "id">) => `/decisions/elsewhere/${d.id}/mandate`;

/** Decisions closed here whose result a delegate may carry (the latest first). */
const closedHere = (deps: GroupsDeps) =>
  deps.db
    .selectFrom("decisions")
    .select(["id", "title"])
    .where("local", "=", 1)
    .where("status", "=", "closed")
    .orderBy("id", "desc")
    .limit(20)
    .execute();

function mandateForm(
  c: Context<WebEnv>,
  d: Decision,
  choices: { id: string; title: string }[],
  error?: string,
): Html | "" {
  const t = c.get("t");
  if (choices.length === 0) return "";
  return html`<details class="mandate start-thread"${error ? html` open` : ""}><summary class="button secondary">${t("decisionsElsewhere.mandate")}</summary>
    <form method="post" action="${safeUrl(mandatePath(d))}">
      ${csrfField(c)}
      <div class="field"><label for="f-assembly">${t("decisionsElsewhere.mandateField")}</label>
      <select id="f-assembly" name="assemblyDecisionId"${error ? html` aria-invalid="true" aria-describedby="e-assembly"` : ""}>${choices.map(
        (o) => html`<option value="${o.id}">${o.title}</option>`,
      )}</select>
      <p class="hint">${t("decisionsElsewhere.mandateHint")}</p>
      ${error ? html`<p class="field-error" id="e-assembly">${error}</p>` : ""}</div>
      <button type="submit">${t("decisionsElsewhere.mandateButton")}</button>
    </form></details>`;
}

interface Drawn {
  values?: BallotValues;
  errors?: FieldErrors;
  mandateError?: string;
  /** The decision is the whole page (its title the page's h1), not a block of a thread. */
  alone?: boolean;
}

async function section(
  c: Context<WebEnv>,
  deps: GroupsDeps,
  d: Decision,
  drawn: Drawn = {},
): Promise<Html> {
  const t = c.get("t");
  const viewer = c.get("viewer");
  const now = deps.clock.now();
  const settings = settingsOf(d);
  const options = optionsOf(d);
  const closed = d.status === "closed" || Date.parse(d.closes_at) <= now.getTime();
  const voted = viewer ? await hasSentBallot(deps.db, d.id, viewer.id) : false;
  const delegate = viewer ? await isOurDelegate(deps.db, viewer.id, d.group_uri) : false;
  // Nothing to chart before the first vote.
  const showTally =
    !!d.tally &&
    d.voters_count > 0 &&
    (closed ||
      d.results_visibility === "always" ||
      (d.results_visibility === "after-vote" && voted));
  let results: Html | "" = "";
  if (showTally)
    try {
      // The host's tally, shown as it came; a malformed one is left out rather than drawn.
      results = html`<h3>${t("decisions.tally")}</h3>${tallyView(
        t,
        JSON.parse(d.tally as string) as Tally,
        settings.options,
      )}`;
    } catch {
      results = "";
    }
  const meta = [
    t("decisionsElsewhere.hostedOn", { host: hostOf(d) }),
    closed ? t("decisionsElsewhere.closed") : timeLeft(t, now, d.closes_at),
    t("decisionsElsewhere.voters", { count: d.voters_count }),
    ...(d.weighting === "members" ? [t("decisionsElsewhere.weighted")] : []),
  ].join(" · ");
  const form =
    viewer && !closed && (!voted || (d.vote_changes === 1 && d.ballot !== "secret"))
      ? html`${ballotForm(t, settings, drawn.values ?? {}, drawn.errors ?? {}, {
          action: votePath(d),
          csrf: html`${csrfField(c)}${
            delegate
              ? html`<label class="choice"><input type="checkbox" name="forCoop" value="1"${drawn.values?.forCoop ? html` checked` : ""} /> ${t("decisionsElsewhere.forCoop")}</label>`
              : ""
          }`,
          explanations: options.map((o) => o.explanation),
          changing: voted,
          hostedOn: hostOf(d),
        })}`
      : "";
  const mandate =
    delegate && !closed ? mandateForm(c, d, await closedHere(deps), drawn.mandateError) : "";
  return html`<section class="decision" id="decision-${d.id}" aria-labelledby="decision-title-${d.id}">
    ${drawn.alone ? html`<h1 id="decision-title-${d.id}">${d.title}</h1>` : html`<h2 id="decision-title-${d.id}">${d.title}</h2>`}
    <p class="muted">${meta}</p>
    ${d.body ? html`<div class="decision-body">${d.body.split(/\n{2,}/).map((p) => html`<p>${p}</p>`)}</div>` : ""}
    ${
      settings.rule !== "consent"
        ? html`<ol class="decision-options">${options.map(
            (o) =>
              html`<li><strong>${o.label}</strong>${o.explanation ? html` — ${o.explanation}` : ""}</li>`,
          )}</ol>`
        : ""
    }
    ${d.outcome ? html`<h3>${t("decisionsElsewhere.outcome")}</h3><p>${d.outcome}</p>` : ""}
    ${voted ? html`<p>${t("decisionsElsewhere.youVoted", { host: hostOf(d) })}</p>` : ""}
    ${form}
    ${mandate}
    ${results}
  </section>`;
}

async function copyOfThread(deps: GroupsDeps, threadId: string) {
  return deps.db
    .selectFrom("decisions")
    .selectAll()
    .where("post_id", "=", threadId)
    .where("local", "=", 0)
    .executeTakeFirst();
}

/** The remote thread page's hook: the decision its thread carries, or "". */
export const remoteDecisionHead =
  (deps: GroupsDeps) =>
  async (c: Context<WebEnv>, threadId: string): Promise<Html | ""> => {
    const d = await copyOfThread(deps, threadId);
    return d && isHostedElsewhere(d) ? section(c, deps, d) : "";
  };

export function decisionFederationPages(deps: GroupsDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const ctx = groupsContext(deps);

  const copyById = (id: string) =>
    deps.db
      .selectFrom("decisions")
      .selectAll()
      .where("id", "=", id)
      .where("local", "=", 0)
      .executeTakeFirst();

  // The decision alone: for our co-op's delegates (the federation's threads are
  // its member co-ops', not theirs) and members, linked from the thread.
  app.get("/decisions/elsewhere/:id", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const d = await copyById(c.req.param("id"));
    const may =
      d &&
      ((await isOurDelegate(deps.db, viewer.id, d.group_uri)) ||
        (await isMemberOf(deps.db, viewer.id, d.group_uri)));
    if (!d || !may) throw new InputError(t("decisionsElsewhere.problem.not-found"), 404);
    return c.html(layout(c, d.title, await section(c, deps, d, { alone: true })));
  });

  app.post("/decisions/elsewhere/:id/votes", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const d = await copyById(c.req.param("id"));
    if (!d) throw new InputError(t("decisionsElsewhere.problem.not-found"), 404);
    const form = await readForm(c);
    const thread = `/groups/elsewhere/threads/${d.post_id}`;
    const refuse = async (errors: FieldErrors) =>
      c.html(
        layout(
          c,
          d.title,
          html`<p><a href="${safeUrl(thread)}">${d.title}</a></p>${await section(c, deps, d, { values: form, errors, alone: true })}`,
        ),
        422,
      );
    const read = ballotFromForm(t, settingsOf(d), form);
    if (!read.ok) return refuse(read.errors);
    const sent = await sendBallot(ctx, viewer, {
      decisionId: d.id,
      choice: read.raw,
      forCoop: form.forCoop === "1",
    });
    if (!sent.ok) {
      if (sent.reason === "not-found")
        throw new InputError(t("decisionsElsewhere.problem.not-found"), 404);
      return refuse({
        choice: t(`decisionsElsewhere.problem.${sent.reason satisfies SendBallotProblem}`),
      });
    }
    const done = new URLSearchParams({ done: t("decisionsElsewhere.sent", { host: hostOf(d) }) });
    return redirectHere(c, `${thread}?${done}#decision-${d.id}`, 303);
  });

  app.post("/decisions/elsewhere/:id/mandate", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const d = await copyById(c.req.param("id"));
    if (!d) throw new InputError(t("decisionsElsewhere.problem.not-found"), 404);
    const form = await readForm(c);
    const thread = `/groups/elsewhere/threads/${d.post_id}`;
    const assemblyDecisionId = (form.assemblyDecisionId ?? "").slice(0, 100);
    const linked = await linkMandate(ctx, viewer, { decisionId: d.id, assemblyDecisionId });
    const carried = linked.ok ? await carryMandate(ctx, viewer, { decisionId: d.id }) : linked;
    if (!carried.ok) {
      const problem: MandateProblem =
        carried.reason === "not-found" ? "no-mandate" : carried.reason;
      return c.html(
        layout(
          c,
          d.title,
          html`<p><a href="${safeUrl(thread)}">${d.title}</a></p>${await section(c, deps, d, {
            mandateError: t(`decisionsElsewhere.problem.${problem}`),
            alone: true,
          })}`,
        ),
        422,
      );
    }
    const done = new URLSearchParams({ done: t("decisionsElsewhere.sent", { host: hostOf(d) }) });
    return redirectHere(c, `${thread}?${done}#decision-${d.id}`, 303);
  });

  return app;
}
