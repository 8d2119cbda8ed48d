/**
 * One load-and-kill run (npm run bench:load; bench/load.ts parses the flags):
 * node A federating to node B, both `synco start` in child processes; a timed
 * load on A; a burst of posts with a SIGKILL in the middle; a restart of A on
 * the same data; the checks. Returns the figures and what failed, for the
 * script to print and for test/bench-load.test.ts to assert.
 */
import { rmSync } from "node:fs";
import { burstAndKill, missingWrites, queuedAtKill, waitForDelivery, wrongVotes } from "./check.ts";
import {
  type Ack,
  client,
  KINDS,
  type Kind,
  percentile,
  Stats,
  stream,
  type Target,
} from "./clients.ts";
import {
  dropDatabase,
  nodeSpec,
  peakRssMb,
  type RunningNode,
  startNode,
  stopNode,
} from "./nodes.ts";
import { followAll, seedA, seedB } from "./setup.ts";

export interface LoadOptions {
  seconds: number;
  clients: number;
  /** Posts acknowledged in the burst before the SIGKILL. */
  killAfter: number;
  /** A PostgreSQL server URL: each node gets a new database there. Unset: SQLite. */
  postgresUrl?: string | undefined;
  /** How long to wait for node B to have every acknowledged post after the restart. */
  deliveryTimeoutSeconds: number;
  log?: (line: string) => void;
}

export interface KindFigures {
  kind: Kind;
  ok: number;
  errors: number;
  errorKinds: string;
  perSecond: number;
  p50: number;
  p99: number;
}

export interface LoadReport {
  database: "SQLite" | "PostgreSQL";
  seconds: number;
  clients: number;
  kinds: KindFigures[];
  requestsPerSecond: number;
  /** Follows B had to send again because their Accept failed (see followAll). */
  followsResent: number;
  streamsHeld: number;
  streamEvents: number;
  peakRssMb: number;
  kill: {
    ackedBeforeKill: number;
    cutOff: number;
    queued: { outboxEvents: number; queueMessages: Record<string, number> };
    restartSeconds: number;
  };
  acknowledgedPosts: number;
  missingAfterRestart: Ack[];
  votingMembers: number;
  wrongVotes: string[];
  undelivered: Ack[];
  deliverySeconds: number;
  passed: boolean;
}

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const log = options.log ?? (() => undefined);
  const specA = await nodeSpec("a", "127.0.0.2", options.postgresUrl);
  const specB = await nodeSpec("b", "127.0.0.3", options.postgresUrl);
  const running: RunningNode[] = [];
  try {
    log(`seeding ${options.clients} members on A, a follower on B…`);
    const seeded = await seedA(specA, options.clients);
    const watcher = await seedB(specB);
    let a = await startNode(specA);
    running.push(a);
    running.push(await startNode(specB));
    const follows = await followAll(specB, watcher, specA, seeded.members);
    log(`B follows all ${seeded.members.length} members of A; load for ${options.seconds} s…`);

    const target: Target = { origin: specA.origin, pollId: seeded.pollId, options: seeded.options };
    const stats = new Stats();
    const streams = new AbortController();
    const counts = { open: 0, events: 0 };
    const held = seeded.members.map((m) => stream(stats, target, m, streams.signal, counts));
    const started = Date.now();
    const until = started + options.seconds * 1000;
    await Promise.all(seeded.members.map((m) => client(stats, target, m, until)));
    const elapsed = (Date.now() - started) / 1000;
    const rss = peakRssMb(a.child.pid);
    streams.abort();
    await Promise.all(held);

    const kinds = KINDS.map((kind): KindFigures => {
      const xs = stats.latencies.get(kind) ?? [];
      const errs = [...(stats.errors.get(kind) ?? new Map<string, number>())];
      return {
        kind,
        ok: xs.length,
        errors: stats.errorCount(kind),
        errorKinds: errs.map(([why, n]) => `${why}×${n}`).join(", "),
        perSecond: xs.length / elapsed,
        p50: percentile(xs, 50),
        p99: percentile(xs, 99),
      };
    });
    const requests = kinds.filter((k) => k.kind !== "stream").reduce((n, k) => n + k.ok, 0);

    log(`burst of posts; SIGKILL after ${options.killAfter} acknowledged…`);
    const burst = new Stats();
    const killed = await burstAndKill(a, burst, target, seeded.members, options.killAfter);
    running.splice(running.indexOf(a), 1);
    const snapshot = await queuedAtKill(specA.databaseUrl);
    const restartAt = Date.now();
    a = await startNode(specA);
    running.push(a);
    const restartSeconds = (Date.now() - restartAt) / 1000;
    log("restarted A; checking…");

    const acks = [...stats.acks, ...burst.acks];
    const first = seeded.members[0];
    const missing = first ? await missingWrites(specA.origin, first.token, acks) : acks;
    const votes = await wrongVotes(
      specA.databaseUrl,
      specA.origin,
      seeded.pollId,
      seeded.members,
      stats.votes,
    );
    const delivery = await waitForDelivery(
      specB.databaseUrl,
      acks,
      options.deliveryTimeoutSeconds * 1000,
    );
    return {
      database: options.postgresUrl ? "PostgreSQL" : "SQLite",
      seconds: elapsed,
      clients: options.clients,
      kinds,
      requestsPerSecond: requests / elapsed,
      followsResent: follows.resent,
      streamsHeld: counts.open,
      streamEvents: counts.events,
      peakRssMb: rss,
      kill: {
        ackedBeforeKill: killed.ackedBeforeKill,
        cutOff: killed.cutOff,
        queued: {
          outboxEvents: snapshot.outbox.pending,
          queueMessages: Object.fromEntries(snapshot.queues.map((q) => [q.queue, q.pending])),
        },
        restartSeconds,
      },
      acknowledgedPosts: acks.length,
      missingAfterRestart: missing,
      votingMembers: [...stats.votes.values()].filter((v) => v.acked !== undefined).length,
      wrongVotes: votes,
      undelivered: delivery.missing,
      deliverySeconds: delivery.seconds,
      passed: missing.length === 0 && votes.length === 0 && delivery.missing.length === 0,
    };
  } finally {
    for (const node of running) await stopNode(node);
    for (const spec of [specA, specB]) {
      await dropDatabase(spec.databaseUrl, options.postgresUrl);
      if (spec.env.SYNCO_DATA_DIR)
        rmSync(spec.env.SYNCO_DATA_DIR, { recursive: true, force: true });
    }
  }
}

