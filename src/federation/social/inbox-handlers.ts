/**
 * Inbox listeners of the social network: Create (posts, and votes on our polls),
 * Update (posts and polls), Delete (posts), Announce, Like, Undo of both, Flag
 * (reports) and Block. Fedify has verified the signature and that the signer is
 * the activity's actor; here the actor must also be the object's author, its
 * domain must be allowed to federate, and it must not be suspended.
 */
import type { InboxContext } from "@fedify/fedify";
import {
  type Activity,
  Announce,
  type Object as APObject,
  Article,
  type Block,
  type Create,
  type Delete,
  type Flag,
  Like,
  Note,
  Page,
  Question,
  type Undo,
  type Update,
} from "@fedify/vocab";
import { getLogger } from "@logtape/logtape";
import { receiveGroupPost } from "../../groups/threads.ts";
import { memberPrefix } from "../../kernel/uris.ts";
import { repliesLocked } from "../../media/locks.ts";
import { isSuspendedActor, receiveReport } from "../../social/moderation.ts";
import { receiveVote } from "../../social/polls.ts";
import {
  receiveBoost,
  receiveLike,
  receiveUndoBoost,
  receiveUndoLike,
} from "../../social/remote-interactions.ts";
import {
  deleteRemotePost,
  type RemotePostInput,
  storeRemotePost,
  updateRemotePost,
} from "../../social/remote-posts.ts";
import { type FederationDeps, socialContext } from "../deps.ts";
import { groupPostInput } from "../groups/parse.ts";
import { ensureActor, signedLoader } from "../lookup.ts";
import type { RemoteActor } from "../remote-actors.ts";
import { allowsFederation } from "./domain-policy.ts";
import { parseRemotePost } from "./parse.ts";

const logger = getLogger(["synco", "federation", "social"]);

function skip(activity: Activity, why: string): void {
  logger.info("Skipping {id}: {why}", { id: activity.id?.href ?? "(no id)", why });
}

type PostObject = Note | Article | Question | Page;
const isPost = (o: unknown): o is PostObject =>
  o instanceof Note || o instanceof Article || o instanceof Question || o instanceof Page;

