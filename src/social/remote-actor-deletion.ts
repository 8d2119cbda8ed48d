import { recordEvent } from "../db/outbox.ts";
import type { SocialContext } from "./context.ts";
import { bumpCount } from "./counters.ts";
import { recount } from "./polls.ts";
import { tombstone } from "./tombstone.ts";

const BATCH = 100;

export interface ForgottenActor {
  posts: number;
  boosts: number;
  likes: number;
  votes: number;
}

export async function forgetRemoteActor(
  s: Pick<SocialContext, "db" | "clock">,
  actorUri: string,
): Promise<ForgottenActor> {
  const { db } = s;
  const done: ForgottenActor = { posts: 0, boosts: 0, likes: 0, votes: 0 };
  // Boosts first: they are rows of posts too, and tombstoning is for the actor's own posts.
  for (;;) {
    const boosts = await db
      .selectFrom("posts")
      .select(["id", "reblog_of_id"])
      .where("author_uri", "=", actorUri)
      .where("local", "=", 0)
      .where("reblog_of_id", "is not", null)
      .limit(BATCH)
      .execute();
    if (boosts.length === 0) break;
    await db.transaction().execute(async (trx) => {
      for (const b of boosts) {
        await trx.deleteFrom("home_entries").where("post_id", "=", b.id).execute();
        await trx.deleteFrom("notifications").where("post_id", "=", b.id).execute();
        await trx.deleteFrom("posts").where("id", "=", b.id).execute();
        if (b.reblog_of_id) await bumpCount(trx, b.reblog_of_id, "reblogs_count", -1);
      }
    });
    done.boosts += boosts.length;
  }
  for (;;) {
    const posts = await db
      .selectFrom("posts")
      .select(["id", "in_reply_to_id"])
      .where("author_uri", "=", actorUri)
      .where("local", "=", 0)
      .where("deleted_at", "is", null)
      .limit(BATCH)
      .execute();
    if (posts.length === 0) break;
    await db.transaction().execute(async (trx) => {
      for (const p of posts) {
        await tombstone(trx, p.id, s.clock.now().toISOString());
        if (p.in_reply_to_id) await bumpCount(trx, p.in_reply_to_id, "replies_count", -1);
      }
    });
    done.posts += posts.length;
  }
  for (;;) {
    const likes = await db
      .selectFrom("likes")
      .select(["id", "post_id"])
      .where("actor_uri", "=", actorUri)
      .where("account_id", "is", null)
      .limit(BATCH)
      .execute();
    if (likes.length === 0) break;
    await db.transaction().execute(async (trx) => {
      for (const l of likes) {
        await trx.deleteFrom("likes").where("id", "=", l.id).execute();
        await bumpCount(trx, l.post_id, "likes_count", -1);
      }
    });
    done.likes += likes.length;
  }
  const polls = await db
    .selectFrom("poll_votes")
    .select("post_id")
    .distinct()
    .where("voter_uri", "=", actorUri)
    .where("account_id", "is", null)
    .execute();
  for (const poll of polls)
    await db.transaction().execute(async (trx) => {
      const r = await trx
        .deleteFrom("poll_votes")
        .where("post_id", "=", poll.post_id)
        .where("voter_uri", "=", actorUri)
        .executeTakeFirst();
      done.votes += Number(r.numDeletedRows);
      const stillThere = await trx
        .selectFrom("polls")
        .innerJoin("posts", "posts.id", "polls.post_id")
        .select(["polls.post_id", "posts.local"])
        .where("polls.post_id", "=", poll.post_id)
        .executeTakeFirst();
      if (!stillThere) return;
      await recount(trx, poll.post_id);
      // Our own poll: the other voters' servers hear the new counts (Update(Question)).
      if (stillThere.local)
        await recordEvent(trx, { type: "social.poll.updated", payload: { postId: poll.post_id } });
    });
  await db.deleteFrom("notifications").where("from_uri", "=", actorUri).execute();
  return done;
}
