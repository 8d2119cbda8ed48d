import assert from "node:assert/strict";
import { AsyncLocalStorage } from "node:async_hooks";
import { describe, it } from "node:test";
import { configure, getLogger, type LogRecord, reset } from "@logtape/logtape";
import { Hono } from "hono";
import { labels, RequestMetrics } from "./metrics.ts";
import { observeRequests } from "./observability.ts";

describe("RequestMetrics", () => {
  it("keeps at most its cap of label combinations; the rest count as (other)", () => {
    const metrics = new RequestMetrics(50);
    for (let i = 0; i < 2_000; i++) metrics.record("GET", `/route-${i}`, 200, 0.001);
    assert.equal(metrics.seriesCount, 51);
    const lines = metrics.render();
    const other = lines.find((l) => l.includes('route="(other)"'));
    assert.equal(
      other,
      'synco_http_requests_total{method="GET",route="(other)",status="2xx"} 1950',
    );
    assert.ok(lines.includes("synco_http_request_duration_seconds_count 2000"));
  });

  it("folds unknown methods and odd statuses into fixed values", () => {
    const metrics = new RequestMetrics();
    metrics.record("BREW", "*", 418, 20);
    metrics.record("PURGE", "*", 404, 0.3);
    const lines = metrics.render();
    assert.ok(lines.includes('synco_http_requests_total{method="OTHER",route="*",status="4xx"} 2'));
    assert.ok(lines.includes('synco_http_request_duration_seconds_bucket{le="1"} 1'));
    assert.ok(lines.includes('synco_http_request_duration_seconds_bucket{le="+Inf"} 2'));
  });

  it("escapes label values", () => {
    assert.equal(labels({ a: 'x"y\\z\nw' }), '{a="x\\"y\\\\z\\nw"}');
  });
});

describe("observeRequests", () => {
  it("puts the request id in every log line written while the request runs", async () => {
    const records: LogRecord[] = [];
    await configure({
      reset: true,
      contextLocalStorage: new AsyncLocalStorage(),
      sinks: { buffer: (record) => records.push(record) },
      loggers: [
        { category: ["test"], sinks: ["buffer"], lowestLevel: "debug" },
        { category: ["logtape", "meta"], sinks: [], lowestLevel: "warning" },
      ],
    });
    try {
      const app = new Hono();
      app.use(observeRequests(new RequestMetrics()));
      app.get("/work", async (c) => {
        await Promise.resolve();
        getLogger(["test"]).info("working");
        return c.text("done");
      });
      const res = await app.request("/work", { headers: { "x-request-id": "req-42" } });
      assert.equal(res.headers.get("x-request-id"), "req-42");
      assert.equal(records.length, 1);
      assert.equal(records[0]?.properties.requestId, "req-42");
    } finally {
      await reset();
    }
  });
});
