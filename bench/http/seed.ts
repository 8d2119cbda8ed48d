/**
 * The data of the HTTP bench (issue 24): 20 members and 980 remote actors; each
 * member follows 150 of them; `posts` posts (100,000 by default) with their home
 * entries, among them boosts, replies, polls, images, mentions and hashtags, as a
 * real home timeline holds; notifications, likes and bookmarks of the viewer (m0);
 * and an API token and a web session for m0. Written straight into the tables,
 * in batches, as fan-out on write would have left them.
 */
import { sql } from "kysely";
import { createAccount } from "../../src/accounts/accounts.ts";
import { createSession } from "../../src/accounts/sessions.ts";
import { createApp, issueToken } from "../../src/api/oauth/store.ts";
import { createNode } from "../../src/app.ts";
import type { Config } from "../../src/config.ts";
import { systemClock } from "../../src/kernel/clock.ts";
import { newId } from "../../src/kernel/ids.ts";

const MEMBERS = 20;
const REMOTE = 980;
const FOLLOWS_PER_MEMBER = 150;
const BATCH = 400;

export interface Seeded {
  token: string;
  cookie: string;
  viewerId: string;
  /** A post with a poll and an image, in the viewer's home timeline. */
  statusId: string;
  /** A member followed by the viewer, whose statuses the bench reads. */
  accountId: string;
  seconds: number;
}

