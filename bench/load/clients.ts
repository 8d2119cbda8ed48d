/**
 * The load: each client is one member with a token, doing one request at a
 * time (post, home timeline, local timeline, vote) until its deadline, plus
 * one held server-sent-events stream of the local timeline per client. Every
 * post that answers 200 is remembered (id, uri, text): those are the
 * acknowledged writes the kill check looks for afterwards.
 */
import { performance } from "node:perf_hooks";
import type { Member } from "./setup.ts";

export type Kind = "post" | "home" | "local" | "vote" | "stream";
export const KINDS: Kind[] = ["post", "home", "local", "vote", "stream"];

export interface Ack {
  id: string;
  uri: string;
  text: string;
}

export class Stats {
  readonly latencies = new Map<Kind, number[]>(KINDS.map((k) => [k, []]));
  readonly errors = new Map<Kind, Map<string, number>>(KINDS.map((k) => [k, new Map()]));
  readonly acks: Ack[] = [];
  /** Per member: the last vote answered 200, and one sent but never answered (cut off). */
  readonly votes = new Map<string, { acked?: number; unanswered?: number }>();

  ok(kind: Kind, ms: number) {
    this.latencies.get(kind)?.push(ms);
  }
  fail(kind: Kind, why: string) {
    const m = this.errors.get(kind);
    m?.set(why, (m.get(why) ?? 0) + 1);
  }
  errorCount(kind: Kind) {
    return [...(this.errors.get(kind)?.values() ?? [])].reduce((a, b) => a + b, 0);
  }
}

export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
}

export interface Target {
  origin: string;
  pollId: string;
  options: number;
}

const headers = (token: string) => ({
  authorization: `Bearer ${token}`,
  "content-type": "application/json",
});

/** One request, timed; the answer's JSON on 200, undefined otherwise (counted as an error). */
async function timed(
  stats: Stats,
  kind: Kind,
  url: string,
  init: RequestInit,
): Promise<Record<string, unknown> | undefined> {
  const start = performance.now();
  try {
    const res = await fetch(url, init);
    const body = await res.text();
    if (res.status !== 200) {
      stats.fail(kind, `HTTP ${res.status}`);
      return undefined;
    }
    stats.ok(kind, performance.now() - start);
    return JSON.parse(body) as Record<string, unknown>;
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    stats.fail(kind, cause ?? (error as Error).name);
    return undefined;
  }
}

let sequence = 0;

/** Posts one public status; remembers it when acknowledged. */
export async function post(stats: Stats, target: Target, member: Member): Promise<boolean> {
  const text = `load ${member.username} n${++sequence} t=${Date.now()}`;
  const body = await timed(stats, "post", `${target.origin}/api/v1/statuses`, {
    method: "POST",
    headers: headers(member.token),
    body: JSON.stringify({ status: text, visibility: "public" }),
  });
  if (!body) return false;
  stats.acks.push({ id: String(body.id), uri: String(body.uri), text });
  return true;
}

async function vote(stats: Stats, target: Target, member: Member) {
  const choice = Math.floor(Math.random() * target.options);
  const state = stats.votes.get(member.id) ?? {};
  stats.votes.set(member.id, state);
  state.unanswered = choice;
  const body = await timed(stats, "vote", `${target.origin}/api/v1/polls/${target.pollId}/votes`, {
    method: "POST",
    headers: headers(member.token),
    body: JSON.stringify({ choices: [choice] }),
  });
  if (body) {
    state.acked = choice;
    state.unanswered = undefined;
  }
}

/** One client's mix until `until` (ms since epoch): 35% post, 25% home, 15% local, 25% vote. */
export async function client(stats: Stats, target: Target, member: Member, until: number) {
  while (Date.now() < until) {
    const r = Math.random();
    if (r < 0.35) await post(stats, target, member);
    else if (r < 0.6)
      await timed(stats, "home", `${target.origin}/api/v1/timelines/home?limit=20`, {
        headers: headers(member.token),
      });
    else if (r < 0.75)
      await timed(stats, "local", `${target.origin}/api/v1/timelines/public?local=true&limit=20`, {
        headers: headers(member.token),
      });
    else await vote(stats, target, member);
  }
}

/**
 * Holds a local-timeline event stream open until `signal` aborts. Each post
 * carries the time it was sent (t=…), so each `update` event gives the time
 * from the post's request to the event reaching a reader ("stream" latency).
 */
export async function stream(
  stats: Stats,
  target: Target,
  member: Member,
  signal: AbortSignal,
  counts: { open: number; events: number },
) {
  try {
    const res = await fetch(`${target.origin}/api/v1/streaming/public/local`, {
      headers: { authorization: `Bearer ${member.token}` },
      signal,
    });
    if (res.status !== 200 || !res.body) {
      stats.fail("stream", `HTTP ${res.status}`);
      return;
    }
    counts.open++;
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of res.body) {
      buffer += decoder.decode(chunk, { stream: true });
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf("\n\n");
        if (!frame.startsWith("event: update")) continue;
        counts.events++;
        const sent = /t=(\d+)/.exec(frame)?.[1];
        if (sent) stats.ok("stream", Date.now() - Number(sent));
      }
    }
  } catch (error) {
    if (!signal.aborted) stats.fail("stream", (error as Error).name);
  }
}
