/**
 * Social bench (issue 5): the home timeline page of a member with 100,000 posts
 * in the database. Target: p95 < 30 ms for the rendered page (GET /social,
 * through the whole app: session, query, hydration, HTML).
 *
 * The home feed is written on arrival (fan-out on write, home_entries keyed by
 * (account_id, post_id)); for comparison the bench also times the query a
 * feed-on-read design would run (posts of followed authors through follows and
 * the (author_uri, id) index) on the same data.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { createAccount } from "../src/accounts/accounts.ts";
import { createSession } from "../src/accounts/sessions.ts";
import { createNode } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { newId } from "../src/kernel/ids.ts";

const POSTS = Number(process.env.BENCH_POSTS ?? 100_000);
const MEMBERS = 20;
const REMOTE = 980;
const FOLLOWS_PER_MEMBER = 150;

const dir = mkdtempSync(join(tmpdir(), "synco-bench-social-"));
const config = loadConfig({
  SYNCO_DOMAIN: "bench.example",
  SYNCO_DATA_DIR: dir,
  SYNCO_DATABASE_URL: process.env.BENCH_DATABASE_URL ?? `sqlite:${join(dir, "synco.db")}`,
  SYNCO_SECRET: "bench-secret-".padEnd(40, "x"),
  SYNCO_PASSWORD_COST: "8",
  SYNCO_LOG_LEVEL: "error",
});
const node = await createNode(config);
const db = node.db.db;
const origin = config.origin;
const now = () => new Date().toISOString();

// Authors: members here and actors elsewhere.
const members: { id: string; username: string; uri: string }[] = [];
for (let i = 0; i < MEMBERS; i++) {
  const r = await createAccount(
    db,
    { username: `m${i}`, email: `m${i}@bench.example`, password: "long enough", role: "member" },
    { passwordCost: 8 },
  );
  if (!r.ok) throw new Error(r.reason);
  members.push({ ...r.value, uri: `${origin}/users/m${i}` });
}
const remotes: { id: string; uri: string }[] = [];
await db.transaction().execute(async (trx) => {
  for (let i = 0; i < REMOTE; i++) {
    const id = newId();
    const uri = `https://r${i % 50}.example/users/u${i}`;
    remotes.push({ id, uri });
    await trx
      .insertInto("remote_actors")
      .values({
        id,
        uri,
        handle: `u${i}@r${i % 50}.example`,
        type: "Person",
        username: `u${i}`,
        host: `r${i % 50}.example`,
        name: `Remote ${i}`,
        inbox_url: `${uri}/inbox`,
        fetched_at: now(),
        created_at: now(),
      })
      .execute();
  }
});
const authors = [
  ...members.map((m) => ({ uri: m.uri, accountId: m.id, remoteId: null as string | null })),
  ...remotes.map((r) => ({ uri: r.uri, accountId: null as string | null, remoteId: r.id })),
];

// Each member follows FOLLOWS_PER_MEMBER authors (accepted).
let seed = 42;
const rand = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const followed = new Map<string, Set<string>>();
await db.transaction().execute(async (trx) => {
  for (const m of members) {
    const set = new Set<string>();
    while (set.size < FOLLOWS_PER_MEMBER) {
      const a = authors[Math.floor(rand() * authors.length)];
      if (a && a.uri !== m.uri) set.add(a.uri);
    }
    followed.set(m.id, set);
    for (const uri of set) {
      const a = authors.find((x) => x.uri === uri);
      await trx
        .insertInto("follows")
        .values({
          id: newId(),
          follower_uri: m.uri,
          followee_uri: uri,
          follower_account_id: m.id,
          follower_remote_id: null,
          followee_account_id: a?.accountId ?? null,
          followee_remote_id: a?.remoteId ?? null,
          status: "accepted",
          activity_uri: `${origin}/follows/${newId()}`,
          created_at: now(),
          accepted_at: now(),
        })
        .execute();
    }
  }
});

// The posts, with their home entries (as fan-out on write would have written them).
const seedStart = performance.now();
const BATCH = 500;
for (let start = 0; start < POSTS; start += BATCH) {
  await db.transaction().execute(async (trx) => {
    const rows = [];
    const entries = [];
    const tags = [];
    for (let i = start; i < Math.min(POSTS, start + BATCH); i++) {
      const a = authors[Math.floor(rand() * authors.length)] as (typeof authors)[number];
      const id = newId();
      rows.push({
        id,
        uri: a.accountId ? `${origin}/posts/${id}` : `${a.uri}/statuses/${i}`,
        url: null,
        author_uri: a.uri,
        author_account_id: a.accountId,
        author_remote_id: a.remoteId,
        local: a.accountId ? 1 : 0,
        visibility: rand() < 0.9 ? ("public" as const) : ("unlisted" as const),
        in_reply_to_id: null,
        in_reply_to_uri: null,
        thread_id: id,
        reblog_of_id: null,
        source: "",
        content_html: `<p>Post number ${i}: bread, cooperatives and the weather. <a href="https://bench.example/tags/bread" class="mention hashtag" rel="tag">#<span>bread</span></a></p>`,
        spoiler: "",
        sensitive: 0,
        language: "en",
        has_poll: 0,
        replies_count: 0,
        reblogs_count: 0,
        likes_count: 0,
        created_at: now(),
        edited_at: null,
        deleted_at: null,
      });
      if (i % 10 === 0) tags.push({ post_id: id, tag: "bread" });
      for (const m of members)
        if (followed.get(m.id)?.has(a.uri) || a.accountId === m.id)
          entries.push({ account_id: m.id, post_id: id });
    }
    await trx.insertInto("posts").values(rows).execute();
    if (entries.length) await trx.insertInto("home_entries").values(entries).execute();
    if (tags.length) await trx.insertInto("post_tags").values(tags).execute();
  });
}
if (node.db.dialect === "sqlite") await sql`ANALYZE`.execute(db);
else await sql`ANALYZE`.execute(db);
const entries = Number(
  (
    await db
      .selectFrom("home_entries")
      .select((eb) => eb.fn.countAll().as("n"))
      .executeTakeFirstOrThrow()
  ).n,
);
console.log(
  `seeded ${POSTS} posts by ${authors.length} authors, ${entries} home entries, in ${((performance.now() - seedStart) / 1000).toFixed(1)} s (${node.db.dialect})`,
);

const viewer = members[0] as (typeof members)[number];
const { token } = await createSession(db, viewer.id, "bench");
const cookie = `synco_session=${token}`;

function percentiles(ms: number[]) {
  const sorted = [...ms].sort((x, y) => x - y);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
  return { p50: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? Number.NaN };
}
const fmt = (r: { p50: number; p95: number; max: number }) =>
  `p50 ${r.p50.toFixed(2)} ms, p95 ${r.p95.toFixed(2)} ms, max ${r.max.toFixed(2)} ms`;

async function timePages(path: string, n: number): Promise<number[]> {
  const times: number[] = [];
  let next: string | null = null;
  for (let i = 0; i < n; i++) {
    // Alternate the first page with older pages reached through the max_id links.
    const url = i % 2 === 0 || !next ? path : `${path}?max_id=${next}`;
    const t = performance.now();
    const res = await node.app.fetch(new Request(`${origin}${url}`, { headers: { cookie } }));
    const body = await res.text();
    times.push(performance.now() - t);
    if (res.status !== 200) throw new Error(`${url}: ${res.status}`);
    next = /max_id=([0-9a-f-]{36})/.exec(body)?.[1] ?? null;
  }
  return times;
}

await timePages("/social", 30); // warm-up
const home = percentiles(await timePages("/social", 300));
console.log(
  `home timeline page (GET /social, 20 posts): ${fmt(home)} — target p95 < 30 ms: ${home.p95 < 30 ? "met" : "NOT met"}`,
);
const local = percentiles(await timePages("/social/local", 200));
console.log(`local timeline page: ${fmt(local)}`);
const federated = percentiles(await timePages("/social/federated", 200));
console.log(`federated timeline page: ${fmt(federated)}`);
const tag = percentiles(await timePages("/tags/bread", 200));
console.log(`hashtag page: ${fmt(tag)}`);

// The two designs' feed queries alone (ids of the first page), same data.
async function timeQuery(run: () => Promise<unknown>, n = 300) {
  for (let i = 0; i < 20; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await run();
    times.push(performance.now() - t);
  }
  return percentiles(times);
}
const fanOut = await timeQuery(() =>
  db
    .selectFrom("home_entries as h")
    .innerJoin("posts as p", "p.id", "h.post_id")
    .select("h.post_id")
    .where("h.account_id", "=", viewer.id)
    .where("p.deleted_at", "is", null)
    .orderBy("h.post_id", "desc")
    .limit(21)
    .execute(),
);
const onRead = await timeQuery(() =>
  db
    .selectFrom("posts as p")
    .select("p.id")
    .where((eb) =>
      eb.or([
        eb(
          "p.author_uri",
          "in",
          eb
            .selectFrom("follows")
            .select("followee_uri")
            .where("follower_uri", "=", viewer.uri)
            .where("status", "=", "accepted"),
        ),
        eb("p.author_uri", "=", viewer.uri),
      ]),
    )
    .where("p.deleted_at", "is", null)
    .orderBy("p.id", "desc")
    .limit(21)
    .execute(),
);
console.log(`home feed query, feed-on-read (follows + posts by author): ${fmt(onRead)}`);
console.log(`home feed query, fan-out on write (home_entries):          ${fmt(fanOut)}`);
await node.close();
