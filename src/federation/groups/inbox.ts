/**
 * The groups' inbox handlers, offered what the core inbox does not take
 * (src/federation/extensions.ts). For groups hosted here: Follow (join: Accept
 * at once, or a pending request in a moderated group), Undo(Follow) (leave),
 * Create of a post addressed to the group (kept as a thread or reply, then
 * announced to the members unchanged, FEP-1b12), and Add/Remove of a delegate
 * by a member co-op of a federation. For groups elsewhere that our members or
 * our co-op belong to: Announce of a post or of a moderators change, and
 * Accept/Reject of our co-op's Follow. Anything else returns false, so the next
 * extension (social) may take it.
 */
import type { InboxContext } from "@fedify/fedify";
import {
  Accept,
  type Activity,
  Add,
  type Announce,
  Create,
  Delete,
  Follow,
  type Reject,
  Remove,
  type Undo,
} from "@fedify/vocab";
import { getLogger } from "@logtape/logtape";
import { answerAffiliation, receiveDelegate } from "../../groups/federations.ts";
import { findGroup, findGroupById, type Group } from "../../groups/groups.ts";
import {
  isBanned,
  membershipOf,
  receiveInviteAnswer,
  receiveJoin,
  receiveLeave,
} from "../../groups/memberships.ts";
import { findPostByUri, receiveGroupPost, receiveGroupPostDelete } from "../../groups/threads.ts";
import { type FederationDeps, socialContext } from "../deps.ts";
import { ensureActor, signedLoader } from "../lookup.ts";
import { groupsContextOf } from "./context.ts";
import { addressedUris, groupPostInput, isGroupPostObject, postFields } from "./parse.ts";

const logger = getLogger(["synco", "federation", "groups"]);

function skip(activity: Activity, why: string): true {
  logger.info("Skipping {id}: {why}", { id: activity.id?.href ?? "(no id)", why });
  return true;
}

