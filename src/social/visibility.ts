/**
 * Who may see a post (Mastodon's rules): public and unlisted — anyone;
 * followers-only — the author, accepted followers and those mentioned;
 * direct — the author and those mentioned. Deleted posts, and posts of a
 * suspended author — nobody. `canSee` checks one post; `visibleTo` is the same
 * rule as a query filter, for anything that lists or counts posts (hashtags…).
 *
 * A group post (its audience is a Group) that is not public is for the group's
 * members: "followers" means the Group's followers, not the author's. Members of
 * a group hosted here are its active group_members (every active account, for the
 * assembly); of a group elsewhere, those whose Follow of it was accepted. A thread
 * the group's moderators hid is shown to them alone (and never listed), and so
 * are its replies: hiding is of the thread's first post, and a reply (here or
 * arriving later) would otherwise show what the moderators took down.
 */
import { type ExpressionBuilder, type Kysely, sql } from "kysely";
import type { Visibility } from "../db/schema/social.ts";
import type { Schema } from "../db/schema.ts";
import { isFollowing } from "./following.ts";

export interface ViewerRef {
  id: string;
  /** The viewer's actor URI. */
  uri: string;
}

/** What canSee needs of a post (select all of it: a missing audience would widen the rule). */
export interface PostAudience {
  id: string;
  visibility: Visibility;
  author_uri: string;
  deleted_at: string | null;
  audience_uri: string | null;
  group_id: string | null;
  hidden_at: string | null;
  /** A reply's thread: hidden with it. */
  thread_id: string;
  /**
   * Whether the author is suspended, when read with the post (one query fewer for a
   * single status); left out, canSee reads it.
   */
  author_suspended?: boolean;
}

/** The columns of PostAudience, for selects. */
export const audienceColumns = [
  "id",
  "visibility",
  "author_uri",
  "deleted_at",
  "audience_uri",
  "group_id",
  "hidden_at",
  "thread_id",
] as const;

export async function canSee(
  db: Kysely<Schema>,
  viewer: ViewerRef | null,
  post: PostAudience,
): Promise<boolean> {
  if (post.deleted_at) return false;
  if (post.hidden_at || (await inHiddenThread(db, post)))
    return !!viewer && (await moderatesGroup(db, viewer, post));
  // A suspended author's posts are hidden from everyone (moderation.ts).
  const suspended =
    post.author_suspended ??
    (await db
      .selectFrom("actor_limits")
      .select("level")
      .where("actor_uri", "=", post.author_uri)
      .where("level", "=", "suspend")
      .executeTakeFirst());
  if (suspended) return false;
  if (post.visibility === "public" || post.visibility === "unlisted") return true;
  if (!viewer) return false;
  if (post.author_uri === viewer.uri) return true;
  const mentioned = await db
    .selectFrom("post_mentions")
    .select("post_id")
    .where("post_id", "=", post.id)
    .where("actor_uri", "=", viewer.uri)
    .executeTakeFirst();
  if (mentioned) return true;
  if (post.visibility === "direct") return false;
  if (post.audience_uri) return isGroupMember(db, viewer, post);
  return isFollowing(db, viewer.uri, post.author_uri);
}

/** Is this group post a reply in a thread the group's moderators hid? */
async function inHiddenThread(db: Kysely<Schema>, post: PostAudience) {
  if (!post.audience_uri || post.thread_id === post.id) return false;
  const thread = await db
    .selectFrom("posts")
    .select("hidden_at")
    .where("id", "=", post.thread_id)
    .executeTakeFirst();
  return !!thread?.hidden_at;
}

/**
 * canSee for a post known by its id (a view, a stream event): reads its audience
 * first. `asBeforeDeletion`: who could see it before it was deleted (a tombstone
 * keeps its visibility, audience and mentions), so its delete event reaches them.
 */
export async function canSeeById(
  db: Kysely<Schema>,
  viewer: ViewerRef | null,
  id: string,
  options: { asBeforeDeletion?: boolean } = {},
): Promise<boolean> {
  const post = await db
    .selectFrom("posts")
    .select(audienceColumns)
    .where("id", "=", id)
    .executeTakeFirst();
  if (!post) return false;
  return canSee(db, viewer, options.asBeforeDeletion ? { ...post, deleted_at: null } : post);
}

/**
 * For a remote actor's signed fetch of a group post: the Group itself, an active
 * member of a group hosted here, or another actor of a member's server (a server
 * signs its fetches with its own instance actor, and is sent the group's posts
 * anyway; Mastodon serves a followers-only status to a server with followers
 * alike). A group elsewhere keeps its own roster: only the Group.
 */
export async function isGroupMemberActor(
  db: Kysely<Schema>,
  post: Pick<PostAudience, "audience_uri" | "group_id">,
  actorUri: string,
): Promise<boolean> {
  if (actorUri === post.audience_uri) return true;
  if (!post.group_id) return false;
  const origin = URL.canParse(actorUri) ? new URL(actorUri).origin : null;
  if (!origin || origin === "null") return false;
  const prefix = `${origin}/`.replace(/[\\%_]/g, (c) => `\\${c}`);
  const row = await db
    .selectFrom("group_members")
    .select("id")
    .where("group_id", "=", post.group_id)
    .where("status", "=", "active")
    .where((eb) =>
      eb.or([
        eb("actor_uri", "=", actorUri),
        eb("actor_uri", "like", sql<string>`${`${prefix}%`} escape '\\'`),
      ]),
    )
    .executeTakeFirst();
  return !!row;
}

