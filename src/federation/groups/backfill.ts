/**
 * A member who joins from another node sees the group's recent threads, not only
 * what is written after: once the Group has sent its Accept, it announces its
 * last GROUP_BACKFILL_THREADS threads to that member alone, wrapped as any post
 * it redistributes (Announce{Create}, FEP-1b12). Activity ids derive from the
 * event and the post, so a re-relayed event sends the same ones.
 */
import { Announce, Create, PUBLIC_COLLECTION } from "@fedify/vocab";
import { z } from "zod";
import { findGroupById } from "../../groups/groups.ts";
import type { EventHandler } from "../extensions.ts";
import { signedLoader } from "../lookup.ts";
import { recipientOf } from "../relay.ts";
import { findRemoteActor } from "../remote-actors.ts";
import { createOf, loadLocalPost } from "../social/notes.ts";
import { groupSender, groupUrls } from "./actor.ts";

/** Threads a new remote member is sent (the most recent ones). */
export const GROUP_BACKFILL_THREADS = 10;

export const sendRecentThreads: EventHandler = async (ctx, deps, event, payload) => {
  const { groupId, memberId } = z
    .object({ groupId: z.string(), memberId: z.string() })
    .parse(payload);
  const db = deps.db.db;
  const group = await findGroupById(db, groupId);
  const row = await db
    .selectFrom("group_members")
    .select("remote_id")
    .where("id", "=", memberId)
    .where("status", "=", "active")
    .executeTakeFirst();
  if (!group || !row?.remote_id) return;
  const member = await findRemoteActor(db, { id: row.remote_id });
  if (!member || member.gone) return;
  const threads = await db
    .selectFrom("posts")
    .selectAll()
    .where("group_id", "=", group.id)
    .where("in_reply_to_id", "is", null)
    .where("in_reply_to_uri", "is", null)
    .where("deleted_at", "is", null)
    .where("hidden_at", "is", null)
    .orderBy("id", "desc")
    .limit(GROUP_BACKFILL_THREADS)
    .execute();
  if (threads.length === 0) return;
  const urls = groupUrls(deps.config.origin, group.name);
  const sender = await groupSender(deps, group);
  const isPublic = group.visibility === "public";
  for (const post of threads.reverse()) {
    // Received from elsewhere: the Create as it came (FEP-1b12); else our own.
    const local = post.activity_json ? null : await loadLocalPost(db, post.id);
    const create = post.activity_json
      ? await Create.fromJsonLd(JSON.parse(post.activity_json), {
          documentLoader: await signedLoader(ctx),
          contextLoader: ctx.contextLoader,
        })
      : local
        ? createOf(ctx, deps.config.origin, local)
        : null;
    if (!create) continue;
    const announce = new Announce({
      id: new URL(`/activities/${event.id}/recent/${post.id}`, deps.config.origin),
      actor: new URL(urls.id),
      object: create,
      audience: new URL(urls.id),
      tos: isPublic ? [PUBLIC_COLLECTION] : [new URL(urls.followers)],
      ccs: [new URL(urls.followers)],
    });
    await ctx.sendActivity(sender, recipientOf(member), announce);
  }
};
