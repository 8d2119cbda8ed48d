/**
 * What a member does to a post from its card: boost, like, bookmark, pin (and
 * undo each), vote, edit and delete. Each answers 303 back to the post, or a
 * clear 4xx: 404 for a post the member cannot see (or not their own, to edit),
 * 422 for a refused vote or an invalid edit.
 */
import { type Context, Hono } from "hono";
import { html } from "hono/html";
import { resolveMentions } from "../../federation/mentions.ts";
import { InputError } from "../../kernel/errors.ts";
import {
  bookmark,
  boost,
  like,
  pin,
  unbookmark,
  unboost,
  unlike,
  unpin,
} from "../../social/interactions.ts";
import { vote } from "../../social/polls.ts";
import { deletePost, editPost } from "../../social/posts.ts";
import { csrfField, errorSummary, field, readForm } from "../accounts/forms.ts";
import type { WebEnv } from "../context.ts";
import { layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { requireViewer } from "../session.ts";
import { isPostId, type SocialPagesDeps, socialContext } from "./deps.ts";

export function postActionPages(deps: SocialPagesDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const s = socialContext(deps);

  const postId = (c: Context<WebEnv>) => {
    const id = c.req.param("id") ?? "";
    if (!isPostId(id)) throw new InputError(c.get("t")("social.error.notFound"), 404);
    return id;
  };
  const back = (c: Context<WebEnv>, id: string) => {
    return redirectHere(c, `/posts/${id}`, 303);
  };
  const notFound = (c: Context<WebEnv>) => new InputError(c.get("t")("social.error.notFound"), 404);

  const simple = {
    boost: async (m, id) => (await boost(s, m, id)).ok,
    unboost: (m, id) => unboost(s, m, id),
    like: async (m, id) => (await like(s, m, id)).ok,
    unlike: (m, id) => unlike(s, m, id),
    bookmark: (m, id) => bookmark(s, m, id),
    unbookmark: (m, id) => unbookmark(s, m, id),
    pin: async (m, id) => (await pin(s, m, id)).ok,
    unpin: (m, id) => unpin(s, m, id),
  } satisfies Record<string, (m: { id: string; username: string }, id: string) => Promise<boolean>>;

  for (const [name, act] of Object.entries(simple)) {
    app.post(`/posts/:id/${name}`, async (c) => {
      const viewer = requireViewer(c);
      const id = postId(c);
      const exists = await deps.db
        .selectFrom("posts")
        .select("id")
        .where("id", "=", id)
        .where("deleted_at", "is", null)
        .executeTakeFirst();
      if (!exists) throw notFound(c);
      // Repeating an act (liking twice) changes nothing; acting on what one cannot see is a 404.
      const done = await act(viewer, id);
      if (!done && ["boost", "like", "bookmark", "pin"].includes(name)) {
        const again =
          name === "boost"
            ? await deps.db
                .selectFrom("posts")
                .select("id")
                .where("reblog_of_id", "=", id)
                .where("author_account_id", "=", viewer.id)
                .executeTakeFirst()
            : name === "like"
              ? await deps.db
                  .selectFrom("likes")
                  .select("id")
                  .where("post_id", "=", id)
                  .where("account_id", "=", viewer.id)
                  .executeTakeFirst()
              : undefined;
        if (!again)
          throw new InputError(c.get("t")("social.error.action"), name === "pin" ? 422 : 404);
      }
      return back(c, id);
    });
  }

  app.post("/posts/:id/vote", async (c) => {
    const viewer = requireViewer(c);
    const id = postId(c);
    const body = await c.req.parseBody({ all: true });
    const raw = body.choice;
    const list = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((v) =>
      typeof v === "string" && /^\d{1,2}$/.test(v) ? Number(v) : -1,
    );
    const result = await vote(s, viewer, id, list);
    if (!result.ok) {
      if (result.reason === "not-found") throw notFound(c);
      throw new InputError(c.get("t")("social.error.vote", { reason: result.reason }), 422);
    }
    return back(c, id);
  });

  app.post("/posts/:id/delete", async (c) => {
    const viewer = requireViewer(c);
    const id = postId(c);
    const ok = await deletePost(s, { id: viewer.id }, id);
    if (!ok) throw notFound(c);
    return redirectHere(
      c,
      `/social?${new URLSearchParams({ done: c.get("t")("social.deleted") })}`,
      303,
    );
  });

  async function ownSource(viewerId: string, id: string) {
    return deps.db
      .selectFrom("posts")
      .select(["source", "spoiler", "sensitive"])
      .where("id", "=", id)
      .where("author_account_id", "=", viewerId)
      .where("deleted_at", "is", null)
      .where("reblog_of_id", "is", null)
      .executeTakeFirst();
  }

  function editForm(
    c: Context<WebEnv>,
    id: string,
    values: { text: string; spoiler: string },
    errors: Record<string, string> = {},
  ) {
    const t = c.get("t");
    return html`<h1>${t("social.edit.title")}</h1>
      <form method="post" action="/posts/${id}/edit" class="stack">
        ${csrfField(c)}${errorSummary(c, errors)}
        ${field({ name: "text", label: t("social.compose.text"), type: "textarea", value: values.text, error: errors.text, maxlength: 5000 })}
        ${field({ name: "spoiler", label: t("social.compose.spoiler"), value: values.spoiler, error: errors.spoiler, maxlength: 500 })}
        <div><button type="submit">${t("social.edit.save")}</button></div>
      </form>`;
  }

  app.get("/posts/:id/edit", async (c) => {
    const viewer = requireViewer(c);
    const id = postId(c);
    const post = await ownSource(viewer.id, id);
    if (!post) throw notFound(c);
    return c.html(
      layout(
        c,
        c.get("t")("social.edit.title"),
        editForm(c, id, { text: post.source, spoiler: post.spoiler }),
      ),
    );
  });

  app.post("/posts/:id/edit", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const id = postId(c);
    const form = await readForm(c);
    const text = form.text ?? "";
    const spoiler = form.spoiler ?? "";
    const post = await ownSource(viewer.id, id);
    if (!post) throw notFound(c);
    const mentions = await resolveMentions(deps, text.slice(0, 5000));
    const result = await editPost(s, viewer, id, {
      text,
      spoiler,
      sensitive: post.sensitive === 1,
      mentions,
    });
    if (!result.ok) {
      if (result.reason === "not-found") throw notFound(c);
      const errors: Record<string, string> =
        result.reason === "spoiler-too-long"
          ? { spoiler: t("social.error.spoilerTooLong") }
          : result.reason === "too-long"
            ? { text: t("social.error.tooLong", { max: 5000 }) }
            : { text: t("social.error.empty") };
      return c.html(
        layout(c, t("social.edit.title"), editForm(c, id, { text, spoiler }, errors)),
        422,
      );
    }
    return back(c, id);
  });

  return app;
}
