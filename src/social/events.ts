/**
 * The outbox events the social area records (src/db/outbox.ts): type → the
 * schema of its payload. The relay's social handlers parse stored payloads with
 * the same schemas (federation/social/relay-handlers.ts).
 */
import { z } from "zod";
import { defineEvents } from "../db/outbox.ts";

const post = z.object({ postId: z.string() });
const featured = z.object({ accountId: z.string(), postId: z.string() });
const block = z.object({
  accountId: z.string(),
  targetRemoteId: z.string(),
  // The social.actor.blocked event an unblock undoes (the Undo embeds the Block's id).
  blockEventId: z.string().nullable().optional(),
});

export const socialEvents = defineEvents("social", {
  "social.post.created": post,
  "social.post.updated": post,
  "social.post.deleted": post,
  /** Pinned to or unpinned from the author's featured collection: Add / Remove. */
  "social.post.pinned": featured,
  "social.post.unpinned": featured,
  "social.post.boosted": z.object({ boostId: z.string() }),
  "social.post.unboosted": z.object({
    accountId: z.string(),
    boostUri: z.string(),
    objectUri: z.string(),
    objectAuthorRemoteId: z.string().nullable(),
    // Recorded since the Undo embeds the Announce as sent; older events lack them.
    boostedAt: z.string().optional(),
    objectAuthorUri: z.string().optional(),
  }),
  "social.post.liked": z.object({ likeId: z.string() }),
  "social.post.unliked": z.object({
    accountId: z.string(),
    likeUri: z.string(),
    objectUri: z.string(),
    // Null for a local author's post in a group elsewhere (the Undo goes to the Group).
    authorRemoteId: z.string().nullable(),
  }),
  /** Results of a local poll changed (a vote, or it closed): Update(Question). */
  "social.poll.updated": post,
  /** A member voted on a remote poll: one Create(Note) per choice. */
  "social.poll.voted": z.object({ postId: z.string(), voteIds: z.array(z.string()) }),
  "social.actor.blocked": block,
  "social.actor.unblocked": block,
  /** A report about a remote post, forwarded as Flag from the co-op actor. */
  "social.report.forwarded": z.object({ reportId: z.string() }),
  /** An app asked for a remote account whose counts are stale: read them from its server. */
  "social.counts.requested": z.object({ uri: z.string().max(2000) }),
});
