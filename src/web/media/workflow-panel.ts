/**
 * The editorial side of the editor page: where the article stands, the steps
 * the viewer may take now (rules.ts decides; only working buttons are shown),
 * the editors' comments (general, and inline on a paragraph), and the log of
 * who did what. Returning with comments lists the article's paragraphs, each
 * with its own comment box, so an inline comment needs no JavaScript.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import type { ArticleAction } from "../../db/schema/media.ts";
import { standingFor } from "../../media/articles.ts";
import { MAX_INLINE_COMMENTS } from "../../media/workflow.ts";
import type { Viewer, WebEnv } from "../context.ts";
import { csrfField, formatDate } from "../forms.ts";
import type { Html } from "../layout.ts";
import { safeUrl } from "../safe-url.ts";
import { timeTag } from "../time.ts";
import { commentModeration } from "./comment-moderation.ts";
import type { MediaPagesDeps } from "./deps.ts";

/** The paragraphs an editor may comment on (blank-line separated blocks of the Markdown). */
export const paragraphsOf = (body: string) =>
  body
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean)
    .slice(0, MAX_INLINE_COMMENTS);

export const QUOTE_MAX = 1000;

function step(
  c: Context<WebEnv>,
  action: string,
  label: string,
  inner: Html | string = "",
  cls = "",
): Html {
  return html`<form method="post" action="${safeUrl(action)}" class="workflow-step ${cls}">${csrfField(c)}${inner}<button type="submit">${label}</button></form>`;
}

/**
 * The panel under the form, and the editors' latest review on its own: the page
 * puts the review above the form, where a writer whose article came back looks first.
 */
