/**
 * /healthz, /readyz and /metrics on a real node (issue 25, observability): the probes
 * answer without a session or cookie and are never cached, readiness fails with the
 * database, metrics need the configured token, count requests by route pattern with
 * a bounded label set, and every answer carries a request id.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { createNode } from "../src/app.ts";
import { MAX_SERIES } from "../src/metrics.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

const TOKEN = "metrics-token-".padEnd(40, "m");
let node: TestNode;
let bare: TestNode;

before(async () => {
  node = await startTestNode({ host: "127.0.41.1", env: { SYNCO_METRICS_TOKEN: TOKEN } });
  bare = await startTestNode({ host: "127.0.41.2" });
});
after(async () => {
  await node.close();
  await bare.close();
});

const get = (n: TestNode, path: string, headers: Record<string, string> = {}) =>
  fetch(`${n.url}${path}`, { headers });

async function scrape(): Promise<string> {
  const res = await get(node, "/metrics", { authorization: `Bearer ${TOKEN}` });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  return res.text();
}

/** The value of one sample line (name and labels exactly as written), or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("health probes", () => {
  it("/healthz answers ok, uncached, with no cookie", async () => {
    const res = await get(node, "/healthz");
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "ok");
    assert.equal(res.headers.get("cache-control"), "no-store");
    assert.equal(res.headers.get("set-cookie"), null);
  });

  it("/readyz reports the database and the queue's depth and oldest age", async () => {
    const db = node.node.db.db;
    const old = new Date(Date.now() - 90_000).toISOString();
    await db
      .insertInto("queue_messages")
      .values({
        id: "01900000-0000-7000-8000-00000000a001",
        queue: "outbox",
        payload: "{}",
        ordering_key: null,
        available_at: old,
        created_at: old,
      })
      .execute();
    const res = await get(node, "/readyz");
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("cache-control"), "no-store");
    assert.equal(res.headers.get("set-cookie"), null);
    const body = (await res.json()) as {
      database: string;
      queue: { pending: number; oldestAgeSeconds: number };
    };
    assert.equal(body.database, "ok");
    assert.equal(body.queue.pending, 1);
    assert.ok(body.queue.oldestAgeSeconds >= 89, `age ${body.queue.oldestAgeSeconds}`);
  });

  it("/readyz answers 503 with the reason once the database is closed", async () => {
    const { config } = node.node;
    const { freshDatabaseUrl } = await import("./support/db.ts");
    const other = await createNode({ ...config, databaseUrl: await freshDatabaseUrl() });
    assert.equal((await other.app.request("/readyz")).status, 200);
    await other.db.close();
    const res = await other.app.request("/readyz");
    assert.equal(res.status, 503);
    const body = (await res.json()) as { database: string; reason: string };
    assert.equal(body.database, "unavailable");
    assert.ok(body.reason.length > 0);
    // The process itself still answers.
    assert.equal((await other.app.request("/healthz")).status, 200);
  });
});

describe("/metrics", () => {
  it("is 404 when no token is configured", async () => {
    assert.equal((await get(bare, "/metrics")).status, 404);
    assert.equal((await get(bare, "/metrics", { authorization: `Bearer ${TOKEN}` })).status, 404);
  });

  it("asks for the token (401) and refuses a wrong one (403)", async () => {
    const missing = await get(node, "/metrics");
    assert.equal(missing.status, 401);
    assert.match(missing.headers.get("www-authenticate") ?? "", /^Bearer/);
    assert.equal((await get(node, "/metrics", { authorization: "Bearer wrong" })).status, 403);
    const almost = await get(node, "/metrics", { authorization: `Bearer ${TOKEN}x` });
    assert.equal(almost.status, 403);
    assert.doesNotMatch(await almost.text(), /synco_/);
  });

  it("counts requests by route pattern and reports queues, outbox and memory", async () => {
    await node.node.db.db
      .insertInto("outbox_events")
      .values({
        id: "01900000-0000-7000-8000-00000000b001",
        type: "test.thing.happened",
        payload: "{}",
        created_at: new Date(Date.now() - 30_000).toISOString(),
        relayed_at: null,
      })
      .execute();
    await node.node.db.db
      .insertInto("queue_messages")
      .values({
        id: "01900000-0000-7000-8000-00000000a002",
        queue: "fanout",
        payload: "{}",
        ordering_key: null,
        available_at: new Date(Date.now() + 3_600_000).toISOString(),
        created_at: new Date().toISOString(),
      })
      .execute();
    const healthz = 'synco_http_requests_total{method="GET",route="/healthz",status="2xx"}';
    const status =
      'synco_http_requests_total{method="GET",route="/api/v1/statuses/:id",status="4xx"}';
    const first = await scrape();
    const before = sample(first, healthz) ?? 0;
    const beforeStatus = sample(first, status) ?? 0;
    const latency = sample(first, "synco_http_request_duration_seconds_count") ?? 0;
    for (let i = 0; i < 3; i++) await (await get(node, "/healthz")).text();
    // Two different missing statuses: one series, the pattern, not the paths.
    await (await get(node, "/api/v1/statuses/nobody1")).text();
    await (await get(node, "/api/v1/statuses/nobody2")).text();
    const text = await scrape();
    assert.equal(sample(text, healthz), before + 3);
    assert.ok((sample(text, "synco_http_request_duration_seconds_count") ?? 0) >= latency + 5);
    assert.equal(text.includes("nobody1"), false);
    assert.equal(
      sample(text, 'synco_http_request_duration_seconds_bucket{le="+Inf"}'),
      sample(text, "synco_http_request_duration_seconds_count"),
    );
    assert.equal(sample(text, status), beforeStatus + 2);
    assert.equal(sample(text, "synco_outbox_pending"), 1);
    assert.ok((sample(text, "synco_outbox_oldest_age_seconds") ?? 0) >= 29);
    assert.equal(sample(text, 'synco_queue_messages{queue="outbox"}'), 1);
    assert.ok((sample(text, 'synco_queue_oldest_age_seconds{queue="outbox"}') ?? 0) >= 89);
    // The fan-out message is due in an hour (a retry waiting); the delivery is due now.
    assert.equal(sample(text, 'synco_queue_delayed_messages{queue="fanout"}'), 1);
    assert.equal(sample(text, 'synco_queue_delayed_messages{queue="outbox"}'), 0);
    assert.ok((sample(text, "synco_process_resident_memory_bytes") ?? 0) > 0);
    assert.ok((sample(text, "synco_process_heap_used_bytes") ?? 0) > 0);
    assert.equal(sample(text, "synco_database_up"), 1);
    if (node.node.db.dialect === "postgres") {
      assert.ok((sample(text, 'synco_database_pool_connections{state="total"}') ?? 0) >= 1);
    }
  });

  it("a flood of random paths and methods does not grow the label set", async () => {
    const series = (text: string) =>
      text.split("\n").filter((l) => l.startsWith("synco_http_requests_total{")).length;
    const start = series(await scrape());
    for (let i = 0; i < 300; i++) {
      const path = `/${randomBytes(6).toString("hex")}/${randomBytes(4).toString("hex")}?q=${i}`;
      const method = ["GET", "POST", "PURGE", "BREW"][i % 4] ?? "GET";
      await (await fetch(`${node.url}${path}`, { method })).text();
    }
    const end = series(await scrape());
    // A few new (method, status class) pairs at most, never one per path.
    assert.ok(end - start <= 12, `${start} → ${end} series`);
    assert.ok(end <= MAX_SERIES + 8 * 6);
  });
});

describe("request ids", () => {
  it("echoes a valid x-request-id and replaces a hostile one", async () => {
    const kept = await get(node, "/healthz", { "x-request-id": "abc-123-DEF" });
    assert.equal(kept.headers.get("x-request-id"), "abc-123-DEF");
    for (const hostile of ["a".repeat(65), "id with spaces", "x\u00e9", "<script>", "a_b"]) {
      const res = await get(node, "/healthz", { "x-request-id": hostile });
      const id = res.headers.get("x-request-id") ?? "";
      assert.notEqual(id, hostile);
      assert.match(id, /^[A-Za-z0-9-]{1,64}$/);
    }
    const fresh = await get(node, "/nowhere-at-all");
    assert.equal(fresh.status, 404);
    assert.match(fresh.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
  });
});
