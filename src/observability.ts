/**
 * What an operator watches a node through: a request id and the request counters on
 * every answer (one middleware), `/healthz` (the process answers), `/readyz` (the
 * database answers; the queues' depth) and `/metrics` (Prometheus text, behind
 * SYNCO_METRICS_TOKEN). The rule it keeps: these answers are tiny, need no session,
 * set no cookie and are never cached; /metrics is 404 unless a token is configured.
 */
import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import { getLogger, withContext } from "@logtape/logtape";
import type { Context, MiddlewareHandler } from "hono";
import { Hono } from "hono";
import { routePath } from "hono/route";
import { sql } from "kysely";
import type { Config } from "./config.ts";
import type { Db } from "./db/database.ts";
import type { Clock } from "./kernel/clock.ts";
import { areaRoute } from "./lazy-area.ts";
import { gauge, type RequestMetrics } from "./metrics.ts";

const logger = getLogger(["synco", "http"]);

/** A client's or proxy's id is kept only when it is this plain and short (it goes into logs). */
const REQUEST_ID = /^[A-Za-z0-9-]{1,64}$/;

/**
 * Gives the request an id (x-request-id, echoed on the answer and in every log line
 * written while it runs) and counts it by the route pattern that answered.
 */
export function observeRequests(metrics: RequestMetrics): MiddlewareHandler {
  return async (c, next) => {
    const start = performance.now();
    const incoming = c.req.header("x-request-id");
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    await withContext({ requestId }, next);
    // The pattern of the handler that answered; a middleware answering (federation, 404) is "*".
    const pattern = areaRoute(c) ?? routePath(c);
    const route = pattern === "/*" || pattern === "" ? "*" : pattern;
    metrics.record(c.req.method, route, c.res.status, (performance.now() - start) / 1000);
    try {
      c.res.headers.set("x-request-id", requestId);
    } catch {
      // A response with immutable headers (one passed through from fetch): copy it.
      c.res = new Response(c.res.body, c.res);
      c.res.headers.set("x-request-id", requestId);
    }
  };
}

export interface QueueSnapshot {
  /** Outbox events not yet relayed to federation. */
  outbox: { pending: number; oldestAgeSeconds: number };
  /** Fedify's queues (inbox, outbox, fanout) in queue_messages. */
  queues: { queue: string; pending: number; delayed: number; oldestAgeSeconds: number }[];
}

const ageSeconds = (oldest: unknown, now: Date) =>
  oldest ? Math.max(0, Math.round((now.getTime() - Date.parse(String(oldest))) / 1000)) : 0;

/** Two aggregate queries; ages from the node's clock. */
export async function queueSnapshot(db: Db, clock: Clock): Promise<QueueSnapshot> {
  const now = clock.now();
  const outbox = await db.db
    .selectFrom("outbox_events")
    .select([
      (eb) => eb.fn.countAll<number>().as("n"),
      (eb) => eb.fn.min("created_at").as("oldest"),
    ])
    .where("relayed_at", "is", null)
    .executeTakeFirstOrThrow();
  const queues = await db.db
    .selectFrom("queue_messages")
    .select([
      "queue",
      (eb) => eb.fn.countAll<number>().as("n"),
      (eb) =>
        eb.fn
          .sum<number>(eb.case().when("available_at", ">", now.toISOString()).then(1).else(0).end())
          .as("delayed"),
      (eb) => eb.fn.min("created_at").as("oldest"),
    ])
    .groupBy("queue")
    .orderBy("queue")
    .execute();
  return {
    outbox: { pending: Number(outbox.n), oldestAgeSeconds: ageSeconds(outbox.oldest, now) },
    queues: queues.map((q) => ({
      queue: q.queue,
      pending: Number(q.n),
      delayed: Number(q.delayed ?? 0),
      oldestAgeSeconds: ageSeconds(q.oldest, now),
    })),
  };
}

const digest = (s: string) => createHash("sha256").update(s).digest();

/** True when the request carries `Authorization: Bearer <token>` (compared in constant time). */
function bearerMatches(c: Context, token: string): boolean | null {
  const header = c.req.header("authorization");
  const given = header?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
  if (!given) return null;
  return timingSafeEqual(digest(given), digest(token));
}

