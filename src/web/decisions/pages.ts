/**
 * The decisions pages: the pillar's landing page (waiting for me + recent), the
 * form that starts a decision in a group, voting, amending, closing early and
 * writing the outcome. A decision is shown at the top of its thread (the thread
 * page calls `decisionPanelOfThread` through GroupsDeps.threadHead); these routes
 * answer its forms. Bad input re-renders the form with 422 and writes nothing; a
 * secret ballot's receipt is shown once, in the answer to the vote, and never stored.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import { closeDecision, recordOutcome } from "../../governance/decisions/closing.ts";
import {
  amendDecision,
  createDecision,
  type Decision,
  decisionOfPost,
  findDecision,
  optionsOf,
  settingsOf,
  weighsCoops,
} from "../../governance/decisions/decisions.ts";
import {
  decisionsOfMember,
  decisionsWaitingForMember,
} from "../../governance/decisions/listing.ts";
import { setReasonHidden } from "../../governance/decisions/moderation.ts";
import { castVote, type VoteProblem } from "../../governance/decisions/votes.ts";
import type { Group } from "../../groups/groups.ts";
import { canRead } from "../../groups/threads.ts";
import { InputError } from "../../kernel/errors.ts";
import { memberUri } from "../../kernel/uris.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, errorSummary, type FieldErrors, field, readForm } from "../forms.ts";
import {
  doneQuery,
  type GroupsDeps,
  groupFromPath,
  groupName,
  groupsContext,
  groupsNav,
} from "../groups/render.ts";
import { threadView } from "../groups/thread-view.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import { type Html, layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { safeUrl } from "../safe-url.ts";
import { requireViewer } from "../session.ts";
import { type BallotValues, ballotFromForm } from "./ballot.ts";
import { landingBody } from "./landing.ts";
import { decisionPanel, type PanelOptions } from "./panel.ts";
import {
  decisionForm,
  inputTime,
  parseDecisionForm,
  proposalOf,
  type StartValues,
} from "./start-form.ts";
import { decisionPage } from "./view.ts";

const t = (c: Context<WebEnv>) => c.get("t");

/** A vote problem in words, and the field it is about. */
export function voteProblemText(c: Context<WebEnv>, problem: VoteProblem): string {
  return t(c)(`decisions.problem.${problem}` as MessageKey);
}

/** The decision of a thread drawn for the viewer, or "" when the thread has none. */
export async function decisionPanelOfThread(
  c: Context<WebEnv>,
  deps: GroupsDeps,
  group: Group,
  threadId: string,
  options: Omit<PanelOptions, "now"> = {},
): Promise<Html | ""> {
  const d = await decisionOfPost(deps.db, threadId);
  if (!d || d.group_id !== group.id) return "";
  const now = deps.clock.now();
  const page = await decisionPage(groupsContext(deps), t(c), d.id, c.get("viewer") ?? null);
  return page ? decisionPanel(c, page, { ...options, now }) : "";
}

/** The thread-page hook (GroupsDeps.threadHead) that draws a thread's decision. */
export const decisionThreadHead =
  (deps: GroupsDeps) => (c: Context<WebEnv>, group: Group, threadId: string) =>
    decisionPanelOfThread(c, deps, group, threadId);

