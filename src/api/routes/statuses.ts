/**
 * Statuses (docs.joinmastodon.org/methods/statuses): post (with media, poll,
 * reply, content warning, language and Idempotency-Key), show, edit, delete,
 * context, history, source, and the interactions: favourite, reblog, bookmark,
 * pin and their undoing, favourited_by and reblogged_by.
 */
import { Hono } from "hono";
import { z } from "zod";
import { resolveMentions } from "../../federation/mentions.ts";
import { deleteOwnGroupPost, replyInGroup } from "../../groups/replies.ts";
import { boostersOf, likersOf } from "../../social/api-support.ts";
import { earlierVersions } from "../../social/edits.ts";
import {
  bookmark,
  boost,
  boostOf,
  like,
  pin,
  unbookmark,
  unboost,
  unlike,
  unpin,
} from "../../social/interactions.ts";
import { ownPostSource } from "../../social/post-lookups.ts";
import { createPost, deletePost, editPost, type MediaInput } from "../../social/posts.ts";
import { postView, threadIds } from "../../social/timelines.ts";
import { ownAttachments } from "../../storage/uploads.ts";
import { optionalUser, requireUser } from "../auth.ts";
import { type ApiContext, type ApiDeps, type ApiEnv, memberRef, socialContext } from "../deps.ts";
import { ApiError, notFound, unprocessable } from "../errors.ts";
import { attributeList, idList, readFocus, readParams, truthy } from "../params.ts";
import { loadAccounts } from "../serializers/account.ts";
import {
  fromMastodonVisibility,
  serializeMedia,
  serializeStatuses,
} from "../serializers/status.ts";
import { renderVisible } from "../status-by-ids.ts";
import { renderStatuses, statusArray } from "../status-json.ts";
import { renderStatus } from "../status-one.ts";

const postProblems: Record<string, string> = {
  empty: "Text can't be blank",
  "too-long": "Text character limit exceeded",
  "spoiler-too-long": "Spoiler text is too long",
  "reply-not-found": "The post being replied to was not found",
  "replies-locked": "Replies to this post are closed",
  "too-many-media": "Cannot attach more than 4 files",
  "media-not-found": "Media could not be found",
  "poll-invalid": "Poll is invalid (2 to 4 distinct options, 5 minutes to 30 days, no media)",
};

/** GET /api/v1/statuses?id[]= reads at most this many (Mastodon: DEFAULT_STATUSES_LIMIT). */
export const MAX_STATUSES_BY_ID = 20;

const statusInput = z.object({
  status: z.string().max(100_000).optional(),
  spoiler_text: z.string().max(10_000).optional(),
  visibility: z.string().optional(),
  in_reply_to_id: z.string().max(100).nullish(),
  media_ids: z.array(z.string().max(100)).max(20).optional(),
  media_attributes: z
    .array(
      z.object({
        id: z.string().max(100),
        description: z.string().max(1500).optional(),
        focus: z.string().max(50).optional(),
      }),
    )
    .max(20)
    .optional(),
  sensitive: z.unknown().optional(),
  language: z.string().max(10).nullish(),
  poll: z
    .object({
      options: z.array(z.string().max(1000)).max(20),
      expires_in: z.coerce.number().int(),
      multiple: z.unknown().optional(),
    })
    .nullish(),
});

