/**
 * The article editor's pages: /media/new and /media/articles/{id}/edit (write,
 * preview, save), and /media/preview (the live preview's fragment). A save is a
 * new revision (src/media/articles.ts); bad input re-renders the form with 422
 * and writes nothing — the cover image is stored only once everything else is
 * valid, and forgotten again if the save is refused.
 */
import { type Context, Hono } from "hono";
import { html, raw } from "hono/html";
import { articleInputSchema, createDraft, standingFor, updateDraft } from "../../media/articles.ts";
import { renderMarkdown } from "../../media/markdown.ts";
import { publicationsOf } from "../../media/publications.ts";
import { mediaUrl, storeImage } from "../../storage/images.ts";
import { discardUploads } from "../../storage/uploads.ts";
import type { WebEnv } from "../context.ts";
import type { FieldErrors } from "../forms.ts";
import { refuseUnsafeNames } from "../forms.ts";
import { layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { requireViewer } from "../session.ts";
import { imageRejectionText } from "../uploads.ts";
import { mediaStylesheetLink } from "./assets.ts";
import type { MediaPagesDeps } from "./deps.ts";
import { mediaContext } from "./deps.ts";
import { type EditorValues, editorForm, emptyValues, tagsFromText } from "./editor-form.ts";
import { workflowPanel } from "./workflow-panel.ts";

const str = (v: unknown) => (typeof v === "string" ? v : "");

/** The form's fields as typed (files aside). */
function valuesOf(body: Record<string, unknown>): EditorValues {
  return {
    title: str(body.title),
    summary: str(body.summary),
    body: str(body.body).replace(/\r\n/g, "\n"),
    tags: str(body.tags),
    language: str(body.language).trim(),
    coverAlt: str(body.coverAlt),
    coverUploadId: body.removeCover === "1" ? "" : str(body.coverUploadId),
    publicationId: str(body.publicationId),
  };
}

export function editorPages(deps: MediaPagesDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const ctx = mediaContext(deps);

  const coverUrlOf = async (uploadId: string) => {
    if (!uploadId) return null;
    const row = await deps.db
      .selectFrom("uploads")
      .select("path")
      .where("id", "=", uploadId)
      .executeTakeFirst();
    return row ? mediaUrl(row.path) : null;
  };

  /** Field errors of the input (the capability's own schema), in the page's language. */
  function check(c: Context<WebEnv>, v: EditorValues): FieldErrors {
    const t = c.get("t");
    const parsed = articleInputSchema.safeParse(inputOf(v, null));
    const errors: FieldErrors = {};
    // PostgreSQL refuses NUL in text: say so here instead of failing the write.
    for (const [name, value] of Object.entries(v))
      if (value.includes("\u0000"))
        errors[name === "coverUploadId" || name === "publicationId" ? "title" : name] =
          t("media.problem.invalid");
    if (!parsed.success)
      for (const issue of parsed.error.issues) {
        const name = String(issue.path[0] ?? "title");
        const key = name === "cover" ? "coverAlt" : name;
        errors[key] ??= t(`media.editor.error.${key}` as "media.editor.error.title");
      }
    return errors;
  }

  const inputOf = (v: EditorValues, coverId: string | null) => ({
    title: v.title,
    summary: v.summary,
    body: v.body,
    language: v.language || null,
    tags: tagsFromText(v.tags),
    cover: coverId ? { uploadId: coverId, alt: v.coverAlt } : null,
  });

  async function page(
    c: Context<WebEnv>,
    status: 200 | 422,
    o: {
      articleId: string | null;
      values: EditorValues;
      errors: FieldErrors;
      preview: string | null;
    },
  ) {
    const t = c.get("t");
    const viewer = requireViewer(c);
    const publications = o.articleId
      ? null
      : (await publicationsOf(deps.db, viewer.id)).map((p) => ({
          id: p.id,
          displayName: p.displayName,
        }));
    const form = editorForm(c, {
      action: o.articleId ? `/media/articles/${o.articleId}/edit` : "/media/new",
      values: o.values,
      errors: o.errors,
      preview: o.preview,
      publications,
      coverUrl: await coverUrlOf(o.values.coverUploadId),
    });
    const workflow = o.articleId ? await workflowPanel(c, deps, o.articleId, viewer) : null;
    const title = o.articleId ? t("media.editor.editTitle") : t("media.editor.newTitle");
    const body = html`<h1>${title}</h1>${c.req.query("done") ? html`<p class="notice ok" role="status">${c.req.query("done")?.slice(0, 200)}</p>` : ""}${workflow?.review ?? ""}${form}${workflow?.panel ?? ""}`;
    return c.html(
      layout(c, title, body, { head: mediaStylesheetLink(true), bodyClass: "editor-page" }),
      status,
    );
  }

  /** Stores the chosen cover (if any) after the text is valid; field errors otherwise. */
  async function coverFrom(
    c: Context<WebEnv>,
    body: Record<string, unknown>,
    v: EditorValues,
    ownerId: string,
  ) {
    const file = body.cover;
    if (!(file instanceof File) || file.size === 0)
      return { ok: true as const, id: v.coverUploadId || null, stored: null };
    const stored = await storeImage(
      deps.db,
      deps.config,
      {
        bytes: new Uint8Array(await file.arrayBuffer()),
        purpose: "attachment",
        ownerId,
        description: v.coverAlt,
      },
      deps.clock,
    );
    if (!stored.ok)
      return {
        ok: false as const,
        errors: {
          cover: imageRejectionText(c.get("t"), stored.reason, { file, locale: c.get("locale") }),
        },
      };
    return { ok: true as const, id: stored.value.id, stored: stored.value.id };
  }

  const problemField = (reason: string): FieldErrors =>
    reason === "cover-not-found"
      ? { cover: "media.editor.error.cover" }
      : { title: `media.problem.${reason}` };

  app.get("/media/new", (c) => {
    requireViewer(c);
    // ?publication=<id> from a publication's page preselects it (the select offers only the viewer's own).
    const publicationId = (c.req.query("publication") ?? "").slice(0, 64);
    const values = { ...emptyValues, publicationId };
    return page(c, 200, { articleId: null, values, errors: {}, preview: null });
  });

  app.post("/media/new", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const body = await c.req.parseBody();
    refuseUnsafeNames(c, body);
    const v = valuesOf(body);
    if (body.intent === "preview")
      return page(c, 200, {
        articleId: null,
        values: v,
        errors: {},
        preview: renderMarkdown(v.body, ctx),
      });
    const errors = check(c, v);
    if (Object.keys(errors).length)
      return page(c, 422, { articleId: null, values: v, errors, preview: null });
    const cover = await coverFrom(c, body, v, viewer.id);
    if (!cover.ok)
      return page(c, 422, { articleId: null, values: v, errors: cover.errors, preview: null });
    const made = await createDraft(ctx, viewer, {
      ...inputOf(v, cover.id),
      publicationId: v.publicationId || null,
    });
    if (!made.ok) {
      if (cover.stored) await discardUploads(deps.db, viewer.id, [cover.stored]);
      const field = problemField(made.reason);
      const [[name = "title", key = ""] = []] = Object.entries(field);
      return page(c, 422, {
        articleId: null,
        values: v,
        errors: { [name]: t(key as "media.problem.invalid") },
        preview: null,
      });
    }
    return redirectHere(
      c,
      `/media/articles/${made.value.id}/edit?${new URLSearchParams({ done: t("media.editor.saved") })}`,
      303,
    );
  });

  /** The article, if the viewer may read its draft (404 for everyone else: drafts are private). */
  async function readable(c: Context<WebEnv>, id: string) {
    const viewer = requireViewer(c);
    if (!/^[0-9a-f-]{36}$/.test(id)) return null;
    const found = await standingFor(deps.db, id, viewer);
    return found?.can("read-draft") ? found : null;
  }

  app.get("/media/articles/:id/edit", async (c) => {
    const found = await readable(c, c.req.param("id"));
    if (!found) return c.notFound();
    const a = found.article;
    const values: EditorValues = {
      title: a.title,
      summary: a.summary,
      body: a.body,
      tags: (JSON.parse(a.tags) as string[]).join(" "),
      language: a.language ?? "",
      coverAlt: a.cover_alt,
      coverUploadId: a.cover_upload_id ?? "",
      publicationId: a.publication_id ?? "",
    };
    return page(c, 200, {
      articleId: a.id,
      values,
      errors: {},
      preview: renderMarkdown(a.body, ctx),
    });
  });

  app.post("/media/articles/:id/edit", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const found = await readable(c, c.req.param("id"));
    if (!found) return c.notFound();
    const id = found.article.id;
    const body = await c.req.parseBody();
    refuseUnsafeNames(c, body);
    const v = valuesOf(body);
    if (body.intent === "preview")
      return page(c, 200, {
        articleId: id,
        values: v,
        errors: {},
        preview: renderMarkdown(v.body, ctx),
      });
    if (!found.can("edit"))
      return page(c, 422, {
        articleId: id,
        values: v,
        errors: { title: t("media.problem.forbidden") },
        preview: null,
      });
    const errors = check(c, v);
    if (Object.keys(errors).length)
      return page(c, 422, { articleId: id, values: v, errors, preview: null });
    // The cover is the writer's upload, whoever edits (an editor's copy edit keeps it).
    const cover = await coverFrom(c, body, v, found.article.author_account_id);
    if (!cover.ok)
      return page(c, 422, { articleId: id, values: v, errors: cover.errors, preview: null });
    const saved = await updateDraft(ctx, viewer, id, inputOf(v, cover.id));
    if (!saved.ok) {
      if (cover.stored)
        await discardUploads(deps.db, found.article.author_account_id, [cover.stored]);
      return page(c, 422, {
        articleId: id,
        values: v,
        errors: { title: t(`media.problem.${saved.reason}`) },
        preview: null,
      });
    }
    return redirectHere(
      c,
      `/media/articles/${id}/edit?${new URLSearchParams({ done: t("media.editor.saved") })}`,
      303,
    );
  });

  // The live preview's fragment: members only, CSRF-checked like every POST (x-csrf-token).
  app.post("/media/preview", async (c) => {
    requireViewer(c);
    const body = await c.req.parseBody();
    refuseUnsafeNames(c, body);
    const source = str(body.body);
    if (source.length > 200_000) return c.text(c.get("t")("media.editor.error.body"), 413);
    c.header("Cache-Control", "no-store");
    return c.html(raw(renderMarkdown(source, ctx)));
  });

  return app;
}
