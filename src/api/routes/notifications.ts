/**
 * Notifications (docs.joinmastodon.org/methods/notifications) with types and
 * exclude_types, one by id, dismiss and clear; polls (show, vote); media
 * uploads (POST /api/v2/media, GET / PUT /api/v1/media/:id).
 */
import { Hono } from "hono";
import { z } from "zod";
import {
  clearNotifications,
  dismissNotification,
  notificationIdsAfter,
} from "../../social/api-support.ts";
import { countNotifications, listNotifications } from "../../social/notifications.ts";
import { vote } from "../../social/polls.ts";
import { visiblePosts } from "../../social/views.ts";
import { storeImage } from "../../storage/images.ts";
import { describeAttachment, ownAttachment } from "../../storage/uploads.ts";
import { optionalUser, requireUser } from "../auth.ts";
import { type ApiContext, type ApiDeps, type ApiEnv, memberRef, socialContext } from "../deps.ts";
import { ApiError, notFound, unprocessable } from "../errors.ts";
import { notificationQuery } from "../notification-query.ts";
import { readPage, setLink } from "../pagination.ts";
import { readFocus, readParams } from "../params.ts";
import { notificationsJson, serializeNotifications } from "../serializers/notification.ts";
import { serializeMedia, serializePoll } from "../serializers/status.ts";

export function notificationRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const s = socialContext(deps);
  const l = { db: deps.db, origin: deps.config.origin, domain: deps.config.domain };

  app.get("/api/v1/notifications", async (c) => {
    const me = requireUser(c, "read:notifications");
    const p = await readParams(c);
    const page = readPage(p, { limit: 40, max: 80 });
    // Types, sender and policy are conditions of the query, so a page comes back full.
    const query = await notificationQuery(deps, me, p, page);
    const rows = query
      ? await listNotifications(deps.db, deps.config.domain, me.id, {
          ...query,
          limit: page.limit,
        })
      : [];
    const out = await notificationsJson(s, l, memberRef(deps, me), rows);
    setLink(
      c,
      rows.map((n) => n.id),
      { hasMore: rows.length === page.limit },
    );
    return c.body(out, 200, { "content-type": "application/json" });
  });

  app.get("/api/v1/notifications/unread_count", async (c) => {
    const me = requireUser(c, "read:notifications");
    const query = await notificationQuery(deps, me, await readParams(c), { limit: 1 });
    const count = query ? await countNotifications(deps.db, me.id, { ...query, unread: true }) : 0;
    return c.json({ count });
  });

  app.post("/api/v1/notifications/clear", async (c) => {
    const me = requireUser(c, "write:notifications");
    await clearNotifications(deps.db, me.id);
    return c.json({});
  });

  app.get("/api/v1/notifications/:id", async (c) => {
    const me = requireUser(c, "read:notifications");
    const id = c.req.param("id");
    const next = await notificationIdsAfter(deps.db, me.id, id, 1);
    const rows = await listNotifications(deps.db, deps.config.domain, me.id, {
      maxId: next[0]?.id,
      limit: 1,
    });
    const [out] = await serializeNotifications(
      s,
      l,
      memberRef(deps, me),
      rows.filter((n) => n.id === id),
    );
    if (!out) throw notFound();
    return c.json(out);
  });

  app.post("/api/v1/notifications/:id/dismiss", async (c) => {
    const me = requireUser(c, "write:notifications");
    if (!(await dismissNotification(deps.db, me.id, c.req.param("id")))) throw notFound();
    return c.json({});
  });

  const pollOf = async (postId: string, viewer: { id: string; username: string } | null) => {
    const ref = viewer ? memberRef(deps, viewer) : null;
    const [view] = await visiblePosts(s, ref, [postId]);
    if (!view?.poll || view.reblog) throw notFound();
    return serializePoll(view.id, view.poll, !!viewer);
  };

  app.get("/api/v1/polls/:id", async (c) =>
    c.json(await pollOf(c.req.param("id"), optionalUser(c, "read:statuses"))),
  );

  app.post("/api/v1/polls/:id/votes", async (c) => {
    const me = requireUser(c, "write:statuses");
    const p = z
      .object({ choices: z.array(z.coerce.number().int()).min(1).max(20) })
      .parse(await readParams(c));
    const result = await vote(s, me, c.req.param("id"), p.choices);
    if (!result.ok) {
      if (result.reason === "not-found") throw notFound();
      const why = {
        closed: "The poll has already ended",
        "already-voted": "You have already voted on this poll",
        "bad-choice": "Choices are not valid for this poll",
        "own-poll": "You cannot vote on your own poll",
      }[result.reason];
      throw unprocessable(why);
    }
    return c.json(await pollOf(c.req.param("id"), me));
  });

  const uploadAnswer = (u: {
    id: string;
    path: string;
    description: string;
    content_type: string;
    width: number;
    height: number;
    focus: string | null;
  }) =>
    serializeMedia(deps.config.origin, {
      id: u.id,
      path: u.path,
      remote_url: null,
      media_type: u.content_type,
      description: u.description,
      width: u.width,
      height: u.height,
      focus: u.focus,
    });

  const upload = async (c: ApiContext) => {
    const me = requireUser(c, "write:media");
    const p = await readParams(c);
    const file = p.file;
    if (!(file instanceof File) || file.size === 0) throw unprocessable("File can't be blank");
    const description = typeof p.description === "string" ? p.description.slice(0, 1500) : "";
    const focus = readFocus(p.focus);
    const stored = await storeImage(
      deps.db,
      deps.config,
      {
        bytes: new Uint8Array(await file.arrayBuffer()),
        purpose: "attachment",
        ownerId: me.id,
        description,
        focus,
      },
      deps.clock,
    );
    if (!stored.ok)
      throw stored.reason === "too-large"
        ? new ApiError(413, "File is too large")
        : stored.reason === "too-many-pixels"
          ? unprocessable("Validation failed: Image dimensions are too large")
          : unprocessable("File content type is not supported");
    const row = await ownAttachment(deps.db, me.id, stored.value.id);
    if (!row) throw notFound();
    return c.json(uploadAnswer(row));
  };
  app.post("/api/v2/media", upload);
  app.post("/api/v1/media", upload);

  app.get("/api/v1/media/:id", async (c) => {
    const me = requireUser(c, "write:media");
    const row = await ownAttachment(deps.db, me.id, c.req.param("id"));
    if (!row) throw notFound();
    return c.json(uploadAnswer(row));
  });

  app.put("/api/v1/media/:id", async (c) => {
    const me = requireUser(c, "write:media");
    const raw = await readParams(c);
    const p = z.object({ description: z.string().max(1500).optional() }).parse(raw);
    const row = await describeAttachment(deps.db, me.id, c.req.param("id"), {
      description: p.description,
      focus: readFocus(raw.focus),
    });
    if (!row) throw notFound();
    return c.json(uploadAnswer(row));
  });
  return app;
}
