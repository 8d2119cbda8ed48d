/**
 * Polls as Mastodon makes them: 2–4 options, one choice (oneOf) or several
 * (anyOf), an end time between 5 minutes and a month. Each voter votes once
 * (anyOf: once per option). A member's vote on another server's poll is counted
 * here at once and sent to that server alone (social.poll.voted → a Note with `name`);
 * votes on our polls change the counts, which go out as Update(Question).
 */
import type { Kysely } from "kysely";
import { locksRows } from "../accounts/locking.ts";
import { recordEvent } from "../db/outbox.ts";
import type { Schema } from "../db/schema.ts";
import { type Clock, systemClock } from "../kernel/clock.ts";
import { fail, ok, type Result } from "../kernel/errors.ts";
import { newId } from "../kernel/ids.ts";
import { memberUri, voteUri } from "../kernel/uris.ts";
import type { Member, SocialContext } from "./context.ts";
import { notify } from "./notifications.ts";
import { canSee } from "./visibility.ts";

export const MAX_POLL_OPTIONS = 4;
export const MAX_POLL_OPTION_LENGTH = 50;
export const MIN_POLL_SECONDS = 300;
export const MAX_POLL_SECONDS = 30 * 24 * 3600;

export interface NewPoll {
  options: string[];
  multiple: boolean;
  expiresInSeconds: number;
}

export interface PollOption {
  title: string;
  votes: number;
}

export function validatePoll(poll: NewPoll): boolean {
  const titles = poll.options.map((o) => o.trim());
  return (
    titles.length >= 2 &&
    titles.length <= MAX_POLL_OPTIONS &&
    titles.every((t) => t.length > 0 && t.length <= MAX_POLL_OPTION_LENGTH) &&
    new Set(titles).size === titles.length &&
    Number.isInteger(poll.expiresInSeconds) &&
    poll.expiresInSeconds >= MIN_POLL_SECONDS &&
    poll.expiresInSeconds <= MAX_POLL_SECONDS
  );
}

export async function insertPoll(
  trx: Kysely<Schema>,
  postId: string,
  poll: NewPoll,
  // Defaulted only for social/posts.ts, being rewritten elsewhere: pass the context's clock.
  clock: Clock = systemClock,
): Promise<void> {
  await trx
    .insertInto("polls")
    .values({
      post_id: postId,
      multiple: poll.multiple ? 1 : 0,
      options: JSON.stringify(poll.options.map((o) => ({ title: o.trim(), votes: 0 }))),
      expires_at: new Date(clock.now().getTime() + poll.expiresInSeconds * 1000).toISOString(),
      closed_at: null,
    })
    .execute();
}

export const parseOptions = (json: string): PollOption[] => JSON.parse(json) as PollOption[];

export function isClosed(
  poll: { expires_at: string | null; closed_at: string | null },
  now = Date.now(),
) {
  return !!poll.closed_at || (!!poll.expires_at && Date.parse(poll.expires_at) <= now);
}

/**
 * Votes on one poll are taken one at a time: on PostgreSQL the poll's row is
 * locked first, so two votes of one actor arriving together cannot both pass
 * the "already voted" check (SQLite has one connection, hence one writer).
 */
async function lockPoll(trx: Kysely<Schema>, postId: string): Promise<void> {
  if (locksRows(trx))
    await trx
      .selectFrom("polls")
      .select("post_id")
      .where("post_id", "=", postId)
      .forUpdate()
      .execute();
}

export type VoteProblem = "not-found" | "closed" | "already-voted" | "bad-choice" | "own-poll";