export interface ObservabilityDeps {
  db: Db;
  config: Config;
  clock: Clock;
  metrics: RequestMetrics;
}

/** /healthz, /readyz and /metrics; mounted before the session and locale middleware. */
export function observabilityRoutes({ db, config, clock, metrics }: ObservabilityDeps): Hono {
  const app = new Hono();
  app.use("/healthz", noStore);
  app.use("/readyz", noStore);
  app.use("/metrics", noStore);
  app.get("/healthz", (c) => c.text("ok"));
  app.get("/readyz", async (c) => {
    try {
      await sql`select 1`.execute(db.db);
      const snapshot = await queueSnapshot(db, clock);
      const pending = snapshot.queues.reduce((n, q) => n + q.pending, 0);
      const oldestAgeSeconds = Math.max(0, ...snapshot.queues.map((q) => q.oldestAgeSeconds));
      return c.json({ database: "ok", queue: { pending, oldestAgeSeconds } });
    } catch (error) {
      // The driver's message (hosts, ports) goes to the log, not to an unauthenticated caller.
      logger.warning("Readiness check failed: {error}", { error });
      return c.json({ database: "unavailable", reason: "the database did not answer" }, 503);
    }
  });
  app.get("/metrics", async (c) => {
    const token = config.metricsToken;
    if (!token) return c.text("Not Found", 404);
    const matches = bearerMatches(c, token);
    if (matches === null) {
      c.header("www-authenticate", 'Bearer realm="metrics"');
      return c.text("A bearer token is required", 401);
    }
    if (!matches) return c.text("Wrong token", 403);
    const lines = [...metrics.render(), ...processLines(db)];
    try {
      lines.push(...queueLines(await queueSnapshot(db, clock)), ...up(1));
    } catch {
      lines.push(...up(0));
    }
    return c.body(`${lines.join("\n")}\n`, 200, {
      "content-type": "text/plain; version=0.0.4; charset=utf-8",
    });
  });
  return app;
}

const noStore: MiddlewareHandler = async (c, next) => {
  await next();
  c.res.headers.set("cache-control", "no-store");
};

const up = (value: number) =>
  gauge("synco_database_up", "1 when the database answered the queue queries.", [{ value }]);

function queueLines(s: QueueSnapshot): string[] {
  return [
    ...gauge("synco_outbox_pending", "Outbox events not yet relayed to federation.", [
      { value: s.outbox.pending },
    ]),
    ...gauge("synco_outbox_oldest_age_seconds", "Age of the oldest unrelayed outbox event.", [
      { value: s.outbox.oldestAgeSeconds },
    ]),
    ...gauge(
      "synco_queue_messages",
      "Messages waiting in a federation queue (delivery, inbox, fan-out).",
      s.queues.map((q) => ({ labels: { queue: q.queue }, value: q.pending })),
    ),
    ...gauge(
      "synco_queue_delayed_messages",
      "Messages in a federation queue not due yet: mostly failed deliveries waiting for a retry.",
      s.queues.map((q) => ({ labels: { queue: q.queue }, value: q.delayed })),
    ),
    ...gauge(
      "synco_queue_oldest_age_seconds",
      "Age of the oldest message waiting in a federation queue.",
      s.queues.map((q) => ({ labels: { queue: q.queue }, value: q.oldestAgeSeconds })),
    ),
  ];
}

function processLines(db: Db): string[] {
  const memory = process.memoryUsage();
  const lines = [
    ...gauge("synco_process_resident_memory_bytes", "Resident set size of this process.", [
      { value: memory.rss },
    ]),
    ...gauge("synco_process_heap_used_bytes", "V8 heap in use.", [{ value: memory.heapUsed }]),
    ...gauge("synco_process_heap_total_bytes", "V8 heap reserved.", [{ value: memory.heapTotal }]),
  ];
  const pool = db.poolStats?.();
  if (pool) {
    lines.push(
      ...gauge("synco_database_pool_connections", "PostgreSQL pool connections, by state.", [
        { labels: { state: "total" }, value: pool.total },
        { labels: { state: "idle" }, value: pool.idle },
      ]),
      ...gauge("synco_database_pool_waiting", "Queries waiting for a pool connection.", [
        { value: pool.waiting },
      ]),
    );
  }
  return lines;
}
