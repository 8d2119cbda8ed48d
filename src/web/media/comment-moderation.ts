/**
 * The comments under a published article, as its editors moderate them (the
 * writer for a member's own article, the publication's editors otherwise):
 * hide or show a comment, delete it, lock or unlock new comments. The verbs are
 * src/media/comments.ts; they check who may, and log it. Hidden comments leave
 * the public page at once (its stamp follows hidden_at and the lock).
 */
import { type Context, Hono } from "hono";
import { html, raw } from "hono/html";
import type { Article } from "../../media/articles.ts";
import {
  type CommentProblem,
  commentsOn,
  deleteComment,
  hideComment,
  lockComments,
} from "../../media/comments.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, readForm } from "../forms.ts";
import type { Html } from "../layout.ts";
import { layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { safeUrl } from "../safe-url.ts";
import { requireViewer } from "../session.ts";
import { timeTag } from "../time.ts";
import { type MediaPagesDeps, mediaContext } from "./deps.ts";

const STATUS: Record<CommentProblem, 403 | 404 | 409> = {
  "not-found": 404,
  forbidden: 403,
  "not-published": 409,
};

const isId = (id: string) => /^[0-9a-f-]{36}$/.test(id);

/** The moderation list for the editor page (moderators of a published article only). */
export async function commentModeration(
  c: Context<WebEnv>,
  deps: MediaPagesDeps,
  article: Article,
): Promise<Html> {
  if (!article.post_id) return html``;
  const t = c.get("t");
  const base = `/media/articles/${article.id}/comments`;
  const comments = await commentsOn(deps.db, article.post_id, { withHidden: true, limit: 200 });
  const button = (action: string, label: string, fields: Html | string = "") =>
    html`<form method="post" action="${safeUrl(action)}" class="inline">${csrfField(c)}${fields}<button type="submit" class="link">${label}</button></form>`;
  return html`<section class="comment-moderation" aria-labelledby="moderation-title">
    <h3 id="moderation-title">${t("media.comments")}</h3>
    ${button(`${base}/lock`, article.comments_locked ? t("media.mod.unlock") : t("media.mod.lock"), html`<input type="hidden" name="locked" value="${article.comments_locked ? "0" : "1"}" />`)}
    ${
      comments.length
        ? html`<ol class="comment-list">${comments.map(
            (x) => html`<li class="comment${x.hiddenAt ? " is-hidden" : ""}">
            <header><strong>${x.displayName || x.username || x.remoteName || x.remoteUsername || x.authorUri}</strong>
              ${x.remoteHost ? html`<span class="handle">@${x.remoteUsername}@${x.remoteHost}</span>` : ""}
              ${timeTag(c.get("locale"), x.createdAt)}
              ${x.hiddenAt ? html`<span class="badge">${t("media.mod.hidden")}</span>` : ""}</header>
            <div class="comment-body">${raw(x.contentHtml)}</div>
            <div class="post-actions">
              ${button(`${base}/${x.id}/hide`, x.hiddenAt ? t("media.mod.show") : t("media.mod.hide"), html`<input type="hidden" name="hidden" value="${x.hiddenAt ? "0" : "1"}" />`)}
              ${button(`${base}/${x.id}/delete`, t("media.mod.delete"))}
            </div></li>`,
          )}</ol>`
        : html`<p class="muted">${t("media.comments.none")}</p>`
    }
  </section>`;
}

export function commentModerationPages(deps: MediaPagesDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const ctx = mediaContext(deps);

  function answer(
    c: Context<WebEnv>,
    articleId: string,
    result: { ok: true } | { ok: false; reason: CommentProblem },
    what: "locked" | "unlocked" | "hidden" | "shown" | "deleted",
  ) {
    const t = c.get("t");
    if (result.ok)
      return redirectHere(
        c,
        `/media/articles/${articleId}/edit?${new URLSearchParams({ done: t(`media.mod.done.${what}`) })}#moderation-title`,
        303,
      );
    const body = html`<h1>${t("media.flow.refused")}</h1><p class="errors" role="alert">${t(`media.mod.problem.${result.reason}`)}</p>`;
    return c.html(layout(c, t("media.flow.refused"), body), STATUS[result.reason]);
  }

  app.post("/media/articles/:id/comments/lock", async (c) => {
    const viewer = requireViewer(c);
    const id = c.req.param("id");
    if (!isId(id)) return c.notFound();
    const form = await readForm(c);
    const locked = form.locked !== "0";
    return answer(
      c,
      id,
      await lockComments(ctx, viewer, id, locked),
      locked ? "locked" : "unlocked",
    );
  });

  app.post("/media/articles/:id/comments/:comment/:verb{hide|delete}", async (c) => {
    const viewer = requireViewer(c);
    const id = c.req.param("id");
    const commentId = c.req.param("comment");
    if (!isId(id) || !isId(commentId)) return c.notFound();
    const form = await readForm(c);
    const hide = c.req.param("verb") === "hide";
    const hidden = form.hidden !== "0";
    const result = hide
      ? await hideComment(ctx, viewer, { articleId: id, commentId, hidden })
      : await deleteComment(ctx, viewer, { articleId: id, commentId });
    return answer(c, id, result, hide ? (hidden ? "hidden" : "shown") : "deleted");
  });

  return app;
}