export function statusRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const s = socialContext(deps);
  const l = { db: deps.db, origin: deps.config.origin, domain: deps.config.domain };

  /** One status as the viewer may see it (a thread's post, or their own boost), or 404. */
  const one = async (id: string, viewer: { id: string; username: string } | null) => {
    const view = await postView(s, viewer ? memberRef(deps, viewer) : null, id);
    const [status] = await serializeStatuses(l, view ? [view] : [], !!viewer);
    if (!status) throw notFound();
    return status;
  };

  /** The same status as JSON text (status-json.ts), answered as it is; or 404. */
  const oneJson = async (id: string, viewer: { id: string; username: string } | null) => {
    const ref = viewer ? memberRef(deps, viewer) : null;
    const text = await renderStatus(s, l, ref, id);
    if (text === null) throw notFound();
    return text;
  };
  const json = (c: ApiContext, text: string) =>
    c.body(text, 200, { "content-type": "application/json" });

  app.post("/api/v1/statuses", async (c) => {
    const me = requireUser(c, "write:statuses");
    const key = c.req.header("idempotency-key")?.slice(0, 200) || undefined;
    const raw = await readParams(c);
    // Posting at the wrong time would be worse than refusing: scheduling is not supported yet.
    if (raw.scheduled_at) throw unprocessable("Scheduled posts are not supported on this server");
    const p = statusInput.parse(raw);
    const visibility = fromMastodonVisibility(p.visibility ?? "public");
    if (!visibility) throw unprocessable("Visibility is not included in the list");
    const text = p.status ?? "";
    const input = {
      text,
      spoiler: p.spoiler_text ?? "",
      language: p.language ?? null,
      sensitive: truthy(p.sensitive),
      inReplyToId: p.in_reply_to_id || null,
      mentions: await resolveMentions(deps, text),
      media: await mediaFor(deps, me.id, p.media_ids ?? []),
      poll: p.poll
        ? {
            options: p.poll.options,
            multiple: truthy(p.poll.multiple),
            expiresInSeconds: p.poll.expires_in,
          }
        : null,
    };
    // A reply to a group's post is written in its group, under the group's rules
    // (who may write; the visibility is the group's, whatever the app sent).
    const options = { idempotencyKey: key };
    const result =
      (input.inReplyToId
        ? await replyInGroup(s, me, { ...input, inReplyToId: input.inReplyToId }, options)
        : null) ?? (await createPost(s, me, { ...input, visibility }, options));
    if (!result.ok) {
      if (result.reason === "reply-not-found" || result.reason === "not-found") throw notFound();
      if (result.reason === "forbidden")
        throw new ApiError(
          403,
          "Only the group's members may write in it (or, for a new thread there, its moderators)",
        );
      throw unprocessable(postProblems[result.reason] ?? result.reason);
    }
    return json(c, await oneJson(result.value.id, me));
  });

  // Several at once (Mastodon 4.3): those the viewer may see, in the order asked; unknown ids are left out.
  app.get("/api/v1/statuses", async (c) => {
    const viewer = optionalUser(c, "read:statuses");
    const ids = idList(await readParams(c), MAX_STATUSES_BY_ID);
    const ref = viewer ? memberRef(deps, viewer) : null;
    return json(c, await renderVisible(s, l, ref, ids));
  });

  app.get("/api/v1/statuses/:id", async (c) =>
    json(c, await oneJson(c.req.param("id"), optionalUser(c, "read:statuses"))),
  );

  app.put("/api/v1/statuses/:id", async (c) => {
    const me = requireUser(c, "write:statuses");
    const raw = await readParams(c);
    const p = statusInput.parse({
      ...raw,
      media_attributes:
        raw.media_attributes === undefined ? undefined : attributeList(raw.media_attributes),
    });
    const text = p.status ?? "";
    const changes = (p.media_attributes ?? []).map((a) => ({
      uploadId: a.id,
      description: a.description,
      focus: readFocus(a.focus),
    }));
    // media_ids replaces the attachments (an empty list removes them); absent, they stay.
    // Apps send media_ids[] empty as "media_ids[]=" or as JSON [].
    const ids = p.media_ids?.filter(Boolean);
    const media = ids ? await mediaFor(deps, me.id, ids) : undefined;
    const result = await editPost(s, me, c.req.param("id"), {
      text,
      spoiler: p.spoiler_text ?? "",
      sensitive: truthy(p.sensitive),
      mentions: await resolveMentions(deps, text),
      media,
      mediaChanges: changes,
    });
    if (!result.ok) {
      if (result.reason === "not-found") throw notFound();
      throw unprocessable(postProblems[result.reason] ?? result.reason);
    }
    return json(c, await oneJson(result.value.id, me));
  });

  app.delete("/api/v1/statuses/:id", async (c) => {
    const me = requireUser(c, "write:statuses");
    const id = c.req.param("id");
    const status = await one(id, me);
    // Mastodon answers a deletion with the text, so an app can offer "delete and redraft".
    const source = await ownPostSource(deps.db, me.id, id);
    // A group's post is deleted as on the group's pages: the group hears of it.
    const inGroup = await deleteOwnGroupPost(s, me, id);
    if (inGroup ? !inGroup.ok : !(await deletePost(s, { id: me.id }, id))) throw notFound();
    return c.json({ ...status, text: source?.source ?? "" });
  });

  app.get("/api/v1/statuses/:id/context", async (c) => {
    const viewer = optionalUser(c, "read:statuses");
    const ref = viewer ? memberRef(deps, viewer) : null;
    const found = await threadIds(s, ref, c.req.param("id"));
    if (!found) throw notFound();
    const { ancestors, descendants } = found;
    // The thread's statuses in one go, then split (filters as in a thread).
    const rendered = await renderStatuses(s, l, ref, [...ancestors, ...descendants], "thread");
    return json(
      c,
      `{"ancestors":${statusArray(rendered, ancestors)},"descendants":${statusArray(rendered, descendants)}}`,
    );
  });

  // Every version (StatusEdit), oldest first, the current one last, as Mastodon answers.
  app.get("/api/v1/statuses/:id/history", async (c) => {
    const id = c.req.param("id");
    const status = await one(id, optionalUser(c, "read:statuses"));
    const versions = await earlierVersions(deps.db, id);
    const abs = (url: string) => (url.startsWith("/") ? `${deps.config.origin}${url}` : url);
    return c.json([
      ...versions.map((v, i) => ({
        content: v.contentHtml,
        spoiler_text: v.spoiler,
        sensitive: v.sensitive,
        created_at: v.createdAt,
        account: status.account,
        poll: v.pollOptions ? { options: v.pollOptions.map((title) => ({ title })) } : null,
        media_attachments: v.media.map((m, j) =>
          serializeMedia(deps.config.origin, {
            id: `${id}-${i}-${j}`,
            path: null,
            remote_url: abs(m.url),
            media_type: m.mediaType,
            description: m.description,
            width: null,
            height: null,
          }),
        ),
        emojis: [],
      })),
      {
        content: status.content,
        spoiler_text: status.spoiler_text,
        sensitive: status.sensitive,
        created_at: status.edited_at ?? status.created_at,
        account: status.account,
        poll: status.poll
          ? { options: status.poll.options.map((o) => ({ title: o.title })) }
          : null,
        media_attachments: status.media_attachments,
        emojis: [],
      },
    ]);
  });

  app.get("/api/v1/statuses/:id/source", async (c) => {
    const me = requireUser(c, "read:statuses");
    const row = await ownPostSource(deps.db, me.id, c.req.param("id"));
    if (!row) throw notFound();
    return c.json({ id: row.id, text: row.source, spoiler_text: row.spoiler });
  });

  const act = (
    path: string,
    scope: string,
    run: (me: { id: string; username: string }, id: string) => Promise<boolean>,
    answer?: (me: { id: string; username: string }, id: string) => Promise<string>,
  ) =>
    app.post(`/api/v1/statuses/:id/${path}`, async (c) => {
      const me = requireUser(c, scope);
      const id = c.req.param("id");
      await oneJson(id, me);
      if (!(await run(me, id)))
        throw new ApiError(422, "Validation failed: this action is not possible on this status");
      return json(c, await oneJson(answer ? await answer(me, id) : id, me));
    });
  act("favourite", "write:favourites", async (me, id) => {
    const r = await like(s, me, id);
    return r.ok || r.reason === "already";
  });
  act("unfavourite", "write:favourites", async (me, id) => {
    await unlike(s, me, id);
    return true;
  });
  act(
    "reblog",
    "write:statuses",
    async (me, id) => {
      const r = await boost(s, me, id);
      return r.ok || r.reason === "already";
    },
    async (me, id) => (await boostOf(deps.db, memberRef(deps, me).uri, id)) ?? id,
  );
  act("unreblog", "write:statuses", async (me, id) => {
    await unboost(s, me, id);
    return true;
  });
  act("bookmark", "write:bookmarks", async (me, id) => {
    await bookmark(s, me, id);
    return true;
  });
  act("unbookmark", "write:bookmarks", async (me, id) => {
    await unbookmark(s, me, id);
    return true;
  });
  act("pin", "write:accounts", async (me, id) => {
    const r = await pin(s, me, id);
    return r.ok || r.reason === "already";
  });
  act("unpin", "write:accounts", async (me, id) => {
    await unpin(s, me, id);
    return true;
  });
  app.post("/api/v1/statuses/:id/mute", async (c) =>
    json(c, await oneJson(c.req.param("id"), requireUser(c, "write:mutes"))),
  );
  app.post("/api/v1/statuses/:id/unmute", async (c) =>
    json(c, await oneJson(c.req.param("id"), requireUser(c, "write:mutes"))),
  );

  for (const [path, list] of [
    ["favourited_by", likersOf],
    ["reblogged_by", boostersOf],
  ] as const) {
    app.get(`/api/v1/statuses/:id/${path}`, async (c) => {
      const viewer = optionalUser(c, "read:statuses");
      await one(c.req.param("id"), viewer);
      const limit = Math.min(80, Math.max(1, Number(c.req.query("limit") ?? 40) || 40));
      const rows = await list(deps.db, c.req.param("id"), limit);
      const uris = rows.map((r) => ("actor_uri" in r ? r.actor_uri : r.author_uri));
      const accounts = await loadAccounts(l, uris);
      return c.json(uris.flatMap((u) => accounts.get(u) ?? []));
    });
  }
  return app;
}

/** The member's own uploads by id, with the description each carries. */
async function mediaFor(deps: ApiDeps, ownerId: string, ids: string[]): Promise<MediaInput[]> {
  const rows = await ownAttachments(deps.db, ownerId, ids);
  if (rows.length !== new Set(ids).size) throw unprocessable("Media could not be found");
  return ids.map((id) => {
    const row = rows.find((r) => r.id === id);
    return { uploadId: id, description: row?.description ?? "", focus: row?.focus ?? null };
  });
}