const pad = (s: string | number, n: number) => String(s).padStart(n);

export function formatReport(r: LoadReport): string {
  const lines = [
    `Load test on ${r.database}: ${r.seconds.toFixed(1)} s, ${r.clients} clients (one request at a time each) + ${r.clients} held streams; node A federating to node B`,
    `${"kind".padEnd(8)}${pad("ok", 8)}${pad("errors", 8)}${pad("per s", 9)}${pad("p50 ms", 9)}${pad("p99 ms", 9)}`,
    ...r.kinds.map(
      (k) =>
        `${k.kind.padEnd(8)}${pad(k.ok, 8)}${pad(k.errors, 8)}${pad(k.perSecond.toFixed(1), 9)}${pad(k.p50.toFixed(1), 9)}${pad(k.p99.toFixed(1), 9)}${k.errorKinds ? `  (${k.errorKinds})` : ""}`,
    ),
    "(stream: time from a post's request to its update event reaching a stream reader)",
    `throughput: ${r.requestsPerSecond.toFixed(1)} requests/s; streams held: ${r.streamsHeld}, update events received: ${r.streamEvents}`,
    `node A peak RSS: ${r.peakRssMb.toFixed(0)} MB`,
    ...(r.followsResent
      ? [`setup: ${r.followsResent} follows of B sent again after their Accept failed`]
      : []),
    `SIGKILL: after ${r.kill.ackedBeforeKill} acknowledged posts of the burst, ${r.kill.cutOff} requests cut off in flight`,
    `queued in A's database at the kill: ${r.kill.queued.outboxEvents} outbox events not relayed, queue messages ${JSON.stringify(r.kill.queued.queueMessages)}`,
    `restart on the same data: /healthz after ${r.kill.restartSeconds.toFixed(1)} s`,
    `acknowledged posts: ${r.acknowledgedPosts}; present with their text after restart: ${r.acknowledgedPosts - r.missingAfterRestart.length}; missing: ${r.missingAfterRestart.length}`,
    `votes: ${r.votingMembers} members with an acknowledged vote; stored choice wrong for ${r.wrongVotes.length}`,
    `delivered to node B: ${r.acknowledgedPosts - r.undelivered.length}/${r.acknowledgedPosts} (${r.deliverySeconds.toFixed(1)} s after the restart)`,
    r.passed ? "PASS: every acknowledged write survived and every delivery arrived" : "FAIL",
  ];
  for (const a of r.missingAfterRestart.slice(0, 5))
    lines.push(`  missing on A: ${a.id} ${a.text}`);
  for (const a of r.undelivered.slice(0, 5)) lines.push(`  not on B: ${a.uri}`);
  return lines.join("\n");
}