/** A member votes on a poll here or elsewhere. */
export async function vote(
  s: SocialContext,
  voter: Member,
  postId: string,
  choices: number[],
): Promise<Result<{ voteIds: string[] }, VoteProblem>> {
  const voterUri = memberUri(s.origin, voter.username);
  return s.db.transaction().execute(async (trx) => {
    await lockPoll(trx, postId);
    const post = await trx
      .selectFrom("posts")
      .innerJoin("polls", "polls.post_id", "posts.id")
      .select([
        "posts.id",
        "posts.visibility",
        "posts.author_uri",
        "posts.deleted_at",
        "posts.local",
        "posts.audience_uri",
        "posts.group_id",
        "posts.hidden_at",
        "polls.multiple",
        "polls.options",
        "polls.expires_at",
        "polls.closed_at",
      ])
      .where("posts.id", "=", postId)
      .executeTakeFirst();
    if (!post || !(await canSee(trx, { id: voter.id, uri: voterUri }, post)))
      return fail("not-found" as const);
    if (post.author_uri === voterUri) return fail("own-poll" as const);
    if (isClosed(post, s.clock.now().getTime())) return fail("closed" as const);
    const options = parseOptions(post.options);
    const unique = [...new Set(choices)];
    if (
      unique.length === 0 ||
      (post.multiple === 0 && unique.length !== 1) ||
      unique.some((c) => !Number.isInteger(c) || c < 0 || c >= options.length)
    )
      return fail("bad-choice" as const);
    const voted = await trx
      .selectFrom("poll_votes")
      .select("id")
      .where("post_id", "=", postId)
      .where("voter_uri", "=", voterUri)
      .executeTakeFirst();
    if (voted) return fail("already-voted" as const);
    const voteIds: string[] = [];
    for (const choice of unique) {
      const id = newId();
      voteIds.push(id);
      await trx
        .insertInto("poll_votes")
        .values({
          id,
          post_id: postId,
          choice,
          voter_uri: voterUri,
          account_id: voter.id,
          remote_id: null,
          uri: voteUri(s.origin, id),
          created_at: s.clock.now().toISOString(),
        })
        .execute();
    }
    await recount(trx, postId);
    if (post.local) await recordEvent(trx, { type: "social.poll.updated", payload: { postId } });
    else await recordEvent(trx, { type: "social.poll.voted", payload: { postId, voteIds } });
    return ok({ voteIds });
  });
}

/** Counts from the votes table, so a repeated vote can never count twice. */
export async function recount(trx: Kysely<Schema>, postId: string): Promise<void> {
  const poll = await trx
    .selectFrom("polls")
    .select("options")
    .where("post_id", "=", postId)
    .executeTakeFirstOrThrow();
  const rows = await trx
    .selectFrom("poll_votes")
    .select(["choice", "voter_uri"])
    .where("post_id", "=", postId)
    .execute();
  const options = parseOptions(poll.options).map((o, i) => ({
    ...o,
    votes: rows.filter((r) => r.choice === i).length,
  }));
  await trx
    .updateTable("polls")
    .set({
      options: JSON.stringify(options),
      voters_count: new Set(rows.map((r) => r.voter_uri)).size,
    })
    .where("post_id", "=", postId)
    .execute();
}

/**
 * A remote actor's vote on one of our polls: a Note whose `name` is an option's
 * title, in reply to the Question (Mastodon's ActivityPub::Activity::Create#poll_vote!).
 */
export async function receiveVote(
  s: SocialContext,
  input: { postId: string; voterUri: string; remoteId: string; optionName: string; uri: string },
): Promise<Result<null, VoteProblem>> {
  return s.db.transaction().execute(async (trx) => {
    await lockPoll(trx, input.postId);
    const poll = await trx
      .selectFrom("polls")
      .innerJoin("posts", "posts.id", "polls.post_id")
      .select([
        "polls.options",
        "polls.multiple",
        "polls.expires_at",
        "polls.closed_at",
        "posts.local",
        "posts.deleted_at",
      ])
      .where("polls.post_id", "=", input.postId)
      .executeTakeFirst();
    if (!poll?.local || poll.deleted_at) return fail("not-found" as const);
    if (isClosed(poll, s.clock.now().getTime())) return fail("closed" as const);
    const choice = parseOptions(poll.options).findIndex((o) => o.title === input.optionName);
    if (choice < 0) return fail("bad-choice" as const);
    const previous = await trx
      .selectFrom("poll_votes")
      .select(["choice", "uri"])
      .where("post_id", "=", input.postId)
      .where("voter_uri", "=", input.voterUri)
      .execute();
    if (previous.some((p) => p.choice === choice || p.uri === input.uri))
      return fail("already-voted" as const);
    if (poll.multiple === 0 && previous.length > 0) return fail("already-voted" as const);
    await trx
      .insertInto("poll_votes")
      .values({
        id: newId(),
        post_id: input.postId,
        choice,
        voter_uri: input.voterUri,
        account_id: null,
        remote_id: input.remoteId,
        uri: input.uri,
        created_at: s.clock.now().toISOString(),
      })
      .execute();
    await recount(trx, input.postId);
    await recordEvent(trx, { type: "social.poll.updated", payload: { postId: input.postId } });
    return ok(null);
  });
}

