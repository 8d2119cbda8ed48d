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
  isOurDelegate,
  type SendBallotProblem,
  sendBallot,
} from "../../governance/decisions/elsewhere.ts";
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
import { requireViewer } from "../session.ts";

const hostOf = (d: Pick<Decision, "uri">) => new URL(d.uri).host;
const votePath = (d: Pick<Decision, "id">) => `/decisions/elsewhere/${d.id}/votes`;

interface Drawn {
  values?: BallotValues;
  errors?: FieldErrors;
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
  const showTally =
    !!d.tally &&
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
  return html`<section class="decision" id="decision-${d.id}" aria-labelledby="decision-title-${d.id}">
    <h2 id="decision-title-${d.id}">${d.title}</h2>
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

  app.post("/decisions/elsewhere/:id/votes", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const d = await deps.db
      .selectFrom("decisions")
      .selectAll()
      .where("id", "=", c.req.param("id"))
      .where("local", "=", 0)
      .executeTakeFirst();
    if (!d) throw new InputError(t("decisionsElsewhere.problem.not-found"), 404);
    const form = await readForm(c);
    const thread = `/groups/elsewhere/threads/${d.post_id}`;
    const refuse = async (errors: FieldErrors) =>
      c.html(
        layout(
          c,
          d.title,
          html`<p><a href="${thread}">${d.title}</a></p>${await section(c, deps, d, { values: form, errors })}`,
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

  return app;
}
