/**
 * The groups' inbox handlers. The inbox's one dispatcher (federation/inbox.ts)
 * gives groups what `claims` says is addressed to a group: an activity whose
 * object, target, audience or addressee is a Group hosted here (Follow and
 * Undo(Follow) of it: join and leave; a Create of a post addressed to it: kept,
 * then announced to the members unchanged, FEP-1b12; Add/Remove of a delegate
 * by a member co-op of a federation), an Announce by a remote Group our members
 * or co-op follow (its redistribution of a post, an edit, a deletion or a change
 * of moderators), and the answers to what a Group here or our co-op asked
 * (Accept/Reject of an Invite, of the co-op's Follow of a federation). Everything
 * else goes to the social network; a handler here never hands an activity on.
 */
import type { InboxContext } from "@fedify/fedify";
import {
  Accept,
  type Activity,
  Add,
  Announce,
  Create,
  Delete,
  Follow,
  Reject,
  Remove,
  Undo,
  Update,
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
import { findPostByUri, receiveGroupPost } from "../../groups/threads.ts";
import { repliesLocked } from "../../media/locks.ts";
import { deleteRemotePost, updateRemotePost } from "../../social/remote-posts.ts";
import { type FederationDeps, socialContext } from "../deps.ts";
import { ensureActor, signedLoader } from "../lookup.ts";
import { groupsContextOf } from "./context.ts";
import {
  addressedUris,
  type GroupPostObject,
  groupPostInput,
  isGroupPostObject,
  postFields,
} from "./parse.ts";

const logger = getLogger(["synco", "federation", "groups"]);

function skip(activity: Activity, why: string): void {
  logger.info("Skipping {id}: {why}", { id: activity.id?.href ?? "(no id)", why });
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

  /** The group hosted here a Create's post is addressed to (audience, to/cc, a Mention). */
  async function addressedGroup(
    create: Create,
    object: GroupPostObject,
  ): Promise<Group | undefined> {
    for (const uri of await addressedUris(create, object)) {
      const group = await localGroup(uri);
      if (group) return group;
    }
    return undefined;
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

  /** The invitation an Accept/Reject answers: its object is our Invite's id (the event's). */
  async function invitationOf(answer: Accept | Reject) {
    const activities = `${deps.config.origin}/activities/`;
    const objectId = answer.objectId?.href;
    if (!objectId?.startsWith(activities)) return undefined;
    const event = await db
      .selectFrom("outbox_events")
      .select("payload")
      .where("id", "=", objectId.slice(activities.length))
      .where("type", "=", "groups.member.invited")
      .executeTakeFirst();
    return event ? (JSON.parse(event.payload) as { groupId: string; memberId: string }) : undefined;
  }

  /**
   * Is the activity the groups'? Decided once, by the actor it is addressed to or
   * comes from (see the module comment); nothing is written here.
   */
  async function claims(ctx: InboxContext<void>, activity: Activity): Promise<boolean> {
    if (activity instanceof Announce)
      return !!activity.actorId && followedGroup(activity.actorId.href);
    if (activity instanceof Follow) return !!(await localGroup(activity.objectId?.href));
    if (activity instanceof Undo) {
      const object = await objectOf(ctx, activity);
      return object instanceof Follow && !!(await localGroup(object.objectId?.href));
    }
    if (activity instanceof Create) {
      const object = await objectOf(ctx, activity);
      return isGroupPostObject(object) && !!(await addressedGroup(activity, object));
    }
    if (activity instanceof Add || activity instanceof Remove)
      return !!(await localGroup(activity.targetId?.href));
    if (activity instanceof Accept || activity instanceof Reject) {
      if (await invitationOf(activity)) return true;
      const actor = activity.actorId?.href;
      return (
        !!actor &&
        !!(await db
          .selectFrom("coop_affiliations")
          .select("id")
          .where("group_uri", "=", actor)
          .executeTakeFirst())
      );
    }
    return false;
  }

  async function onFollow(ctx: InboxContext<void>, follow: Follow): Promise<void> {
    const group = await localGroup(follow.objectId?.href);
    if (!group) return skip(follow, "its object is not a group here");
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
  }

  async function onUndo(ctx: InboxContext<void>, undo: Undo): Promise<void> {
    const object = await objectOf(ctx, undo);
    const group = object instanceof Follow ? await localGroup(object.objectId?.href) : undefined;
    if (!(object instanceof Follow) || !group) return skip(undo, "it undoes no Follow of a group");
    if (!undo.actorId || object.actorId?.href !== undo.actorId.href)
      return skip(undo, "the undone Follow is not its actor's");
    await receiveLeave(g, { uri: undo.actorId.href }, { group });
  }

  /** A post addressed to a group hosted here: kept, then announced by the Group. */
  async function onCreate(ctx: InboxContext<void>, create: Create): Promise<void> {
    const object = await objectOf(ctx, create);
    if (!isGroupPostObject(object)) return skip(create, "its object is not a post");
    const group = await addressedGroup(create, object);
    if (!group) return skip(create, "it is addressed to no group here");
    const fields = postFields(object);
    if (!fields || !create.actorId) return skip(create, "the post has no id or author");
    if (fields.authorUri !== create.actorId.href)
      return skip(create, "the post's author is not the actor");
    if (new URL(fields.uri).origin !== create.actorId.origin)
      return skip(create, "the post is not on its author's server");
    if (await isBanned(db, group.id, create.actorId.href))
      return skip(create, `${create.actorId.href} is banned from ${group.name}`);
    if (fields.inReplyToUri && (await repliesLocked(db, fields.inReplyToUri)))
      return skip(create, "comments on that article are locked");
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
  }

  /**
   * What an announcing Group says of a post: its object as its author's server has
   * it. The embedded copy is taken from the Group's own server; a post from another
   * server is fetched from there (as Mastodon fetches a boosted status), so a Group
   * cannot put words in anyone's mouth.
   */
  async function announcedPost(
    ctx: InboxContext<void>,
    groupUri: string,
    inner: Create | Update,
  ): Promise<GroupPostObject | null> {
    const loader = await signedLoader(ctx);
    let object = await inner
      .getObject({ documentLoader: loader, crossOrigin: "trust", suppressError: true })
      .catch(() => null);
    if (object?.id && object.id.origin !== new URL(groupUri).origin)
      object = await ctx.lookupObject(object.id, { documentLoader: loader }).catch(() => null);
    return isGroupPostObject(object) ? object : null;
  }

  /** A remote Group redistributes a post, an edit, a deletion or a change of its moderators (FEP-1b12). */
  async function onAnnounce(ctx: InboxContext<void>, announce: Announce): Promise<void> {
    const groupUri = announce.actorId?.href;
    if (!groupUri) return skip(announce, "it has no actor");
    const objectId = announce.objectId?.href;
    if (objectId && (await findPostByUri(db, objectId)))
      return skip(announce, "the announced post is already kept");
    const inner = await announce
      .getObject({
        documentLoader: await signedLoader(ctx),
        crossOrigin: "trust",
        suppressError: true,
      })
      .catch(() => null);
    if (inner instanceof Create || inner instanceof Update) {
      const object = await announcedPost(ctx, groupUri, inner);
      if (!object) return skip(announce, "the announced object is not a post");
      if (!(await addressedUris(inner, object)).includes(groupUri))
        return skip(announce, "the announced post is not addressed to the group");
      const fields = postFields(object);
      if (!fields || fields.authorUri !== inner.actorId?.href)
        return skip(announce, "the announced post's author is not its activity's actor");
      // Our own member's post: kept when written, edited here.
      if (fields.authorUri.startsWith(`${deps.config.origin}/`)) return;
      const author = await ensureActor(ctx, deps, new URL(fields.authorUri));
      if (!author) return skip(announce, "the announced post's author could not be fetched");
      const input = await groupPostInput(ctx, object, author, deps.clock);
      if (!input) return skip(announce, "the announced post could not be read");
      if (inner instanceof Update) {
        if (!(await updateRemotePost(social, input))) skip(announce, "no such post of that author");
        return;
      }
      await receiveGroupPost(social, null, input, {
        uri: groupUri,
        groupId: null,
        activityJson: null,
      });
      return;
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
          .values({
            group_uri: groupUri,
            actor_uri: person,
            created_at: deps.clock.now().toISOString(),
          })
          .onConflict((oc) => oc.columns(["group_uri", "actor_uri"]).doNothing())
          .execute();
      else
        await db
          .deleteFrom("remote_group_moderators")
          .where("group_uri", "=", groupUri)
          .where("actor_uri", "=", person)
          .execute();
      return;
    }
    if (inner instanceof Delete) {
      // The one Delete of posts (social/remote-posts.ts): its author's, or the Group's.
      // The Group vouches for its own posts only.
      const uri = inner.objectId?.href;
      const post = uri ? await findPostByUri(db, uri) : undefined;
      if (!uri || !post || post.audience_uri !== groupUri)
        return skip(announce, "the announcing Group is not the deleted post's");
      const actor = inner.actorId?.href === post.author_uri ? post.author_uri : groupUri;
      if (!(await deleteRemotePost(social, uri, actor))) skip(announce, "the post is not deleted");
      return;
    }
    // The plain Announce of a post (sent for Mastodon alongside Announce{Create}) adds nothing.
    skip(announce, "only announced posts, edits, deletions and moderator changes are kept");
  }

  /** A member co-op names (Add) or drops (Remove) a delegate in a federation hosted here. */
  async function onDelegate(add: Add | Remove): Promise<void> {
    const group = await localGroup(add.targetId?.href);
    if (!group) return skip(add, "its target is not a group here");
    if (!add.actorId || !add.objectId)
      return skip(add, "an Add/Remove needs an actor and an object");
    const result = await receiveDelegate(
      g,
      { uri: add.actorId.href },
      { group, delegateUri: add.objectId.href, add: add instanceof Add },
    );
    if (!result.ok) skip(add, result.reason);
  }

  /**
   * A remote invitee's answer to our Invite (its id is /activities/{event id}
   * of the groups.member.invited event), or the answer to our co-op's Follow of
   * a federation elsewhere.
   */
  async function onAnswer(answer: Accept | Reject): Promise<void> {
    if (!answer.actorId) return skip(answer, "it has no actor");
    const invitation = await invitationOf(answer);
    if (invitation) {
      const group = await findGroupById(db, invitation.groupId);
      if (!group) return skip(answer, "the group is gone");
      const result = await receiveInviteAnswer(
        g,
        { uri: answer.actorId.href },
        { group, memberId: invitation.memberId, accept: answer instanceof Accept },
      );
      logger.info("{actor} answers the invitation to {group}: {result}", {
        actor: answer.actorId.href,
        group: group.name,
        result: result.ok ? result.value : `ignored (${result.reason})`,
      });
      return;
    }
    const result = await answerAffiliation(
      g,
      { uri: answer.actorId.href },
      { accepted: answer instanceof Accept },
    );
    if (!result.ok) skip(answer, "it answers nothing of ours");
  }

  return { claims, onFollow, onUndo, onCreate, onAnnounce, onDelegate, onAnswer };
}