export function socialInbox(deps: FederationDeps) {
  const { db } = deps.db;
  const s = socialContext(deps);

  /** The activity's actor may federate with us: its domain allowed, itself not suspended. */
  async function admitted(activity: Activity): Promise<boolean> {
    const actor = activity.actorId;
    if (!actor) return false;
    if (!(await allowsFederation(db, actor.host.toLowerCase()))) return false;
    return !(await isSuspendedActor(db, actor.href));
  }

  /** Is anyone here interested: a member follows the author, is mentioned, or the post replies to one we hold. */
  async function relevant(authorUri: string, object: PostObject, mentionUris: string[]) {
    // A group post elsewhere: its Group's members here count as followers.
    const followees = [authorUri, ...(object.audienceId ? [object.audienceId.href] : [])];
    const follower = await db
      .selectFrom("follows")
      .select("id")
      .where("followee_uri", "in", followees)
      .where("status", "=", "accepted")
      .where("follower_account_id", "is not", null)
      .limit(1)
      .executeTakeFirst();
    if (follower) return true;
    if (mentionUris.some((u) => u.startsWith(`${deps.config.origin}/`))) return true;
    const parent = object.replyTargetId
      ? await db
          .selectFrom("posts")
          .select("id")
          .where("uri", "=", object.replyTargetId.href)
          .executeTakeFirst()
      : undefined;
    return !!parent;
  }

  /**
   * A post read as the one model has it: a post with an `audience` (a Group
   * elsewhere, FEP-1b12: a group hosted here claims its own) keeps its kind, title
   * and Group; others are read as any post.
   */
  async function postInput(ctx: InboxContext<void>, object: PostObject, author: RemoteActor) {
    return object.audienceId
      ? groupPostInput(ctx, object, author, deps.clock)
      : parseRemotePost(ctx, object, author, deps.clock);
  }

  /** Keeps a post (once per URI); a group post stays in its Group. Null when not kept. */
  async function keep(object: PostObject, input: RemotePostInput): Promise<{ id: string } | null> {
    const group = object.audienceId?.href;
    if (!group) return storeRemotePost(s, input);
    // A post of a group hosted here is that group's (and arrives through it).
    if (group.startsWith(`${deps.config.origin}/`)) return null;
    const result = await receiveGroupPost(s, null, input, {
      uri: group,
      groupId: null,
      activityJson: null,
    });
    if (result === "no-parent") return null;
    return (
      (await db.selectFrom("posts").select("id").where("uri", "=", input.uri).executeTakeFirst()) ??
      null
    );
  }

  async function getObject(ctx: InboxContext<void>, activity: Activity): Promise<APObject | null> {
    return activity
      .getObject({ documentLoader: await signedLoader(ctx), suppressError: true })
      .catch(() => null);
  }

  async function onCreate(ctx: InboxContext<void>, create: Create) {
    if (!(await admitted(create))) return skip(create, "its actor or domain may not federate here");
    const object = await getObject(ctx, create);
    if (!isPost(object)) return skip(create, "only Notes, Articles and Questions are handled");
    if (object.attributionId?.href !== create.actorId?.href)
      return skip(create, "the object's author is not the actor");
    // A vote on one of our polls: a Note with a name, in reply to the Question, without content.
    if (
      object instanceof Note &&
      object.name &&
      object.replyTargetId &&
      !object.content &&
      object.id
    ) {
      const poll = await db
        .selectFrom("posts")
        .select("id")
        .where("uri", "=", object.replyTargetId.href)
        .where("local", "=", 1)
        .where("has_poll", "=", 1)
        .executeTakeFirst();
      if (poll) {
        const voter = await ensureActor(ctx, deps, create.actorId as URL);
        if (!voter) return skip(create, "its actor could not be fetched");
        const result = await receiveVote(s, {
          postId: poll.id,
          voterUri: voter.uri,
          remoteId: voter.id,
          optionName: object.name.toString(),
          uri: object.id.href,
        });
        if (!result.ok) skip(create, `vote refused: ${result.reason}`);
        return;
      }
    }
    const author = await ensureActor(ctx, deps, create.actorId as URL);
    if (!author) return skip(create, "its actor could not be fetched");
    const input = await postInput(ctx, object, author);
    if (!input) return skip(create, "the object has no id");
    if (new URL(input.uri).origin !== new URL(author.uri).origin)
      return skip(create, "the object is not on its author's server");
    if (
      !(await relevant(
        author.uri,
        object,
        input.mentions.map((m) => m.uri),
      ))
    )
      return skip(create, "nobody here follows or is mentioned");
    if (input.inReplyToUri && (await repliesLocked(db, input.inReplyToUri)))
      return skip(create, "comments on that article are locked");
    if (!(await keep(object, input))) skip(create, "a group post without its parent or group");
  }

  async function onUpdate(ctx: InboxContext<void>, update: Update, object: APObject | null) {
    if (!(await admitted(update))) return skip(update, "its actor or domain may not federate here");
    if (!isPost(object) || object.attributionId?.href !== update.actorId?.href)
      return skip(update, "only an author's own post may be updated");
    const author = await ensureActor(ctx, deps, update.actorId as URL);
    if (!author) return;
    const input = await postInput(ctx, object, author);
    // As received, for the Group to announce when the post is a group's here (FEP-1b12).
    const activityJson = object.audienceId ? JSON.stringify(await update.toJsonLd()) : undefined;
    if (!input || !(await updateRemotePost(s, input, { activityJson })))
      skip(update, "no such post of that author");
  }

  async function onDelete(_ctx: InboxContext<void>, del: Delete) {
    if (!del.actorId || !del.objectId) return skip(del, "it needs an actor and an object");
    if (!(await deleteRemotePost(s, del.objectId.href, del.actorId.href)))
      skip(del, "no such post of that actor");
  }

  async function onAnnounce(ctx: InboxContext<void>, announce: Announce) {
    if (!announce.id || !announce.objectId || !announce.actorId)
      return skip(announce, "it needs an id, actor and object");
    if (!(await admitted(announce)))
      return skip(announce, "its actor or domain may not federate here");
    let post = await db
      .selectFrom("posts")
      .select("id")
      .where("uri", "=", announce.objectId.href)
      .executeTakeFirst();
    const booster = await ensureActor(ctx, deps, announce.actorId);
    if (!booster) return skip(announce, "its actor could not be fetched");
    if (!post) {
      // A post we do not hold: fetched and kept only if someone here follows the booster.
      const followed = await db
        .selectFrom("follows")
        .select("id")
        .where("followee_uri", "=", booster.uri)
        .where("status", "=", "accepted")
        .limit(1)
        .executeTakeFirst();
      if (!followed) return skip(announce, "nobody here follows the booster");
      const object = await getObject(ctx, announce);
      if (!isPost(object) || !object.attributionId)
        return skip(announce, "its object is not a post");
      const author = await ensureActor(ctx, deps, object.attributionId);
      if (!author || !(await allowsFederation(db, new URL(author.uri).host)))
        return skip(announce, "its author is unknown or refused");
      const input = await postInput(ctx, object, author);
      if (!input || new URL(input.uri).origin !== new URL(author.uri).origin)
        return skip(announce, "its object is not on its author's server");
      const kept = await keep(object, input);
      if (!kept) return skip(announce, "a group post without its parent or group");
      post = kept;
    }
    await receiveBoost(db, {
      uri: announce.id.href,
      actorUri: booster.uri,
      actorRemoteId: booster.id,
      postId: post.id,
      createdAt: announce.published
        ? new Date(announce.published.toString()).toISOString()
        : deps.clock.now().toISOString(),
    });
  }

  async function onLike(ctx: InboxContext<void>, like: Like) {
    if (!like.id || !like.objectId || !like.actorId)
      return skip(like, "it needs an id, actor and object");
    if (!(await admitted(like))) return skip(like, "its actor or domain may not federate here");
    const post = await db
      .selectFrom("posts")
      .select("id")
      .where("uri", "=", like.objectId.href)
      .where("local", "=", 1)
      .executeTakeFirst();
    if (!post) return skip(like, "not a post of ours");
    const actor = await ensureActor(ctx, deps, like.actorId);
    if (!actor) return skip(like, "its actor could not be fetched");
    await receiveLike(s, {
      uri: like.id.href,
      actorUri: actor.uri,
      actorRemoteId: actor.id,
      postId: post.id,
    });
  }

  async function onUndo(_ctx: InboxContext<void>, undo: Undo, object: APObject | null) {
    const actor = undo.actorId?.href;
    if (!actor) return skip(undo, "it has no actor");
    const id = object?.id?.href ?? undo.objectId?.href ?? null;
    if (object instanceof Announce || (!object && id)) {
      if (id && (await receiveUndoBoost(db, id, actor))) return;
    }
    if (object instanceof Like || (!object && id)) {
      const objectUri = object instanceof Like ? (object.objectId?.href ?? null) : null;
      if (await receiveUndoLike(db, { uri: id, actorUri: actor, objectUri })) return;
      if (objectUri && (await receiveUndoLike(db, { uri: null, actorUri: actor, objectUri })))
        return;
    }
    skip(undo, "nothing to undo");
  }

  /** Flag: a report from another server's moderators (Mastodon sends it from its instance actor). */
  async function onFlag(_ctx: InboxContext<void>, flag: Flag) {
    if (!flag.id || !flag.actorId) return skip(flag, "it needs an id and an actor");
    if (!(await admitted(flag))) return skip(flag, "its actor or domain may not federate here");
    const objects = flag.objectIds.map((u) => u.href);
    const prefix = memberPrefix(deps.config.origin);
    const target = objects.find((u) => u.startsWith(prefix));
    const posts = await db
      .selectFrom("posts")
      .select(["id", "author_uri"])
      .where("uri", "in", objects.length ? objects : [""])
      .execute();
    const targetUri = target ?? posts[0]?.author_uri;
    if (!targetUri) return skip(flag, "it is about nobody here");
    await receiveReport(s, {
      uri: flag.id.href,
      reporterUri: flag.actorId.href,
      targetUri,
      postIds: posts.map((p) => p.id),
      comment: flag.content?.toString() ?? "",
    });
  }

  /** Block of a member: follows between the two end (Mastodon does the same). */
  async function onBlock(_ctx: InboxContext<void>, block: Block) {
    const actor = block.actorId?.href;
    const target = block.objectId?.href;
    if (!actor || !target?.startsWith(memberPrefix(deps.config.origin)))
      return skip(block, "it is not about a member here");
    await db
      .deleteFrom("follows")
      .where((eb) =>
        eb.or([
          eb.and([eb("follower_uri", "=", actor), eb("followee_uri", "=", target)]),
          eb.and([eb("follower_uri", "=", target), eb("followee_uri", "=", actor)]),
        ]),
      )
      .execute();
  }

  return { onCreate, onUpdate, onDelete, onAnnounce, onLike, onUndo, onFlag, onBlock, admitted };
}

export type SocialInbox = ReturnType<typeof socialInbox>;