type GroupRef = Pick<PostAudience, "audience_uri" | "group_id">;

/** Is the viewer an active member of the post's group (here, or followed elsewhere)? */
async function isGroupMember(db: Kysely<Schema>, viewer: ViewerRef, post: GroupRef) {
  if (!post.group_id) return isFollowing(db, viewer.uri, post.audience_uri as string);
  const group = await db
    .selectFrom("groups")
    .select("kind")
    .where("id", "=", post.group_id)
    .executeTakeFirst();
  if (group?.kind === "assembly") return activeAccount(db, viewer.id);
  const row = await db
    .selectFrom("group_members")
    .select("id")
    .where("group_id", "=", post.group_id)
    .where("actor_uri", "=", viewer.uri)
    .where("status", "=", "active")
    .executeTakeFirst();
  return !!row;
}

async function activeAccount(db: Kysely<Schema>, id: string) {
  const row = await db
    .selectFrom("accounts")
    .select("id")
    .where("id", "=", id)
    .where("status", "=", "active")
    .executeTakeFirst();
  return !!row;
}

/**
 * May the viewer moderate the post's group (hosted here)? Its admins and
 * moderators; in the assembly, the node's own, unless a row there says otherwise
 * (as groups/memberships.ts standingOf).
 */
async function moderatesGroup(db: Kysely<Schema>, viewer: ViewerRef, post: GroupRef) {
  if (!post.group_id) return false;
  const row = await db
    .selectFrom("group_members")
    .select("role")
    .where("group_id", "=", post.group_id)
    .where("actor_uri", "=", viewer.uri)
    .where("status", "=", "active")
    .executeTakeFirst();
  const moderating = (role: string | undefined) => role === "admin" || role === "moderator";
  if (row) return moderating(row.role);
  const group = await db
    .selectFrom("groups")
    .select("kind")
    .where("id", "=", post.group_id)
    .executeTakeFirst();
  if (group?.kind !== "assembly") return false;
  const account = await db
    .selectFrom("accounts")
    .select("role")
    .where("id", "=", viewer.id)
    .where("status", "=", "active")
    .executeTakeFirst();
  return moderating(account?.role);
}

type PostsEb = ExpressionBuilder<Schema & { p: Schema["posts"] }, "p">;

/** canSee as a filter on posts aliased `p`: a list or count built with it shows nothing canSee hides. */
export const visibleTo = (viewer: ViewerRef | null) => (eb: PostsEb) => {
  const everyone = eb("p.visibility", "in", ["public", "unlisted"]);
  const audience = viewer
    ? eb.or([
        everyone,
        eb("p.author_uri", "=", viewer.uri),
        eb.exists(
          eb
            .selectFrom("post_mentions as vm")
            .select("vm.post_id")
            .whereRef("vm.post_id", "=", "p.id")
            .where("vm.actor_uri", "=", viewer.uri),
        ),
        eb.and([
          eb("p.visibility", "=", "followers"),
          eb("p.audience_uri", "is", null),
          eb.exists(
            eb
              .selectFrom("follows as vf")
              .select("vf.id")
              .where("vf.follower_uri", "=", viewer.uri)
              .whereRef("vf.followee_uri", "=", "p.author_uri")
              .where("vf.status", "=", "accepted"),
          ),
        ]),
        eb.and([
          eb("p.visibility", "=", "followers"),
          eb("p.audience_uri", "is not", null),
          eb.or([
            // A group elsewhere: its accepted followers.
            eb.and([
              eb("p.group_id", "is", null),
              eb.exists(
                eb
                  .selectFrom("follows as vg")
                  .select("vg.id")
                  .where("vg.follower_uri", "=", viewer.uri)
                  .whereRef("vg.followee_uri", "=", "p.audience_uri")
                  .where("vg.status", "=", "accepted"),
              ),
            ]),
            // A group here: its active members; the assembly: every active account.
            eb.exists(
              eb
                .selectFrom("group_members as gm")
                .select("gm.id")
                .whereRef("gm.group_id", "=", "p.group_id")
                .where("gm.actor_uri", "=", viewer.uri)
                .where("gm.status", "=", "active"),
            ),
            eb.exists(
              eb
                .selectFrom("groups as ga")
                .innerJoin("accounts as aa", (j) => j.on("aa.id", "=", viewer.id))
                .select("ga.id")
                .whereRef("ga.id", "=", "p.group_id")
                .where("ga.kind", "=", "assembly")
                .where("aa.status", "=", "active"),
            ),
          ]),
        ]),
      ])
    : everyone;
  return eb.and([
    eb("p.deleted_at", "is", null),
    eb("p.hidden_at", "is", null),
    // Not a reply in a group's hidden thread.
    eb.or([
      eb("p.audience_uri", "is", null),
      eb.not(
        eb.exists(
          eb
            .selectFrom("posts as vt")
            .select("vt.id")
            .whereRef("vt.id", "=", "p.thread_id")
            .where("vt.hidden_at", "is not", null),
        ),
      ),
    ]),
    eb.not(
      eb.exists(
        eb
          .selectFrom("actor_limits as vl")
          .select("vl.level")
          .whereRef("vl.actor_uri", "=", "p.author_uri")
          .where("vl.level", "=", "suspend"),
      ),
    ),
    audience,
  ]);
};
