/**
 * What the load test needs before it starts: on node A, members with API tokens
 * and a working group with an open poll-shaped decision whose votes may change
 * (so each client can vote again and again); on node B, one member who follows
 * every member of A through the real federation (search, Follow, Accept), so
 * each public post on A is a delivery to B.
 */
import { createAccount } from "../../src/accounts/accounts.ts";
import { createApp, issueToken } from "../../src/api/oauth/store.ts";
import { openDatabase } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import { createDecision } from "../../src/governance/decisions/decisions.ts";
import { createGroup } from "../../src/groups/groups.ts";
import { joinGroup } from "../../src/groups/memberships.ts";
import { systemClock } from "../../src/kernel/clock.ts";
import type { NodeSpec } from "./nodes.ts";

export interface Member {
  id: string;
  username: string;
  token: string;
}

export interface Seeded {
  members: Member[];
  /** The decision's thread post id: Mastodon's poll id for it. */
  pollId: string;
  options: number;
}

const SCOPES = ["read", "write", "follow"];

async function memberWithToken(
  db: Awaited<ReturnType<typeof openDatabase>>,
  username: string,
  appId: string,
) {
  const made = await createAccount(
    db.db,
    { username, email: `${username}@load.example`, password: "load test password" },
    { passwordCost: 8 },
  );
  if (!made.ok) throw new Error(`${username}: ${made.reason}`);
  const token = await issueToken(
    db.db,
    { appId, accountId: made.value.id, scopes: SCOPES },
    systemClock,
  );
  return { id: made.value.id, username, token: token.accessToken };
}

async function withApp(
  spec: NodeSpec,
  body: (db: Awaited<ReturnType<typeof openDatabase>>, appId: string) => Promise<void>,
) {
  const db = await openDatabase(spec.databaseUrl, { poolSize: 2 });
  try {
    await migrateToLatest(db.db);
    const app = await createApp(
      db.db,
      {
        name: "load test",
        website: null,
        redirectUris: ["urn:ietf:wg:oauth:2.0:oob"],
        scopes: SCOPES,
      },
      systemClock,
    );
    await body(db, app.id);
  } finally {
    await db.close();
  }
}

/** Node A: `count` members with tokens, a group of them all, and one open decision. */
export async function seedA(spec: NodeSpec, count: number): Promise<Seeded> {
  const members: Member[] = [];
  let pollId = "";
  const options = 4;
  await withApp(spec, async (db, appId) => {
    for (let i = 0; i < count; i++) members.push(await memberWithToken(db, `m${i}`, appId));
    const ctx = {
      db: db.db,
      origin: spec.origin,
      domain: spec.env.SYNCO_DOMAIN ?? "",
      clock: systemClock,
    };
    const first = members[0];
    if (!first) throw new Error("no members");
    const group = await createGroup(ctx, first, {
      name: "loadtest",
      kind: "working_group",
      displayName: "Load test",
      visibility: "public",
      moderated: false,
    });
    if (!group.ok) throw new Error(`group: ${group.reason}`);
    for (const m of members.slice(1)) {
      const joined = await joinGroup(ctx, m, { group: group.value });
      if (!joined.ok) throw new Error(`join: ${joined.reason}`);
    }
    const decision = await createDecision(ctx, first, {
      group: group.value,
      proposal: {
        title: "Which day for the assembly?",
        rule: "single",
        options: Array.from({ length: options }, (_, i) => ({ label: `Day ${i + 1}` })),
        closesAt: new Date(Date.now() + 24 * 3600_000).toISOString(),
        voteChanges: true,
      },
    });
    if (!decision.ok) throw new Error(`decision: ${decision.reason}`);
    pollId = decision.value.postId;
  });
  return { members, pollId, options };
}

/** Node B: one member (the follower of everyone on A). */
export async function seedB(spec: NodeSpec): Promise<Member> {
  let watcher: Member | undefined;
  await withApp(spec, async (db, appId) => {
    watcher = await memberWithToken(db, "watcher", appId);
  });
  if (!watcher) throw new Error("no watcher");
  return watcher;
}

const api =
  (origin: string, token: string) =>
  async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${origin}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
    });
    if (!res.ok)
      throw new Error(`${init.method ?? "GET"} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };

/**
 * B's watcher follows every member of A over the Mastodon API (search with
 * resolve, then follow), and waits until each follow is accepted. A follow still
 * not accepted after RESEND_MS is sent again (unfollow, follow) and counted: on a
 * loaded machine an Accept can fail for good (a key fetch that timed out makes a
 * 401, which Fedify does not retry), and the run reports how often that happened.
 */
export async function followAll(
  b: NodeSpec,
  watcher: Member,
  a: NodeSpec,
  members: Member[],
  ms = 180_000,
): Promise<{ resent: number }> {
  const RESEND_MS = 20_000;
  const call = api(b.origin, watcher.token);
  const ids: string[] = [];
  for (const m of members) {
    const q = encodeURIComponent(`@${m.username}@${a.env.SYNCO_DOMAIN}`);
    const found = await call(`/api/v2/search?q=${q}&resolve=true&type=accounts`);
    const account = (found.accounts as { id: string }[])[0];
    if (!account) throw new Error(`B could not resolve ${m.username} on A`);
    await call(`/api/v1/accounts/${account.id}/follow`, { method: "POST" });
    ids.push(account.id);
  }
  const query = ids.map((id) => `id[]=${id}`).join("&");
  const deadline = Date.now() + ms;
  let resendAt = Date.now() + RESEND_MS;
  let resent = 0;
  for (;;) {
    const rel = (await call(`/api/v1/accounts/relationships?${query}`)) as unknown as {
      id: string;
      following: boolean;
    }[];
    const waiting = rel.filter((r) => !r.following).map((r) => r.id);
    if (rel.length === ids.length && waiting.length === 0) return { resent };
    if (Date.now() > deadline) throw new Error("B's follows were not all accepted in time");
    if (Date.now() > resendAt) {
      for (const id of waiting) {
        await call(`/api/v1/accounts/${id}/unfollow`, { method: "POST" });
        await call(`/api/v1/accounts/${id}/follow`, { method: "POST" });
        resent++;
      }
      resendAt = Date.now() + RESEND_MS;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
