/**
 * A group on another node, as this node knows it once a member follows it: the
 * Group and an author as remote actors, the member's accepted Follow, and posts
 * the Group announced, stored by the groups capability (receiveGroupPost) as its
 * inbox stores them. No server answers for it: nothing here is fetched.
 */
import assert from "node:assert/strict";
import type { Visibility } from "../../src/db/schema/social.ts";
import { receiveGroupPost } from "../../src/groups/threads.ts";
import { newId } from "../../src/kernel/ids.ts";
import { socialOf, type TestNode } from "./node.ts";

export interface RemoteGroup {
  uri: string;
  /** user@host, as its list id (`group:` + handle) spells it. */
  handle: string;
  /** Stores a thread (or, with inReplyToUri, a reply) the Group announced; returns its id. */
  post(input: {
    text: string;
    title?: string;
    visibility?: Visibility;
    inReplyToUri?: string;
    tags?: string[];
  }): Promise<{ id: string; uri: string }>;
}

export async function followedRemoteGroup(
  node: TestNode,
  host: string,
  name: string,
  follower: { id: string; username: string },
): Promise<RemoteGroup> {
  const db = node.node.db.db;
  const now = new Date().toISOString();
  const actor = async (uri: string, type: string, username: string, displayName: string) => {
    const id = newId();
    await db
      .insertInto("remote_actors")
      .values({
        id,
        uri,
        handle: `${username}@${host}`,
        type,
        username,
        host,
        name: displayName,
        url: null,
        avatar_url: null,
        inbox_url: `${uri}/inbox`,
        shared_inbox_url: null,
        followers_url: null,
        following_url: null,
        fetched_at: now,
        created_at: now,
      })
      .execute();
    return id;
  };
  const uri = `http://${host}/c/${name}`;
  const groupId = await actor(uri, "Group", name, `The ${name}`);
  const authorUri = `http://${host}/u/ann`;
  const authorId = await actor(authorUri, "Person", "ann", "Ann");
  await db
    .insertInto("follows")
    .values({
      id: newId(),
      follower_uri: `${node.url}/users/${follower.username}`,
      followee_uri: uri,
      follower_account_id: follower.id,
      follower_remote_id: null,
      followee_account_id: null,
      followee_remote_id: groupId,
      status: "accepted",
      activity_uri: `${node.url}/follows/${newId()}`,
      created_at: now,
      accepted_at: now,
    })
    .execute();
  let n = 0;
  return {
    uri,
    handle: `${name}@${host}`,
    async post(input) {
      const postUri = `http://${host}/post/${name}-${++n}`;
      const stored = await receiveGroupPost(
        socialOf(node),
        null,
        {
          uri: postUri,
          url: null,
          authorUri,
          authorRemoteId: authorId,
          visibility: input.visibility ?? "followers",
          inReplyToUri: input.inReplyToUri ?? null,
          contentHtml: `<p>${input.text}</p>`,
          spoiler: "",
          sensitive: false,
          language: null,
          createdAt: new Date().toISOString(),
          editedAt: null,
          mentions: [],
          tags: input.tags ?? [],
          media: [],
          poll: null,
          kind: input.inReplyToUri ? "note" : "page",
          title: input.title ?? "",
        },
        { uri, groupId: null, activityJson: null },
      );
      assert.equal(stored, "stored");
      const row = await db
        .selectFrom("posts")
        .select("id")
        .where("uri", "=", postUri)
        .executeTakeFirstOrThrow();
      return { id: row.id, uri: postUri };
    },
  };
}
