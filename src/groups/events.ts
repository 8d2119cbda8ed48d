/**
 * The outbox events the groups area records (src/db/outbox.ts): type → the
 * schema of its payload. The relay's groups handlers parse stored payloads with
 * the same schemas (federation/groups/relay-handlers.ts).
 */
import { z } from "zod";
import { defineEvents } from "../db/outbox.ts";

const member = z.object({ groupId: z.string(), memberId: z.string() });
const post = z.object({ postId: z.string() });
const moderator = z.object({ groupId: z.string(), actorUri: z.string() });
const delegate = z.object({ affiliationId: z.string(), accountId: z.string() });

export const groupsEvents = defineEvents("groups", {
  /** A join admitted: Accept(Follow) from the Group (and the recent threads). */
  "groups.member.accepted": member,
  /** A request turned down or a member removed: Reject(Follow). */
  "groups.member.removed": z.object({
    groupId: z.string(),
    remoteId: z.string(),
    actorUri: z.string(),
    followActivityUri: z.string(),
  }),
  "groups.member.invited": member,
  /** A post in a group hosted here: Announce to the members. */
  "groups.post.created": post,
  /** A member's post in a group on another node: Create to that Group. */
  "groups.post.sent": post,
  "groups.post.deleted": z.object({ postId: z.string(), actorUri: z.string() }),
  /** A post from elsewhere in a group hosted here edited: the Group announces the Update as received. */
  "groups.post.updated": z.object({ postId: z.string(), activityJson: z.string() }),
  "groups.moderator.added": moderator,
  "groups.moderator.removed": moderator,
  /** The group's settings changed: Update(Group). */
  "groups.group.updated": z.object({ groupId: z.string() }),
  /** Our co-op follows (joins) a federation elsewhere: Follow. */
  "groups.coop.followed": z.object({ affiliationId: z.string() }),
  /** Our co-op leaves a federation: Undo(Follow). */
  "groups.coop.unfollowed": z.object({ groupRemoteId: z.string(), followActivityUri: z.string() }),
  "groups.delegate.added": delegate,
  "groups.delegate.removed": delegate,
});