export function decisionPages(deps: GroupsDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const { db, config } = deps;
  const ctx = groupsContext(deps);

  app.get("/decisions", async (c) => {
    const viewer = c.get("viewer");
    const now = deps.clock.now();
    const lists = viewer
      ? {
          waiting: await decisionsWaitingForMember(ctx, viewer, 50),
          recent: await decisionsOfMember(db, config.origin, viewer, { limit: 20 }),
        }
      : null;
    return c.html(layout(c, t(c)("decisions.title"), landingBody(c, lists, now)));
  });

  /** The group and decision of the path, for someone who may read the group (else 404). */
  const decisionFromPath = async (c: Context<WebEnv>) => {
    const group = await groupFromPath(c, deps);
    if (!(await canRead(db, config.origin, group, c.get("viewer") ?? null)))
      throw new InputError(t(c)("decisions.error.notFound"), 404);
    const d = await findDecision(db, c.req.param("id") ?? "");
    if (!d || d.group_id !== group.id) throw new InputError(t(c)("decisions.error.notFound"), 404);
    return { group, d };
  };

  const threadHref = (group: Group, d: Decision) =>
    `/groups/${group.name}/threads/${d.post_id}#decision-${d.id}`;

  /** The thread page with the decision's panel drawn with `options` (errors, a receipt). */
  const threadPage = async (
    c: Context<WebEnv>,
    group: Group,
    d: Decision,
    options: Omit<PanelOptions, "now">,
    status: 200 | 422,
  ) => {
    const panel = await decisionPanelOfThread(c, deps, group, d.post_id, options);
    const thread = await threadView(c, deps, d.post_id, { moderator: false });
    const body = html`${groupsNav(c)}
      <p><a href="/groups/${group.name}">${t(c)("groups.thread.back", { name: groupName(c, group) })}</a></p>
      <h1>${d.title}</h1>
      ${options.ballotErrors ? errorSummary(c, options.ballotErrors) : ""}
      ${panel}
      <h2>${t(c)("decisions.discussion")}</h2>
      ${thread?.body ?? ""}
      <p><a href="${safeUrl(threadHref(group, d))}">${t(c)("decisions.open")}</a></p>`;
    return c.html(layout(c, d.title, body), status);
  };

  const formPage = (
    c: Context<WebEnv>,
    group: Group,
    o: { action: string; values: StartValues; errors: FieldErrors; amending?: boolean },
    status: 200 | 422,
  ) => {
    const title = o.amending
      ? t(c)("decisions.form.amend")
      : t(c)("decisions.startIn", { group: groupName(c, group) });
    const body = html`${groupsNav(c)}
      <p><a href="/groups/${group.name}">${t(c)("groups.thread.back", { name: groupName(c, group) })}</a></p>
      <h1>${title}</h1>
      ${errorSummary(c, o.errors)}
      ${decisionForm(t(c), { ...o, csrf: csrfField(c), weighsCoops: weighsCoops(group) })}`;
    return c.html(layout(c, title, body), status);
  };

  app.get("/groups/:name/decisions/new", async (c) => {
    requireViewer(c);
    const group = await groupFromPath(c, deps);
    const now = deps.clock.now();
    const week = new Date(now.getTime() + 7 * 24 * 3600_000).toISOString();
    return formPage(
      c,
      group,
      {
        action: `/groups/${group.name}/decisions`,
        values: { closesAt: inputTime(week), rule: "consent" },
        errors: {},
      },
      200,
    );
  });

  app.post("/groups/:name/decisions", async (c) => {
    const viewer = requireViewer(c);
    const group = await groupFromPath(c, deps);
    const form = await readForm(c);
    const action = `/groups/${group.name}/decisions`;
    // Only a federation voting by delegates is offered the choice (the capability checks it too).
    if (!weighsCoops(group)) delete form.weighting;
    const parsed = parseDecisionForm(t(c), form, deps.clock.now());
    if (!parsed.ok) return formPage(c, group, { action, values: form, errors: parsed.errors }, 422);
    const made = await createDecision(ctx, viewer, { group, proposal: proposalOf(parsed.value) });
    if (!made.ok) {
      if (made.reason === "invalid")
        return formPage(
          c,
          group,
          { action, values: form, errors: { question: t(c)("groups.error.invalid") } },
          422,
        );
      throw new InputError(t(c)("decisions.error.forbidden"), 403);
    }
    return redirectHere(
      c,
      `/groups/${group.name}/threads/${made.value.postId}#decision-${made.value.id}`,
      303,
    );
  });

  app.get("/groups/:name/decisions/:id", async (c) => {
    const { group, d } = await decisionFromPath(c);
    return redirectHere(c, threadHref(group, d), 302);
  });

  app.post("/groups/:name/decisions/:id/votes", async (c) => {
    const viewer = requireViewer(c);
    const { group, d } = await decisionFromPath(c);
    const form = await readForm(c);
    const values: BallotValues = form;
    const read = ballotFromForm(t(c), settingsOf(d), form);
    if (!read.ok)
      return threadPage(c, group, d, { ballotValues: values, ballotErrors: read.errors }, 422);
    const receipt = (form.receipt ?? "").trim();
    const cast = await castVote(
      ctx,
      { uri: memberUri(config.origin, viewer.username), accountId: viewer.id },
      { decisionId: d.id, choice: read.raw, ...(receipt ? { receipt } : {}) },
    );
    if (!cast.ok) {
      const where =
        cast.reason === "reason-required" || cast.reason === "reason-too-long"
          ? "reason"
          : cast.reason === "receipt-required" || cast.reason === "receipt-unknown"
            ? "receipt"
            : cast.reason === "unknown-position"
              ? "position"
              : "choice";
      const status = cast.reason === "not-found" ? 404 : 422;
      if (status === 404) throw new InputError(t(c)("decisions.error.notFound"), 404);
      return threadPage(
        c,
        group,
        d,
        { ballotValues: values, ballotErrors: { [where]: voteProblemText(c, cast.reason) } },
        422,
      );
    }
    // The receipt is shown in this answer only: it is stored nowhere but with the voter.
    if (cast.value.receipt) return threadPage(c, group, d, { receipt: cast.value.receipt }, 200);
    return redirectHere(
      c,
      `/groups/${group.name}/threads/${d.post_id}${doneQuery(t(c)("decisions.ballot.thanks"))}#decision-${d.id}`,
      303,
    );
  });

  // A moderator hides the reason given with a named vote, or shows it again (logged).
  app.post("/groups/:name/decisions/:id/votes/:voteId/reason", async (c) => {
    const viewer = requireViewer(c);
    const { group, d } = await decisionFromPath(c);
    const form = await readForm(c);
    if (form.hidden !== "yes" && form.hidden !== "no")
      throw new InputError(t(c)("groups.error.invalid"), 422);
    const vote = await db
      .selectFrom("decision_votes")
      .select("id")
      .where("id", "=", c.req.param("voteId"))
      .where("decision_id", "=", d.id)
      .executeTakeFirst();
    if (!vote) throw new InputError(t(c)("decisions.error.notFound"), 404);
    const done = await setReasonHidden(ctx, viewer, {
      voteId: vote.id,
      hidden: form.hidden === "yes",
    });
    if (!done.ok)
      throw new InputError(
        t(c)(
          done.reason === "forbidden" ? "decisions.error.forbidden" : "decisions.error.notFound",
        ),
        done.reason === "forbidden" ? 403 : 404,
      );
    return redirectHere(
      c,
      `/groups/${group.name}/threads/${d.post_id}${doneQuery(t(c)(form.hidden === "yes" ? "groups.done.reasonHidden" : "groups.done.reasonShown"))}#decision-${d.id}`,
      303,
    );
  });

  const amendValues = (d: Decision): StartValues => {
    const s = settingsOf(d);
    const v: StartValues = {
      question: d.title,
      explanation: d.body,
      rule: d.rule,
      options: optionsOf(d)
        .map((o) => (o.explanation ? `${o.label} | ${o.explanation}` : o.label))
        .join("\n"),
      opensAt: "",
      closesAt: inputTime(d.closes_at),
      quorum: s.quorum ? String(Math.round(s.quorum * 100)) : "",
      threshold: s.threshold ? String(Math.round(s.threshold * 100)) : "",
      results: d.results_visibility,
      ballot: d.ballot,
      reminderHours: d.reminder_lead_seconds
        ? String(Math.round(d.reminder_lead_seconds / 3600))
        : "0",
    };
    if (d.vote_changes) v.changeVote = "on";
    if (d.outsiders) v.outsiders = "on";
    for (const k of [
      "blocksToStop",
      "minChoices",
      "maxChoices",
      "scoreMin",
      "scoreMax",
      "dots",
    ] as const)
      if (s[k] !== undefined) v[k] = String(s[k]);
    return v;
  };

  app.get("/groups/:name/decisions/:id/amend", async (c) => {
    requireViewer(c);
    const { group, d } = await decisionFromPath(c);
    return formPage(
      c,
      group,
      {
        action: `/groups/${group.name}/decisions/${d.id}/amend`,
        values: amendValues(d),
        errors: {},
        amending: true,
      },
      200,
    );
  });

  app.post("/groups/:name/decisions/:id/amend", async (c) => {
    const viewer = requireViewer(c);
    const { group, d } = await decisionFromPath(c);
    const form = await readForm(c);
    const action = `/groups/${group.name}/decisions/${d.id}/amend`;
    // The rule and ballot kind stay: they are the decision's, not the form's.
    const merged = { ...form, rule: d.rule, ballot: d.ballot, weighting: d.weighting };
    const parsed = parseDecisionForm(t(c), merged, deps.clock.now());
    if (!parsed.ok)
      return formPage(
        c,
        group,
        { action, values: merged, errors: parsed.errors, amending: true },
        422,
      );
    const done = await amendDecision(ctx, viewer, {
      group,
      decisionId: d.id,
      proposal: proposalOf(parsed.value),
    });
    if (!done.ok) {
      if (done.reason === "invalid")
        return formPage(
          c,
          group,
          {
            action,
            values: merged,
            errors: { question: t(c)("groups.error.invalid") },
            amending: true,
          },
          422,
        );
      if (done.reason === "not-found") throw new InputError(t(c)("decisions.error.notFound"), 404);
      throw new InputError(t(c)("decisions.error.forbidden"), 403);
    }
    return redirectHere(
      c,
      `/groups/${group.name}/threads/${d.post_id}${doneQuery(t(c)("decisions.amended"))}#decision-${d.id}`,
      303,
    );
  });

  app.post("/groups/:name/decisions/:id/close", async (c) => {
    const viewer = requireViewer(c);
    const { group, d } = await decisionFromPath(c);
    const done = await closeDecision(ctx, viewer, { decisionId: d.id });
    if (!done.ok)
      throw new InputError(
        t(c)(
          done.reason === "forbidden"
            ? "decisions.error.forbidden"
            : done.reason === "not-found"
              ? "decisions.error.notFound"
              : "decisions.error.closed",
        ),
        done.reason === "forbidden" ? 403 : done.reason === "not-found" ? 404 : 409,
      );
    return redirectHere(
      c,
      `/groups/${group.name}/threads/${d.post_id}${doneQuery(t(c)("decisions.closed.done"))}#decision-${d.id}`,
      303,
    );
  });

  const outcomeForm = (
    c: Context<WebEnv>,
    group: Group,
    d: Decision,
    values: Record<string, string>,
    errors: FieldErrors,
    status: 200 | 422,
  ) => {
    const body = html`${groupsNav(c)}
      <p><a href="${safeUrl(threadHref(group, d))}">${d.title}</a></p>
      <h1>${t(c)("decisions.outcome.write")}</h1>
      ${errorSummary(c, errors)}
      <form method="post" action="/groups/${group.name}/decisions/${d.id}/outcome" novalidate>
        ${csrfField(c)}
        ${field({ name: "outcome", label: t(c)("decisions.outcome.text"), type: "textarea", value: values.outcome ?? d.outcome ?? "", error: errors.outcome, required: true, maxlength: 5000 })}
        <div class="field"><label for="f-reviewAt">${t(c)("decisions.outcome.reviewAt")}</label>
          <input type="date" id="f-reviewAt" name="reviewAt" value="${values.reviewAt ?? d.review_at?.slice(0, 10) ?? ""}"${errors.reviewAt ? html` aria-invalid="true" aria-describedby="f-reviewAt-error"` : ""} />
          ${errors.reviewAt ? html`<p class="field-error" id="f-reviewAt-error">${errors.reviewAt}</p>` : ""}</div>
        <button type="submit">${t(c)("decisions.outcome.submit")}</button>
      </form>`;
    return c.html(layout(c, t(c)("decisions.outcome.write"), body), status);
  };

  app.get("/groups/:name/decisions/:id/outcome", async (c) => {
    requireViewer(c);
    const { group, d } = await decisionFromPath(c);
    return outcomeForm(c, group, d, {}, {}, 200);
  });

  app.post("/groups/:name/decisions/:id/outcome", async (c) => {
    const viewer = requireViewer(c);
    const { group, d } = await decisionFromPath(c);
    const form = await readForm(c);
    const errors: FieldErrors = {};
    const text = (form.outcome ?? "").trim();
    if (text.length < 1 || text.length > 5000) errors.outcome = t(c)("decisions.error.outcome");
    const reviewRaw = (form.reviewAt ?? "").trim();
    const reviewAt =
      /^\d{4}-\d{2}-\d{2}$/.test(reviewRaw) && !Number.isNaN(Date.parse(`${reviewRaw}T00:00:00Z`))
        ? reviewRaw
        : null;
    if (reviewRaw && !reviewAt) errors.reviewAt = t(c)("decisions.error.reviewAt");
    if (Object.keys(errors).length > 0) return outcomeForm(c, group, d, form, errors, 422);
    const done = await recordOutcome(ctx, viewer, {
      decisionId: d.id,
      outcome: { outcome: text, reviewAt },
    });
    if (!done.ok) {
      if (done.reason === "not-found") throw new InputError(t(c)("decisions.error.notFound"), 404);
      if (done.reason === "forbidden") throw new InputError(t(c)("decisions.error.forbidden"), 403);
      return outcomeForm(c, group, d, form, { outcome: t(c)("decisions.error.notOpen") }, 422);
    }
    return redirectHere(
      c,
      `/groups/${group.name}/threads/${d.post_id}${doneQuery(t(c)("decisions.outcome.done"))}#decision-${d.id}`,
      303,
    );
  });

  return app;
}
