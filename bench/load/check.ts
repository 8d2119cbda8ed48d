/**
 * The fault half of the load test: a burst of posts, a SIGKILL in the middle of
 * it, a restart on the same data, and the checks. A write counts as
 * acknowledged when its request answered 200; each one must be readable after
 * the restart with the text it was written with, and must reach node B (its
 * delivery was queued in the database before the 200, or relayed from the
 * outbox after the restart). A vote may have been cut off after it committed,
 * so a member's stored choice is either the last acknowledged one or the one
 * left unanswered.
 */
import { openDatabase } from "../../src/db/database.ts";
import { systemClock } from "../../src/kernel/clock.ts";
import { memberUri } from "../../src/kernel/uris.ts";
import { type QueueSnapshot, queueSnapshot } from "../../src/observability.ts";
import { type Ack, post, type Stats, type Target } from "./clients.ts";
import type { RunningNode } from "./nodes.ts";
import type { Member } from "./setup.ts";

export interface BurstResult {
  /** Posts acknowledged in the burst before the kill. */
  ackedBeforeKill: number;
  /** Requests that had been sent and not answered when the node died. */
  cutOff: number;
}

/**
 * Every member posts as fast as it can; once `killAfter` posts of the burst are
 * acknowledged, the node gets SIGKILL (while the other requests are in flight).
 */
export async function burstAndKill(
  node: RunningNode,
  stats: Stats,
  target: Target,
  members: Member[],
  killAfter: number,
  maxMs = 30_000,
): Promise<BurstResult> {
  const start = stats.acks.length;
  let killed = false;
  let inFlight = 0;
  let cutOff = 0;
  let ackedBeforeKill = 0;
  const until = Date.now() + maxMs;
  const workers = members.map(async (m) => {
    while (!killed && Date.now() < until) {
      inFlight++;
      await post(stats, target, m);
      inFlight--;
    }
  });
  while (!killed && Date.now() < until) {
    if (stats.acks.length - start >= killAfter) {
      killed = true;
      cutOff = inFlight;
      ackedBeforeKill = stats.acks.length - start;
      node.child.kill("SIGKILL");
    } else await new Promise((r) => setTimeout(r, 2));
  }
  if (!killed) node.child.kill("SIGKILL");
  await node.exited;
  await Promise.all(workers);
  return { ackedBeforeKill: ackedBeforeKill || stats.acks.length - start, cutOff };
}

/** What was waiting in the dead node's database: outbox events and queue messages. */
export async function queuedAtKill(databaseUrl: string): Promise<QueueSnapshot> {
  const db = await openDatabase(databaseUrl, { poolSize: 1 });
  try {
    return await queueSnapshot(db, systemClock);
  } finally {
    await db.close();
  }
}

/** The acknowledged posts that node A does not serve with their text (8 reads at a time). */
export async function missingWrites(origin: string, token: string, acks: Ack[]): Promise<Ack[]> {
  const missing: Ack[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < acks.length; i = next++) {
      const ack = acks[i] as Ack;
      const res = await fetch(`${origin}/api/v1/statuses/${encodeURIComponent(ack.id)}`, {
        headers: { authorization: `Bearer ${token}` },
      }).catch(() => undefined);
      const body = res?.ok ? ((await res.json()) as { content?: string; uri?: string }) : undefined;
      if (!body || body.uri !== ack.uri || !body.content?.includes(ack.text)) missing.push(ack);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return missing;
}

/** Members whose stored vote is neither their last acknowledged one nor the cut-off one. */
export async function wrongVotes(
  databaseUrl: string,
  origin: string,
  pollId: string,
  members: Member[],
  votes: Stats["votes"],
): Promise<string[]> {
  const db = await openDatabase(databaseUrl, { poolSize: 1 });
  try {
    const decision = await db.db
      .selectFrom("decisions")
      .select("id")
      .where("post_id", "=", pollId)
      .executeTakeFirstOrThrow();
    const rows = await db.db
      .selectFrom("decision_votes")
      .select(["voter_uri", "choice"])
      .where("decision_id", "=", decision.id)
      .execute();
    const stored = new Map(
      rows.map((r) => [r.voter_uri, (JSON.parse(r.choice) as { option?: number }).option]),
    );
    const wrong: string[] = [];
    for (const m of members) {
      const sent = votes.get(m.id);
      if (sent?.acked === undefined && sent?.unanswered === undefined) continue;
      const got = stored.get(memberUri(origin, m.username));
      if (got !== sent.acked && got !== sent.unanswered) wrong.push(m.username);
    }
    return wrong;
  } finally {
    await db.close();
  }
}

/** The acknowledged posts node B does not have (by their URI), read from B's database. */
export async function undelivered(databaseUrl: string, acks: Ack[]): Promise<Ack[]> {
  const db = await openDatabase(databaseUrl, { poolSize: 1 });
  try {
    const have = new Set<string>();
    for (let i = 0; i < acks.length; i += 500) {
      const uris = acks.slice(i, i + 500).map((a) => a.uri);
      const rows = await db.db.selectFrom("posts").select("uri").where("uri", "in", uris).execute();
      for (const r of rows) have.add(r.uri);
    }
    return acks.filter((a) => !have.has(a.uri));
  } finally {
    await db.close();
  }
}

/**
 * Polls B until every acknowledged post arrived or `ms` passed; answers what is
 * still missing. A poll that fails (a busy PostgreSQL refusing a connection) is
 * tried again at the next round, not taken as an answer.
 */
export async function waitForDelivery(
  databaseUrl: string,
  acks: Ack[],
  ms: number,
): Promise<{ missing: Ack[]; seconds: number }> {
  const start = Date.now();
  let missing = acks;
  for (;;) {
    try {
      missing = await undelivered(databaseUrl, missing);
    } catch (error) {
      console.error(
        `… reading node B's database failed, trying again: ${(error as Error).message}`,
      );
    }
    if (missing.length === 0 || Date.now() - start > ms)
      return { missing, seconds: (Date.now() - start) / 1000 };
    await new Promise((r) => setTimeout(r, 1000));
  }
}