export function groupsInbox(deps: FederationDeps) {
  const { db } = deps.db;
  const social = socialContext(deps);
  const g = groupsContextOf(deps);
  const prefix = `${deps.config.origin}/groups/`;

  /** The group hosted here that a URI names (the actor, or one of its collections). */
  async function localGroup(uri: string | null | undefined): Promise<Group | undefined> {
    if (!uri?.startsWith(prefix)) return undefined;
    const name = /^([A-Za-z0-9_]{1,30})(?:\/(?:moderators|followers))?$/.exec(
      uri.slice(prefix.length),
    )?.[1];
    const group = name ? await findGroup(db, name) : undefined;
    return group?.name === name ? group : undefined;
  }

  const objectOf = async (ctx: InboxContext<void>, activity: Activity) =>
    activity
      .getObject({ documentLoader: await signedLoader(ctx), suppressError: true })
      .catch(() => null);

  async function onFollow(ctx: InboxContext<void>, follow: Follow): Promise<boolean> {
    const group = await localGroup(follow.objectId?.href);
    if (!group) return false;
    if (!follow.id || !follow.actorId) return skip(follow, "a Follow needs an id and an actor");
    const actor = await ensureActor(ctx, deps, follow.actorId);
    if (!actor) return skip(follow, "its actor could not be fetched");
    const joined = await receiveJoin(
      g,
      { uri: actor.uri, remoteId: actor.id, type: actor.type },
      { group, activityUri: follow.id.href },
    );
    logger.info("{actor} joins group {group}: {status}", {
      actor: actor.uri,
      group: group.name,
      status: joined.ok ? joined.value : joined.reason,
    });
    return true;
  }

  async function onUndo(ctx: InboxContext<void>, undo: Undo): Promise<boolean> {
    const object = await objectOf(ctx, undo);
    if (!(object instanceof Follow)) return false;
    const group = await localGroup(object.objectId?.href);
    if (!group) return false;
    if (!undo.actorId || object.actorId?.href !== undo.actorId.href)
      return skip(undo, "the undone Follow is not its actor's");
    await receiveLeave(g, { uri: undo.actorId.href }, { group });
    return true;
  }

  /** A post addressed to a group hosted here: kept, then announced by the Group. */
  async function onCreate(ctx: InboxContext<void>, create: Create): Promise<boolean> {
    const object = await objectOf(ctx, create);
    if (!isGroupPostObject(object)) return false;
    let group: Group | undefined;
    for (const uri of await addressedUris(create, object)) {
      group = await localGroup(uri);
      if (group) break;
    }
    if (!group) return false;
    const fields = postFields(object);
    if (!fields || !create.actorId) return skip(create, "the post has no id or author");
    if (fields.authorUri !== create.actorId.href)
      return skip(create, "the post's author is not the actor");
    if (new URL(fields.uri).origin !== create.actorId.origin)
      return skip(create, "the post is not on its author's server");
    if (await isBanned(db, group.id, create.actorId.href))
      return skip(create, `${create.actorId.href} is banned from ${group.name}`);
    const member = await membershipOf(db, group.id, create.actorId.href);
    // Anyone may write in a public, open group (as in Lemmy); otherwise only its members.
    const open = group.visibility === "public" && !group.moderated && !group.posting_restricted;
    if (member?.status !== "active" && !open)
      return skip(create, `${create.actorId.href} is not a member of ${group.name}`);
    if (group.posting_restricted && !fields.inReplyToUri && member?.role === "member")
      return skip(create, "only moderators start threads in this group");
    const author = await ensureActor(ctx, deps, create.actorId);
    if (!author) return skip(create, "its actor could not be fetched");
    const input = await groupPostInput(ctx, object, author, deps.clock);
    if (!input) return skip(create, "the post could not be read");
    const result = await receiveGroupPost(social, group, input, {
      uri: `${prefix}${group.name}`,
      groupId: group.id,
      // As received (Fedify keeps the parsed document), to be announced as it came.
      activityJson: JSON.stringify(await create.toJsonLd()),
    });
    if (result !== "stored") skip(create, result);
    return true;
  }

  /**
   * A Delete of a group post kept here, from its author (sent to the Group, or
   * announced by it) or from the Group itself. Not a group post: false, so the
   * social network may take it.
   */
  async function onDelete(del: Delete, announcedBy?: string): Promise<boolean> {
    const uri = del.objectId?.href;
    const actorUri = del.actorId?.href;
    if (!uri || !actorUri) return false;
    const post = await findPostByUri(db, uri);
    if (!post) return false;
    // Announced: the Group vouches for its own posts only; directly: the signer is the actor.
    if (announcedBy && post.audience_uri !== announcedBy)
      return skip(del, "the announcing Group is not the post's");
    const result = await receiveGroupPostDelete(db, {
      uri,
      actorUri: announcedBy && actorUri !== post.author_uri ? announcedBy : actorUri,
    });
    if (result !== "deleted") skip(del, result);
    return true;
  }

  /**
   * Is this actor a remote Group our members or our co-op belong to? Decided by the
   * actor's own type: a member also follows people, and a Person's Announce is a boost
   * for the social network, not a group's redistribution.
   */
  async function followedGroup(uri: string): Promise<boolean> {
    const follow = await db
      .selectFrom("follows")
      .innerJoin("remote_actors as r", "r.id", "follows.followee_remote_id")
      .select("follows.id")
      .where("follows.followee_uri", "=", uri)
      // Pending too: a Group sends its recent threads right after its Accept, and they
      // may overtake it (deliveries run concurrently).
      .where("follows.status", "in", ["accepted", "pending"])
      .where("r.type", "=", "Group")
      .limit(1)
      .executeTakeFirst();
    if (follow) return true;
    const aff = await db
      .selectFrom("coop_affiliations")
      .select("id")
      .where("group_uri", "=", uri)
      .executeTakeFirst();
    return !!aff;
  }

  /** A remote Group redistributes a post, or a change of its moderators (FEP-1b12). */
  async function onAnnounce(ctx: InboxContext<void>, announce: Announce): Promise<boolean> {
    const groupUri = announce.actorId?.href;
    if (!groupUri || !(await followedGroup(groupUri))) return false;
    // The Group wraps activities of others (FEP-1b12): take the embedded copy, then
    // check a post from another server against its author's own copy (as Mastodon
    // fetches a boosted status), so a Group cannot put words in anyone's mouth.
    const objectId = announce.objectId?.href;
    if (objectId && (await findPostByUri(db, objectId)))
      return skip(announce, "the announced post is already kept");
    const loader = await signedLoader(ctx);
    const inner = await announce
      .getObject({ documentLoader: loader, crossOrigin: "trust", suppressError: true })
      .catch(() => null);
    if (inner instanceof Create) {
      let object = await inner
        .getObject({ documentLoader: loader, crossOrigin: "trust", suppressError: true })
        .catch(() => null);
      if (object?.id && object.id.origin !== announce.actorId?.origin)
        object = await ctx.lookupObject(object.id, { documentLoader: loader }).catch(() => null);
      if (!isGroupPostObject(object)) return skip(announce, "the announced object is not a post");
      if (!(await addressedUris(inner, object)).includes(groupUri))
        return skip(announce, "the announced post is not addressed to the group");
      const fields = postFields(object);
      if (!fields || fields.authorUri !== inner.actorId?.href)
        return skip(announce, "the announced post's author is not its Create's actor");
      const mine = fields.authorUri.startsWith(`${deps.config.origin}/`);
      if (mine) return true; // our own member's post, already kept when written
      const author = await ensureActor(ctx, deps, new URL(fields.authorUri));
      if (!author) return skip(announce, "the announced post's author could not be fetched");
      const input = await groupPostInput(ctx, object, author, deps.clock);
      if (!input) return skip(announce, "the announced post could not be read");
      await receiveGroupPost(social, null, input, {
        uri: groupUri,
        groupId: null,
        activityJson: null,
      });
      return true;
    }
    if (inner instanceof Add || inner instanceof Remove) {
      if (
        inner.targetId?.href !== `${groupUri}/moderators` &&
        !inner.targetId?.href.startsWith(groupUri)
      )
        return skip(announce, "the Add/Remove is not about the group's moderators");
      const person = inner.objectId?.href;
      if (!person) return skip(announce, "the Add/Remove has no object");
      if (inner instanceof Add)
        await db
          .insertInto("remote_group_moderators")
          .values({ group_uri: groupUri, actor_uri: person, created_at: new Date().toISOString() })
          .onConflict((oc) => oc.columns(["group_uri", "actor_uri"]).doNothing())
          .execute();
      else
        await db
          .deleteFrom("remote_group_moderators")
          .where("group_uri", "=", groupUri)
          .where("actor_uri", "=", person)
          .execute();
      return true;
    }
    if (inner instanceof Delete) return onDelete(inner, groupUri);
    // The plain Announce of a post (sent for Mastodon alongside Announce{Create}) adds nothing.
    return skip(announce, "only announced Creates and moderator changes are kept");
  }

  /** A member co-op names (Add) or drops (Remove) a delegate in a federation hosted here. */
  async function onDelegate(add: Add | Remove): Promise<boolean> {
    const group = await localGroup(add.targetId?.href);
    if (!group) return false;
    if (!add.actorId || !add.objectId)
      return skip(add, "an Add/Remove needs an actor and an object");
    const result = await receiveDelegate(
      g,
      { uri: add.actorId.href },
      { group, delegateUri: add.objectId.href, add: add instanceof Add },
    );
    if (!result.ok) skip(add, result.reason);
    return true;
  }

  /**
   * A remote invitee's answer to our Invite (its id is /activities/{event id}
   * of the groups.member.invited event), or the answer to our co-op's Follow of
   * a federation elsewhere.
   */
  async function onAnswer(answer: Accept | Reject): Promise<boolean> {
    if (!answer.actorId) return false;
    const activities = `${deps.config.origin}/activities/`;
    const objectId = answer.objectId?.href;
    if (objectId?.startsWith(activities)) {
      const event = await db
        .selectFrom("outbox_events")
        .select("payload")
        .where("id", "=", objectId.slice(activities.length))
        .where("type", "=", "groups.member.invited")
        .executeTakeFirst();
      if (event) {
        const payload = JSON.parse(event.payload) as { groupId: string; memberId: string };
        const group = await findGroupById(db, payload.groupId);
        if (!group) return skip(answer, "the group is gone");
        const result = await receiveInviteAnswer(
          g,
          { uri: answer.actorId.href },
          { group, memberId: payload.memberId, accept: answer instanceof Accept },
        );
        logger.info("{actor} answers the invitation to {group}: {result}", {
          actor: answer.actorId.href,
          group: group.name,
          result: result.ok ? result.value : `ignored (${result.reason})`,
        });
        return true;
      }
    }
    return (
      await answerAffiliation(
        g,
        { uri: answer.actorId.href },
        { accepted: answer instanceof Accept },
      )
    ).ok;
  }

  return {
    onFollow,
    onUndo,
    onCreate,
    onDelete: (d: Delete) => onDelete(d),
    onAnnounce,
    onDelegate,
    onAnswer,
  };
}