export async function workflowPanel(
  c: Context<WebEnv>,
  deps: MediaPagesDeps,
  articleId: string,
  viewer: Viewer,
): Promise<{ review: Html; panel: Html }> {
  const t = c.get("t");
  const locale = c.get("locale");
  const found = await standingFor(deps.db, articleId, viewer);
  if (!found) return { review: html``, panel: html`` };
  const a = found.article;
  const base = `/media/articles/${a.id}`;
  const [log, comments] = await Promise.all([
    deps.db
      .selectFrom("article_log")
      .leftJoin("accounts", "accounts.id", "article_log.actor_account_id")
      .select([
        "article_log.id",
        "action",
        "revision",
        "note",
        "article_log.created_at",
        "accounts.username",
      ])
      .where("article_id", "=", a.id)
      .orderBy("article_log.id", "desc")
      .limit(100)
      .execute(),
    deps.db
      .selectFrom("article_comments")
      .leftJoin("accounts", "accounts.id", "article_comments.author_account_id")
      .select(["log_id", "quote", "body", "revision", "accounts.username"])
      .where("article_id", "=", a.id)
      .orderBy("article_comments.id")
      .execute(),
  ]);
  // The latest review (returned or approved) with its general note and inline comments.
  const review = log.find((e) => e.action === "returned" || e.action === "approved");
  const reviewComments = review ? comments.filter((x) => x.log_id === review.id) : [];
  const steps: Html[] = [];
  if (found.can("submit")) steps.push(step(c, `${base}/submit`, t("media.flow.submit")));
  if (found.can("approve"))
    steps.push(
      step(
        c,
        `${base}/approve`,
        t("media.flow.approve"),
        html`<label for="approve-note">${t("media.flow.note")}</label><textarea id="approve-note" name="note" rows="2" maxlength="5000"></textarea>`,
      ),
    );
  // With SMTP configured, publishing (now or when scheduled) can also mail the article
  // to the newsletter's subscribers (media/newsletters/on-publish.ts).
  const mailBox = (id: string) =>
    deps.config.smtpUrl
      ? html`<label class="check" for="${id}"><input type="checkbox" id="${id}" name="newsletter" value="1" /> ${t("media.flow.sendNewsletter")}</label>`
      : "";
  if (found.can("publish") && a.state !== "scheduled")
    steps.push(step(c, `${base}/publish`, t("media.flow.publish"), mailBox("publish-mail")));
  if (found.can("schedule"))
    steps.push(
      step(
        c,
        `${base}/schedule`,
        t("media.flow.schedule"),
        html`<label for="schedule-at">${t("media.flow.scheduleAt")}</label><input type="datetime-local" id="schedule-at" name="at" required />${mailBox("schedule-mail")}`,
      ),
    );
  if (found.can("unschedule"))
    steps.push(step(c, `${base}/unschedule`, t("media.flow.unschedule")));
  if (found.can("feature"))
    steps.push(
      step(
        c,
        `${base}/feature`,
        a.featured_at ? t("media.flow.unfeature") : t("media.flow.feature"),
        html`<input type="hidden" name="featured" value="${a.featured_at ? "0" : "1"}" />`,
      ),
    );
  const returnForm = found.can("return")
    ? html`<details class="return-form" open><summary>${t("media.flow.return")}</summary>
      <form method="post" action="${safeUrl(`${base}/return`)}">
        ${csrfField(c)}
        <div class="field"><label for="return-note">${t("media.flow.generalNote")}</label><textarea id="return-note" name="note" rows="3" maxlength="5000"></textarea></div>
        <p class="hint">${t("media.flow.inlineHint")}</p>
        <ol class="paragraph-comments">
          ${paragraphsOf(a.body).map(
            (
              p,
              i,
            ) => html`<li><blockquote>${p.length > 400 ? `${p.slice(0, 400)}…` : p}</blockquote>
            <input type="hidden" name="quote_${i}" value="${p.slice(0, QUOTE_MAX)}" />
            <label for="comment-${i}" class="visually-hidden">${t("media.flow.commentOn", { n: i + 1 })}</label>
            <textarea id="comment-${i}" name="comment_${i}" rows="1" maxlength="5000" placeholder="${t("media.flow.commentPlaceholder")}"></textarea></li>`,
          )}
        </ol>
        <button type="submit">${t("media.flow.returnButton")}</button>
      </form></details>`
    : "";
  const reviewBox =
    review && (review.note || reviewComments.length)
      ? html`<div class="review" role="note"><h2>${t(review.action === "returned" ? "media.flow.returnedBy" : "media.flow.approvedBy", { name: review.username ?? "—" })}</h2>
        ${review.note ? html`<p class="review-note">${review.note}</p>` : ""}
        ${reviewComments.length ? html`<ul class="inline-comments">${reviewComments.map((x) => html`<li>${x.quote ? html`<blockquote>${x.quote}</blockquote>` : ""}<p>${x.body}</p></li>`)}</ul>` : ""}</div>`
      : html``;
  const panel = html`<section class="workflow" aria-labelledby="workflow-title">
    <h2 id="workflow-title">${t("media.flow.title")}</h2>
    <p><span class="badge state-${a.state}">${t(`media.state.${a.state}`)}</span>
      ${a.scheduled_at && a.state === "scheduled" ? html` ${t("media.flow.scheduledFor", { date: formatDate(locale, a.scheduled_at) })}` : ""}
      ${a.state === "published" ? html` <a href="/articles/${encodeURIComponent(a.slug)}">${t("media.flow.view")}</a>` : ""}
      · <a href="${safeUrl(`${base}/revisions`)}">${t("media.revisions.title")}</a></p>
    ${steps.length ? html`<div class="workflow-steps">${steps}</div>` : ""}
    ${returnForm}
    ${a.state === "published" && found.can("moderate") ? await commentModeration(c, deps, a) : ""}
    <h3>${t("media.flow.log")}</h3>
    <ol class="article-log">${log.map((e) => html`<li>${timeTag(locale, e.created_at)} — ${t(`media.log.${e.action as ArticleAction}`, { name: e.username ?? t("media.log.scheduler"), revision: e.revision })}${e.action === "scheduled" && e.note ? html` (${formatDate(locale, e.note)})` : ""}</li>`)}</ol>
  </section>`;
  return { review: reviewBox, panel };
}
