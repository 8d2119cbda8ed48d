/**
 * An article's revisions: the list (who saved which, and which restored an
 * earlier one), one revision's changes against the one before it as a line
 * diff (src/media/diff.ts), and restoring it — which saves its text as a new
 * revision, so nothing is ever lost. Only those who may read the draft see them.
 */
import { type Context, Hono } from "hono";
import { html } from "hono/html";
import { listRevisions, restoreRevision, revisionOf, standingFor } from "../../media/articles.ts";
import { diffLines } from "../../media/diff.ts";
import type { WebEnv } from "../context.ts";
import { csrfField } from "../forms.ts";
import { layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { requireViewer } from "../session.ts";
import { timeTag } from "../time.ts";
import { mediaStylesheetLink } from "./assets.ts";
import { type MediaPagesDeps, mediaContext } from "./deps.ts";

const isId = (id: string) => /^[0-9a-f-]{36}$/.test(id);

export function revisionPages(deps: MediaPagesDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const ctx = mediaContext(deps);

  async function readable(c: Context<WebEnv>) {
    const viewer = requireViewer(c);
    const id = c.req.param("id") ?? "";
    if (!isId(id)) return null;
    const found = await standingFor(deps.db, id, viewer);
    return found?.can("read-draft") ? found : null;
  }

  app.get("/media/articles/:id/revisions", async (c) => {
    const found = await readable(c);
    if (!found) return c.notFound();
    const t = c.get("t");
    const a = found.article;
    const revisions = await listRevisions(deps.db, a.id);
    const body = html`<p><a href="/media/articles/${a.id}/edit">← ${a.title}</a></p>
      <h1>${t("media.revisions.title")}</h1>
      <ol class="revision-list" reversed>
        ${revisions.map(
          (
            r,
          ) => html`<li><a href="/media/articles/${a.id}/revisions/${String(r.number)}">${t("media.revisions.number", { number: r.number })}</a>
            — ${r.title} · ${timeTag(c.get("locale"), r.createdAt)}
            ${r.editor ? html` · ${t("media.revisions.by", { name: r.editor })}` : ""}
            ${r.restoredFrom ? html` · ${t("media.revisions.restoredFrom", { number: r.restoredFrom })}` : ""}</li>`,
        )}
      </ol>`;
    return c.html(layout(c, t("media.revisions.title"), body, { head: mediaStylesheetLink(true) }));
  });

  app.get("/media/articles/:id/revisions/:number{[0-9]{1,6}}", async (c) => {
    const found = await readable(c);
    if (!found) return c.notFound();
    const t = c.get("t");
    const a = found.article;
    const number = Number(c.req.param("number"));
    const [current, previous] = await Promise.all([
      revisionOf(deps.db, a.id, number),
      number > 1 ? revisionOf(deps.db, a.id, number - 1) : undefined,
    ]);
    if (!current) return c.notFound();
    const text = (r: { title: string; summary: string; body: string }) =>
      `# ${r.title}\n\n${r.summary}\n\n${r.body}`;
    const lines = diffLines(previous ? text(previous) : "", text(current));
    const changed = lines.some((l) => l.op !== "same");
    const sign = { same: " ", removed: "−", added: "+" } as const;
    const body = html`<p><a href="/media/articles/${a.id}/revisions">← ${t("media.revisions.title")}</a></p>
      <h1>${t("media.revisions.number", { number })}</h1>
      <p class="lead">${previous ? t("media.revisions.compare", { from: number - 1, to: number }) : t("media.revisions.first")}</p>
      ${
        changed
          ? html`<div class="table-scroll" role="region" aria-label="${t("media.revisions.diff")}" tabindex="0"><pre class="diff">${lines.map(
              (l) =>
                html`<span class="diff-${l.op}">${l.op === "removed" ? html`<del>` : l.op === "added" ? html`<ins>` : ""}<span class="diff-sign" aria-hidden="true">${sign[l.op]}</span>${l.text}${l.op === "removed" ? html`</del>` : l.op === "added" ? html`</ins>` : ""}</span>\n`,
            )}</pre></div>`
          : html`<p class="notice">${t("media.revisions.same")}</p>`
      }
      ${
        found.can("edit") && number !== a.revision
          ? html`<form method="post" action="/media/articles/${a.id}/revisions/${String(number)}/restore">${csrfField(c)}<button type="submit">${t("media.revisions.restore")}</button></form>`
          : ""
      }`;
    return c.html(
      layout(c, t("media.revisions.number", { number }), body, { head: mediaStylesheetLink(true) }),
    );
  });

  app.post("/media/articles/:id/revisions/:number{[0-9]{1,6}}/restore", async (c) => {
    const viewer = requireViewer(c);
    const found = await readable(c);
    if (!found) return c.notFound();
    const t = c.get("t");
    const restored = await restoreRevision(
      ctx,
      viewer,
      found.article.id,
      Number(c.req.param("number")),
    );
    if (!restored.ok) {
      const status =
        restored.reason === "forbidden" ? 403 : restored.reason === "not-found" ? 404 : 422;
      const body = html`<h1>${t("media.flow.refused")}</h1><p class="errors" role="alert">${t(`media.problem.${restored.reason}`)}</p>`;
      return c.html(layout(c, t("media.flow.refused"), body), status);
    }
    return redirectHere(
      c,
      `/media/articles/${found.article.id}/edit?${new URLSearchParams({ done: t("media.revisions.restored") })}`,
      303,
    );
  });

  return app;
}
