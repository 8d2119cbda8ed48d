/**
 * What a member does to a post from its card: boost, like, bookmark, pin (and
 * undo each), vote, edit and delete. Each answers 303 back to the post, or a
 * clear 4xx: 404 for a post the member cannot see (or not their own, to edit),
 * 422 for a refused vote or an invalid edit.
 */
import { type Context, Hono } from "hono";
import { html } from "hono/html";
import { resolveMentions } from "../../federation/mentions.ts";
import { findGroupById } from "../../groups/groups.ts";
import { canModerate, type LocalMember, standingOf } from "../../groups/memberships.ts";
import { deleteGroupPost, findPost } from "../../groups/threads.ts";
import { InputError } from "../../kernel/errors.ts";
import { localPathOrNull } from "../../kernel/safe-url.ts";
import { MAX_POST_LENGTH, MAX_SPOILER_LENGTH } from "../../social/content.ts";
import type { SocialContext } from "../../social/context.ts";
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
import { isLivePost, ownPostSource } from "../../social/post-lookups.ts";
import { deletePost, editPost } from "../../social/posts.ts";
import { thread } from "../../social/timelines.ts";
import type { PostView } from "../../social/views.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, errorSummary, field, readForm } from "../forms.ts";
import { layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { safeUrl } from "../safe-url.ts";
import { requireViewer } from "../session.ts";
import { isPostId, type SocialPagesDeps, socialContext, viewerRef } from "./deps.ts";
import { postCard } from "./render.ts";

export function postActionPages(deps: SocialPagesDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const s = socialContext(deps);

  const postId = (c: Context<WebEnv>) => {
    const id = c.req.param("id") ?? "";
    if (!isPostId(id)) throw new InputError(c.get("t")("social.error.notFound"), 404);
    return id;
  };
  const back = async (c: Context<WebEnv>, id: string) => {
    const form = await c.req.parseBody();
    const from = typeof form.back === "string" ? localPathOrNull(form.back.slice(0, 2000)) : null;
    return redirectHere(c, from ?? `/posts/${id}`, 303);
  };
  const wantsJson = (c: Context<WebEnv>) =>
    (c.req.header("accept") ?? "").includes("application/json");
  const notFound = (c: Context<WebEnv>) => new InputError(c.get("t")("social.error.notFound"), 404);

  // What each act answers: done (repeating an act, liking twice, changes nothing), or the
  // status of the refusal: 404 for a post the member cannot see, 422 for a pin refused.
  type Member = { id: string; username: string };
  const doneOr = (status: 404 | 422) => (r: { ok: boolean; reason?: string }) =>
    r.ok || r.reason === "already" ? "done" : status;
  // Undoing what was not done is done too.
  const undo =
    (run: (s: SocialContext, m: Member, id: string) => Promise<boolean>) =>
    async (m: Member, id: string) => {
      await run(s, m, id);
      return "done" as const;
    };
  const acts = {
    boost: async (m, id) => doneOr(404)(await boost(s, m, id)),
    unboost: undo(unboost),
    like: async (m, id) => doneOr(404)(await like(s, m, id)),
    unlike: undo(unlike),
    bookmark: async (m, id) => ((await bookmark(s, m, id)) ? "done" : 404),
    unbookmark: undo(unbookmark),
    pin: async (m, id) => ((await pin(s, m, id)).ok ? "done" : 422),
    unpin: undo(unpin),
  } satisfies Record<string, (m: Member, id: string) => Promise<"done" | 404 | 422>>;

  for (const [name, act] of Object.entries(acts)) {
    app.post(`/posts/:id/${name}`, async (c) => {
      const viewer = requireViewer(c);
      const id = postId(c);
      if (!(await isLivePost(deps.db, id))) throw notFound(c);
      const answer = await act(viewer, id);
      if (answer !== "done") throw new InputError(c.get("t")("social.error.action"), answer);
      if (wantsJson(c)) return c.json({ done: name, pressed: !name.startsWith("un") });
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

  /** One's own post, or (in a group) a post the group's moderators may delete; the POST checks again. */
  async function mayDelete(viewer: LocalMember, post: PostView): Promise<boolean> {
    if (post.author.local && post.author.username === viewer.username) return true;
    const inGroup = await findPost(deps.db, post.id);
    const group = inGroup?.group_id ? await findGroupById(deps.db, inGroup.group_id) : null;
    return !!group && canModerate((await standingOf(deps.db, s.origin, group, viewer)).role);
  }

  app.get("/posts/:id/delete", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const id = postId(c);
    const found = await thread(s, viewerRef(deps, viewer), id);
    if (!found || !(await mayDelete(viewer, found.post))) throw notFound(c);
    const body = html`<h1>${t("social.deleteConfirm.title")}</h1>
      <p class="lead">${t("social.deleteConfirm.lead")}</p>
      ${postCard(c, found.post, { focus: true, bare: true })}
      <form method="post" action="/posts/${id}/delete" class="confirm-actions">
        ${csrfField(c)}
        <button type="submit" class="danger">${t("social.deleteConfirm.yes")}</button>
        <a class="button secondary" href="${safeUrl(found.post.url)}">${t("social.deleteConfirm.cancel")}</a>
      </form>`;
    return c.html(layout(c, t("social.deleteConfirm.title"), body));
  });

  app.post("/posts/:id/delete", async (c) => {
    const viewer = requireViewer(c);
    const id = postId(c);
    // A group post is deleted by the group's rule (its author or the group's moderators, logged).
    const inGroup = await findPost(deps.db, id);
    if (inGroup) {
      const group = inGroup.group_id ? await findGroupById(deps.db, inGroup.group_id) : null;
      const result = await deleteGroupPost(s, group ?? null, id, viewer);
      if (!result.ok && result.reason === "forbidden")
        throw new InputError(c.get("t")("groups.post.deleteForbidden"), 403);
      if (!result.ok) throw notFound(c);
      const to = group ? `/groups/${group.name}` : "/groups/elsewhere";
      return redirectHere(
        c,
        `${result.value.in_reply_to_id ? `${to}/threads/${result.value.thread_id}` : to}?${new URLSearchParams({ done: c.get("t")("groups.post.deleted") })}`,
        303,
      );
    }
    const ok = await deletePost(s, { id: viewer.id }, id);
    if (!ok) throw notFound(c);
    return redirectHere(
      c,
      `/social?${new URLSearchParams({ done: c.get("t")("social.deleted") })}`,
      303,
    );
  });

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
        ${field({ name: "text", label: t("social.compose.text"), type: "textarea", value: values.text, error: errors.text, maxlength: MAX_POST_LENGTH })}
        ${field({ name: "spoiler", label: t("social.compose.spoiler"), value: values.spoiler, error: errors.spoiler, maxlength: MAX_SPOILER_LENGTH })}
        <div><button type="submit">${t("social.edit.save")}</button></div>
      </form>`;
  }

  app.get("/posts/:id/edit", async (c) => {
    const viewer = requireViewer(c);
    const id = postId(c);
    const post = await ownPostSource(deps.db, viewer.id, id);
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
    const post = await ownPostSource(deps.db, viewer.id, id);
    if (!post) throw notFound(c);
    const mentions = await resolveMentions(deps, text.slice(0, MAX_POST_LENGTH));
    const result = await editPost(s, viewer, id, {
      text,
      spoiler,
      sensitive: post.sensitive,
      mentions,
    });
    if (!result.ok) {
      if (result.reason === "not-found") throw notFound(c);
      const errors: Record<string, string> =
        result.reason === "spoiler-too-long"
          ? { spoiler: t("social.error.spoilerTooLong") }
          : result.reason === "too-long"
            ? { text: t("social.error.tooLong", { max: MAX_POST_LENGTH }) }
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
