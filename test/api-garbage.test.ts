/**
 * "Never a 500": every route of the client API, called with made-up ids and
 * with bodies of the wrong shape (JSON of wrong types, an empty form, broken
 * JSON), answers 4xx (or 2xx) — never a server error.
 */
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { apiRoutes, StreamingHub } from "../src/api/index.ts";
import { memberClient } from "./api-helpers.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
let token: string;
before(async () => {
  node = await startTestNode({ host: "127.0.36.1" });
  token = (await memberClient(node, "ada")).token;
});
after(() => node.close());

const ids = ["01900000-0000-7000-8000-000000000000", "nope", "%27%3B--", "9".repeat(300)];
const bodies: { type?: string; body?: string }[] = [
  {},
  {
    type: "application/json",
    body: JSON.stringify({
      status: ["x"],
      id: { a: 1 },
      choices: "x",
      limit: -5,
      title: 7,
      file: "x",
      poll: "x",
      media_ids: "x",
      account_ids: [1],
      home: "x",
      q: ["x"],
    }),
  },
  { type: "application/json", body: "[1,2" },
  {
    type: "application/x-www-form-urlencoded",
    body: "a[b][]=1&a[b][c]=2&poll[options]=x&choices[]=z&limit=99999999999999999999",
  },
];

const queries = [
  "",
  "?limit=abc&max_id=ID&types[]=x&q=ID",
  "?since_id=ID&min_id=ID&acct=ID@x&q=@ID@127.0.0.1&resolve=true&id[]=ID",
];

it("no route answers 500, whatever it is sent", async () => {
  const fake = {
    db: node.node.db.db,
    config: node.node.config,
    coop: node.node.coop,
    federation: node.node.federation,
    limiter: undefined as never,
    clock: { now: () => new Date() },
  };
  const routes = apiRoutes(fake, new StreamingHub(fake)).routes.filter(
    (r) => r.method !== "ALL" && r.path.startsWith("/api/"),
  );
  assert.ok(routes.length > 80, `${routes.length} routes`);
  const failures: string[] = [];
  for (const route of routes) {
    for (const id of ids) {
      const path = route.path.replace(/:[a-z]+/g, id);
      for (const [b, query] of bodies.flatMap((b) => queries.map((q) => [b, q] as const))) {
        if (route.method === "GET" && b.body) continue;
        const res = await fetch(`${node.url}${path}${query.replaceAll("ID", id)}`, {
          method: route.method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(b.type ? { "content-type": b.type } : {}),
          },
          body: b.body ?? null,
        });
        if (res.status >= 500)
          failures.push(
            `${route.method} ${path} ${b.body ?? ""} → ${res.status} ${await res.text()}`,
          );
        // A stream (server-sent events) never ends by itself: its answer has begun.
        else if (res.headers.get("content-type")?.startsWith("text/event-stream"))
          await res.body?.cancel();
        else await res.arrayBuffer();
      }
    }
  }
  assert.deepEqual(failures, []);
});
