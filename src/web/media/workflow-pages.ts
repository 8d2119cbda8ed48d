/**
 * The editorial workflow's buttons: submit (writer), return with comments and
 * approve (editor), publish, schedule, unschedule, feature. Each POST calls one
 * verb of src/media/workflow.ts, which checks inside its transaction who may do
 * it in which state; a refusal is a 4xx page that says why, and writes nothing.
 */
import { type Context, Hono } from "hono";
import { html } from "hono/html";
import { sendOnPublish } from "../../media/newsletters/on-publish.ts";
import {
  approveArticle,
  featureArticle,
  MAX_INLINE_COMMENTS,
  publishArticle,
  returnArticle,
  scheduleArticle,
  submitArticle,
  unscheduleArticle,
  type WorkflowProblem,
} from "../../media/workflow.ts";
import type { WebEnv } from "../context.ts";
import { readForm } from "../forms.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import { layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { requireViewer } from "../session.ts";
import { type MediaPagesDeps, mediaContext } from "./deps.ts";

const STATUS: Record<WorkflowProblem, 403 | 404 | 409 | 422> = {
  invalid: 422,
  "not-found": 404,
  forbidden: 403,
  "cover-not-found": 422,
  "wrong-state": 409,
  "in-the-past": 422,
  "author-gone": 409,
};

/** "2026-12-05T10:30" from a datetime-local field, read as UTC (the form says so). */
export function parseScheduleTime(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const at = new Date(`${value}Z`);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** The general note and the inline comments (comment_N on quote_N) of a review form. */
export function reviewOf(form: Record<string, string>) {
  const comments: { quote: string; body: string }[] = [];
  for (let i = 0; i < MAX_INLINE_COMMENTS; i++) {
    const body = (form[`comment_${i}`] ?? "").trim();
    if (body) comments.push({ quote: form[`quote_${i}`] ?? "", body });
  }
  return { note: form.note ?? "", comments };
}

export function workflowPages(deps: MediaPagesDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const ctx = mediaContext(deps);

  function refused(c: Context<WebEnv>, id: string, reason: WorkflowProblem) {
    const t = c.get("t");
    const body = html`<h1>${t("media.flow.refused")}</h1><p class="errors" role="alert">${t(`media.problem.${reason}`)}</p><p><a href="/media/articles/${id}/edit">${t("media.flow.back")}</a></p>`;
    return c.html(layout(c, t("media.flow.refused"), body), STATUS[reason]);
  }

  const done = (
    c: Context<WebEnv>,
    id: string,
    key: `media.flow.done.${string}` | "media.flow.doneWithMail" | "media.flow.doneMailRefused",
  ) =>
    redirectHere(
      c,
      `/media/articles/${id}/edit?${new URLSearchParams({ done: c.get("t")(key as MessageKey) })}`,
      303,
    );

  const newsletters = {
    db: deps.db,
    origin: deps.config.origin,
    domain: deps.config.domain,
    clock: deps.clock,
    secret: deps.config.secret,
  };

  app.post(
    "/media/articles/:id/:verb{submit|return|approve|publish|schedule|unschedule|feature}",
    async (c) => {
      const viewer = requireViewer(c);
      const id = c.req.param("id");
      if (!/^[0-9a-f-]{36}$/.test(id)) return c.notFound();
      const form = await readForm(c);
      // PostgreSQL refuses NUL in text: a clear 422 instead of a failed write.
      if (Object.values(form).some((v) => v.includes("\u0000"))) return refused(c, id, "invalid");
      const verb = c.req.param("verb");
      let result: { ok: true } | { ok: false; reason: WorkflowProblem };
      switch (verb) {
        case "submit":
          result = await submitArticle(ctx, viewer, id);
          break;
        case "return":
          result = await returnArticle(ctx, viewer, id, reviewOf(form));
          break;
        case "approve":
          result = await approveArticle(ctx, viewer, id, reviewOf(form));
          break;
        case "publish":
          result = await publishArticle(ctx, viewer, id);
          break;
        case "schedule": {
          const at = parseScheduleTime(form.at ?? "");
          result = at
            ? await scheduleArticle(ctx, viewer, id, at)
            : { ok: false, reason: "invalid" };
          break;
        }
        case "unschedule":
          result = await unscheduleArticle(ctx, viewer, id);
          break;
        default:
          result = await featureArticle(ctx, viewer, id, form.featured !== "0");
      }
      if (!result.ok) return refused(c, id, result.reason);
      // After the publish or schedule is committed: a crash between the two loses the
      // mailing, which the newsletter page still offers for the article.
      const mail = (verb === "publish" || verb === "schedule") && form.newsletter === "1";
      if (mail && deps.config.smtpUrl) {
        const queued = await sendOnPublish(newsletters, viewer, id);
        return done(c, id, queued.ok ? "media.flow.doneWithMail" : "media.flow.doneMailRefused");
      }
      // Say what was done: "Featured on the front page.", not "Done."
      const what = verb === "feature" && form.featured === "0" ? "unfeature" : verb;
      return done(c, id, `media.flow.done.${what}`);
    },
  );

  return app;
}