/** Update(Question) from a poll's server: its counts and whether it closed. */
export async function receivePollUpdate(
  db: Kysely<Schema>,
  postId: string,
  update: {
    options: PollOption[];
    votersCount: number | null;
    closedAt: string | null;
    expiresAt: string | null;
  },
): Promise<void> {
  const poll = await db
    .selectFrom("polls")
    .select("options")
    .where("post_id", "=", postId)
    .executeTakeFirst();
  if (!poll) return;
  const known = parseOptions(poll.options);
  // Only counts of options we know by title change; the options themselves do not.
  const options = known.map((o) => ({
    ...o,
    votes: update.options.find((u) => u.title === o.title)?.votes ?? o.votes,
  }));
  await db
    .updateTable("polls")
    .set({
      options: JSON.stringify(options),
      ...(update.votersCount !== null ? { voters_count: update.votersCount } : {}),
      ...(update.closedAt ? { closed_at: update.closedAt } : {}),
      ...(update.expiresAt ? { expires_at: update.expiresAt } : {}),
    })
    .where("post_id", "=", postId)
    .execute();
}

/**
 * Polls whose time is up: the author (if a member) and the members who voted
 * are notified once; our own polls go out a last time as Update(Question) with
 * `closed`. Run periodically by the worker.
 */
export async function closeEndedPolls(
  db: Kysely<Schema>,
  // Defaulted only for web/social/pages.ts, being rewritten elsewhere: pass the node's clock.
  clock: Clock = systemClock,
): Promise<number> {
  const now = clock.now();
  const due = await db
    .selectFrom("polls")
    .innerJoin("posts", "posts.id", "polls.post_id")
    .select([
      "polls.post_id",
      "polls.expires_at",
      "polls.closed_at",
      "posts.author_account_id",
      "posts.author_uri",
      "posts.author_remote_id",
      "posts.local",
    ])
    .where("polls.ended_notified", "=", 0)
    .where((eb) =>
      eb.or([
        eb("polls.expires_at", "<=", now.toISOString()),
        eb("polls.closed_at", "is not", null),
      ]),
    )
    .limit(100)
    .execute();
  for (const poll of due) {
    await db.transaction().execute(async (trx) => {
      const claimed = await trx
        .updateTable("polls")
        .set({ ended_notified: 1, closed_at: poll.closed_at ?? poll.expires_at })
        .where("post_id", "=", poll.post_id)
        .where("ended_notified", "=", 0)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) === 0) return;
      const from = {
        type: "poll" as const,
        fromUri: poll.author_uri,
        fromAccountId: null,
        fromRemoteId: poll.author_remote_id,
        postId: poll.post_id,
      };
      if (poll.author_account_id)
        await notify(trx, { accountId: poll.author_account_id, ...from }, clock);
      const voters = await trx
        .selectFrom("poll_votes")
        .select("account_id")
        .distinct()
        .where("post_id", "=", poll.post_id)
        .where("account_id", "is not", null)
        .execute();
      for (const v of voters)
        if (v.account_id) await notify(trx, { accountId: v.account_id, ...from }, clock);
      if (poll.local)
        await recordEvent(trx, { type: "social.poll.updated", payload: { postId: poll.post_id } });
    });
  }
  return due.length;
}
