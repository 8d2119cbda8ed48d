/**
 * The outbox events of follows between members and remote actors (follows.ts):
 * type → the schema of its payload. The relay parses stored payloads with the
 * same schemas. Imports nothing of Fedify, so capabilities may record them.
 */
import { z } from "zod";
import { defineEvents } from "../db/outbox.ts";

const follow = z.object({ followId: z.string() });

export const followEvents = defineEvents("federation", {
  /** A member asked to follow a remote actor: Follow. */
  "federation.follow.requested": follow,
  /** A member's follower was accepted (at once or by hand): Accept(Follow). */
  "federation.follow.accepted": follow,
  /** A member stopped following a remote actor: Undo(Follow), as it was sent. */
  "federation.follow.undone": z.object({
    followId: z.string(),
    followerAccountId: z.string(),
    followeeRemoteId: z.string(),
    activityUri: z.string(),
  }),
  /** A member turned a follow request down: Reject(Follow). */
  "federation.follow.rejected": z.object({
    followId: z.string(),
    followeeAccountId: z.string(),
    followerRemoteId: z.string(),
    activityUri: z.string(),
  }),
});
