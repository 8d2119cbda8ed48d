/**
 * People bench (issue 23): a person's page here, for a remote person (GET
 * /@user@host, counts fresh, so no fetch from their server) and for a member
 * (GET /@user), and the home timeline page where every post is a reply with a
 * mention (the worst case for "Replying to @x" and mention links, each one
 * query per page). 20,000 posts by 20 members and 200 remote people.
 * Target: p95 < 20 ms per page, as issue 23 asks of the home timeline.
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

const POSTS = Number(process.env.BENCH_POSTS ?? 20_000);
const MEMBERS = 20;
const REMOTE = 200;

const dir = mkdtempSync(join(tmpdir(), "synco-bench-people-"));
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
const now = new Date().toISOString();

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
const remotes: { id: string; uri: string; handle: string }[] = [];
await db.transaction().execute(async (trx) => {
  for (let i = 0; i < REMOTE; i++) {
    const id = newId();
    const host = `r${i % 20}.example`;
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
        url: `https://${host}/@u${i}`,
        inbox_url: `${uri}/inbox`,
        posts_count: 1000,
        followers_count: 50,
        following_count: 20,
        counts_fetched_at: now,
        fetched_at: now,
        created_at: now,
      })
      .execute();
  }
});

const viewer = members[0] as (typeof members)[number];
// Every post replies to the one before it and mentions a remote person; the viewer's home holds them all.
const seedStart = performance.now();
let previous: string | null = null;
for (let start = 0; start < POSTS; start += 1000) {
  await db.transaction().execute(async (trx) => {
    for (let i = start; i < Math.min(POSTS, start + 1000); i++) {
      const id = newId();
      const remote = i % 2 === 1;
      const author = remote
        ? (remotes[i % REMOTE] as (typeof remotes)[number])
        : (members[i % MEMBERS] as (typeof members)[number]);
      const mentioned = remotes[(i * 7) % REMOTE] as (typeof remotes)[number];
      await trx
        .insertInto("posts")
        .values({
          id,
          uri: remote ? `${author.uri}/statuses/${id}` : `${origin}/posts/${id}`,
          url: null,
          author_uri: author.uri,
          author_account_id: remote ? null : author.id,
          author_remote_id: remote ? author.id : null,
          local: remote ? 0 : 1,
          visibility: "public",
          in_reply_to_id: previous,
          in_reply_to_uri: null,
          thread_id: id,
          content_html: `<p>Note ${i} for <span class="h-card"><a href="${mentioned.uri}" class="u-url mention">@<span>${mentioned.handle.split("@")[0]}</span></a></span></p>`,
          source: `Note ${i}`,
          created_at: now,
        })
        .execute();
      await trx
        .insertInto("post_mentions")
        .values({
          post_id: id,
          actor_uri: mentioned.uri,
          account_id: null,
          remote_id: mentioned.id,
          handle: `@${mentioned.handle}`,
        })
        .execute();
      await trx.insertInto("home_entries").values({ account_id: viewer.id, post_id: id }).execute();
      previous = id;
    }
  });
}
console.log(
  `seeded ${POSTS} posts (each a reply with a mention), ${REMOTE} remote people, in ${((performance.now() - seedStart) / 1000).toFixed(1)} s (${node.db.dialect})`,
);

// What autovacuum's analyze does after a bulk load, so the planner knows the rows.
await sql`ANALYZE`.execute(db);

const { token } = await createSession(db, viewer.id, "bench");
const cookie = `synco_session=${token}`;

function percentiles(ms: number[]) {
  const sorted = [...ms].sort((x, y) => x - y);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
  return { p50: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? Number.NaN };
}
const fmt = (r: { p50: number; p95: number; max: number }) =>
  `p50 ${r.p50.toFixed(2)} ms, p95 ${r.p95.toFixed(2)} ms, max ${r.max.toFixed(2)} ms — target p95 < 20 ms: ${r.p95 < 20 ? "met" : "NOT met"}`;

async function time(path: string, n: number, check: RegExp): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const res = await node.app.fetch(new Request(`${origin}${path}`, { headers: { cookie } }));
    const body = await res.text();
    times.push(performance.now() - t);
    if (res.status !== 200 || !check.test(body)) throw new Error(`${path}: ${res.status}`);
  }
  return times;
}

const remotePage = `/@${(remotes[1] as (typeof remotes)[number]).handle}`;
for (const [label, path, check] of [
  ["remote person's page (GET /@u1@r1.example, 20 posts)", remotePage, /Replying to @/],
  ["member's page (GET /@m2, 20 posts)", "/@m2", /Replying to @/],
  ["home timeline page (GET /social, 20 replies with mentions)", "/social", /Replying to @/],
] as const) {
  await time(path, 20, check); // warm-up
  console.log(`${label}: ${fmt(percentiles(await time(path, 200, check)))}`);
}
await node.close();