export async function seed(config: Config, posts: number): Promise<Seeded> {
  const started = performance.now();
  const node = await createNode(config);
  const db = node.db.db;
  const origin = config.origin;
  let clock = Date.parse("2026-01-01T00:00:00Z");
  // Creation times one second apart, in the order of the (time-ordered) ids.
  const at = () => {
    clock += 1000;
    return new Date(clock).toISOString();
  };
  let seedValue = 42;
  const rand = () => {
    seedValue = (seedValue * 1103515245 + 12345) & 0x7fffffff;
    return seedValue / 0x7fffffff;
  };

  const members: { id: string; username: string; uri: string }[] = [];
  for (let i = 0; i < MEMBERS; i++) {
    const r = await createAccount(
      db,
      { username: `m${i}`, email: `m${i}@bench.example`, password: "long enough", role: "member" },
      { passwordCost: 8 },
    );
    if (!r.ok) throw new Error(r.reason);
    members.push({ id: r.value.id, username: `m${i}`, uri: `${origin}/users/m${i}` });
  }
  const remotes: { id: string; uri: string; handle: string }[] = [];
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < REMOTE; i++) {
      const id = newId();
      const host = `r${i % 50}.example`;
      const uri = `https://${host}/users/u${i}`;
      remotes.push({ id, uri, handle: `u${i}@${host}` });
      await trx
        .insertInto("remote_actors")
        .values({
          id,
          uri,
          handle: `u${i}@${host}`,
          type: "Person",
          username: `u${i}`,
          host,
          name: `Remote ${i}`,
          summary: `<p>Baker number ${i} at a co-op bakery.</p>`,
          inbox_url: `${uri}/inbox`,
          avatar_url: `https://${host}/avatars/u${i}.png`,
          fetched_at: at(),
          created_at: at(),
        })
        .execute();
    }
  });
  const authors = [
    ...members.map((m) => ({ uri: m.uri, accountId: m.id, remoteId: null as string | null })),
    ...remotes.map((r) => ({ uri: r.uri, accountId: null as string | null, remoteId: r.id })),
  ];
  const byUri = new Map(authors.map((a) => [a.uri, a]));
  const viewer = members[0] as (typeof members)[number];
  const followed = new Map<string, Set<string>>();
  await db.transaction().execute(async (trx) => {
    for (const m of members) {
      const set = new Set<string>();
      // The viewer follows the other members (the account the bench reads among them).
      if (m === viewer) for (const o of members.slice(1)) set.add(o.uri);
      while (set.size < FOLLOWS_PER_MEMBER) {
        const a = authors[Math.floor(rand() * authors.length)];
        if (a && a.uri !== m.uri) set.add(a.uri);
      }
      followed.set(m.id, set);
      const rows = [...set].map((uri) => {
        const a = byUri.get(uri);
        return {
          id: newId(),
          follower_uri: m.uri,
          followee_uri: uri,
          follower_account_id: m.id,
          follower_remote_id: null,
          followee_account_id: a?.accountId ?? null,
          followee_remote_id: a?.remoteId ?? null,
          status: "accepted" as const,
          activity_uri: `${origin}/follows/${newId()}`,
          created_at: at(),
          accepted_at: at(),
        };
      });
      for (let i = 0; i < rows.length; i += 50)
        await trx
          .insertInto("follows")
          .values(rows.slice(i, i + 50))
          .execute();
    }
  });

  const recent: string[] = [];
  let statusId = "";
  for (let start = 0; start < posts; start += BATCH) {
    await db.transaction().execute(async (trx) => {
      const rows = [];
      const entries = [];
      const tags = [];
      const media = [];
      const polls = [];
      const mentions = [];
      for (let i = start; i < Math.min(posts, start + BATCH); i++) {
        const a = authors[Math.floor(rand() * authors.length)] as (typeof authors)[number];
        const id = newId();
        const kind = rand();
        // 10 % boosts of a recent post, 10 % replies; the rest new posts.
        const boostOf =
          kind < 0.1 && recent.length ? recent[Math.floor(rand() * recent.length)] : null;
        const replyTo =
          !boostOf && kind < 0.2 && recent.length
            ? recent[Math.floor(rand() * recent.length)]
            : null;
        const created = at();
        rows.push({
          id,
          uri: a.accountId ? `${origin}/posts/${id}` : `${a.uri}/statuses/${i}`,
          url: null,
          author_uri: a.uri,
          author_account_id: a.accountId,
          author_remote_id: a.remoteId,
          local: a.accountId ? 1 : 0,
          visibility: rand() < 0.9 ? ("public" as const) : ("unlisted" as const),
          in_reply_to_id: replyTo ?? null,
          in_reply_to_uri: null,
          thread_id: replyTo ?? id,
          reblog_of_id: boostOf ?? null,
          source: "",
          content_html: boostOf
            ? ""
            : `<p>Post number ${i}: bread, cooperatives and the weather. <a href="https://bench.example/tags/bread" class="mention hashtag" rel="tag">#<span>bread</span></a></p>`,
          spoiler: "",
          sensitive: 0,
          language: "en",
          has_poll: 0,
          replies_count: 0,
          reblogs_count: 0,
          likes_count: Math.floor(rand() * 5),
          created_at: created,
          edited_at: null,
          deleted_at: null,
        });
        if (!boostOf) {
          recent.push(id);
          if (recent.length > 200) recent.shift();
          if (i % 10 === 0) tags.push({ post_id: id, tag: "bread" });
          const extra = rand();
          if (extra < 0.08) {
            rows[rows.length - 1] = { ...(rows.at(-1) as (typeof rows)[number]), has_poll: 1 };
            polls.push({
              post_id: id,
              multiple: 0,
              options: JSON.stringify([
                { title: "Rye", votes: 3 },
                { title: "Spelt", votes: 5 },
              ]),
              voters_count: 8,
              expires_at: "2030-01-01T00:00:00.000Z",
              closed_at: null,
            });
          }
          if (extra < 0.04 || (extra > 0.5 && extra < 0.6))
            media.push({
              id: newId(),
              post_id: id,
              position: 0,
              upload_id: null,
              remote_url: `https://r1.example/media/${id}.jpg`,
              media_type: "image/jpeg",
              description: "A loaf of rye",
              width: 800,
              height: 600,
              focus: null,
            });
          if (extra > 0.8 && extra < 0.9) {
            const who = rand() < 0.5 ? viewer : members[1 + Math.floor(rand() * (MEMBERS - 1))];
            if (who)
              mentions.push({
                post_id: id,
                actor_uri: who.uri,
                account_id: who.id,
                remote_id: null,
                handle: `${who.username}@${config.domain}`,
              });
          }
          if (extra < 0.04 && a.uri !== viewer.uri && followed.get(viewer.id)?.has(a.uri))
            statusId = id;
        }
        for (const m of members)
          if (followed.get(m.id)?.has(a.uri) || a.accountId === m.id)
            entries.push({ account_id: m.id, post_id: id });
      }
      await trx.insertInto("posts").values(rows).execute();
      if (entries.length) await trx.insertInto("home_entries").values(entries).execute();
      if (tags.length) await trx.insertInto("post_tags").values(tags).execute();
      if (media.length) await trx.insertInto("post_media").values(media).execute();
      if (polls.length) await trx.insertInto("polls").values(polls).execute();
      if (mentions.length) await trx.insertInto("post_mentions").values(mentions).execute();
    });
  }

  // The viewer's notifications (mentions, likes, boosts, follows), likes and bookmarks.
  const mine = await db
    .selectFrom("posts")
    .select("id")
    .where("author_uri", "=", viewer.uri)
    .where("reblog_of_id", "is", null)
    .orderBy("id", "desc")
    .limit(200)
    .execute();
  await db.transaction().execute(async (trx) => {
    const notes = [];
    for (let i = 0; i < 1000; i++) {
      const r = remotes[Math.floor(rand() * remotes.length)] as (typeof remotes)[number];
      const type = (["mention", "favourite", "reblog", "follow"] as const)[i % 4] ?? "follow";
      notes.push({
        id: newId(),
        account_id: viewer.id,
        type,
        from_uri: r.uri,
        from_account_id: null,
        from_remote_id: r.id,
        post_id: type === "follow" ? null : (mine[i % Math.max(1, mine.length)]?.id ?? null),
        created_at: at(),
      });
    }
    for (let i = 0; i < notes.length; i += 100)
      await trx
        .insertInto("notifications")
        .values(notes.slice(i, i + 100))
        .execute();
    const home = await trx
      .selectFrom("home_entries")
      .select("post_id")
      .where("account_id", "=", viewer.id)
      .orderBy("post_id", "desc")
      .limit(120)
      .execute();
    for (const [i, h] of home.entries()) {
      if (i % 3 === 0)
        await trx
          .insertInto("likes")
          .values({
            id: newId(),
            post_id: h.post_id,
            actor_uri: viewer.uri,
            account_id: viewer.id,
            remote_id: null,
            uri: `${origin}/likes/${newId()}`,
            created_at: at(),
          })
          .execute();
      if (i % 7 === 0)
        await trx
          .insertInto("bookmarks")
          .values({ account_id: viewer.id, post_id: h.post_id, created_at: at() })
          .execute();
    }
  });
  await sql`ANALYZE`.execute(db);

  const app = await createApp(
    db,
    {
      name: "bench",
      website: null,
      redirectUris: ["urn:ietf:wg:oauth:2.0:oob"],
      scopes: ["read", "write", "follow"],
    },
    systemClock,
  );
  const issued = await issueToken(
    db,
    { appId: app.id, accountId: viewer.id, scopes: ["read", "write", "follow"] },
    systemClock,
  );
  const session = await createSession(db, viewer.id, "bench");
  await node.close();
  const followedMember = members[1] as (typeof members)[number];
  return {
    token: issued.accessToken,
    cookie: `synco_session=${session.token}`,
    viewerId: viewer.id,
    statusId,
    accountId: followedMember.id,
    seconds: (performance.now() - started) / 1000,
  };
}
