/**
 * The opsroom through its pages and API on a real node: a manager defines an
 * indicator (a member may not; bad definitions are 422 and write nothing),
 * members report by form, CSV and API (bad reports are 4xx naming the line or
 * entry, and write nothing), the detector's alarm shows on the chart and its
 * table, a manager acknowledges it, and the wall's event stream says when the
 * board changed.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createOAuthAPIClient } from "masto";
import { assembly, type Group } from "../src/groups/groups.ts";
import { authorize, memberClient, pkce, REDIRECT, registerApp } from "./api-helpers.ts";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
let ana: SignedIn;
let bea: SignedIn;
let beaToken: string;
let coop: Group;
let indicatorId: string;
const db = () => node.node.db.db;
const count = async (table: "indicators" | "indicator_values" | "indicator_alarms") =>
  Number(
    (await db().selectFrom(table).select(db().fn.countAll().as("n")).executeTakeFirstOrThrow()).n,
  );
async function unchanged(what: () => Promise<void>) {
  const tables = ["indicators", "indicator_values", "indicator_alarms"] as const;
  const before = await Promise.all(tables.map(count));
  await what();
  assert.deepEqual(await Promise.all(tables.map(count)), before);
}
const day = (i: number) =>
  new Date(Date.UTC(2026, 5, 1) + i * 86_400_000).toISOString().slice(0, 10);
const api = (method: string, path: string, body: unknown, token = beaToken) =>
  fetch(`${node.url}/api/synco/v1/indicators${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

before(async () => {
  node = await startTestNode({ host: "127.0.211.1" });
  await createMember(node, { username: "ana", password: "long enough", role: "admin" });
  ana = await signIn(node, "ana", "long enough");
  beaToken = (await memberClient(node, "bea")).token;
  bea = await signIn(node, "bea", "correct horse battery");
  coop = await assembly(db());
});
after(() => node?.close());

const board = () => `/groups/${coop.name}/opsroom`;

test("a manager defines an indicator; a member may not; bad definitions are 422 and write nothing", async () => {
  const page = await ana.get(board());
  assert.equal(page.status, 200);
  assert.match(await page.text(), /Define an indicator/);
  assert.doesNotMatch(await (await bea.get(board())).text(), /Define an indicator/);
  const good = {
    name: "Loaves baked",
    unit: "loaves",
    frequency: "daily",
    direction: "up",
    capability: "120",
    potentiality: "150",
    threshold: "0.5",
    warmup: "20",
  };
  await unchanged(async () => {
    for (const bad of [
      { name: "" },
      { frequency: "hourly" },
      { threshold: "2" },
      { warmup: "2.5" },
      { capability: "-3" },
    ]) {
      const res = await ana.post(`${board()}/indicators`, { ...good, ...bad });
      assert.equal(res.status, 422, JSON.stringify(bad));
    }
    assert.equal((await bea.post(`${board()}/indicators`, good)).status, 403);
  });
  const made = await ana.post(`${board()}/indicators`, good);
  assert.equal(made.status, 303);
  indicatorId = (made.headers.get("location") ?? "").split("/").pop() ?? "";
  assert.equal(
    (await ana.post(`${board()}/indicators`, good)).status,
    422,
    "a second of the same name",
  );
});

test("bad reports by form, CSV and API are refused naming the line or entry, and write nothing", async () => {
  const path = `/opsroom/indicators/${indicatorId}`;
  await unchanged(async () => {
    assert.equal(
      (await bea.post(`${path}/values`, { period: "2026-13-01", value: "3" })).status,
      422,
    );
    assert.equal(
      (await bea.post(`${path}/values`, { period: day(0), value: "three" })).status,
      422,
    );
    const csv = new FormData();
    csv.set(
      "file",
      new File([`t,value\n${day(0)},100\n${day(1)},x\n`], "v.csv", { type: "text/csv" }),
    );
    const res = await bea.postMultipart(`${path}/csv`, csv);
    assert.equal(res.status, 422);
    assert.match(await res.text(), /line 3/);
    const r1 = await api("POST", `/${indicatorId}/values`, {
      values: [
        { period: day(0), value: 1 },
        { period: day(0), value: 2 },
      ],
    });
    assert.equal(r1.status, 422);
    assert.match(((await r1.json()) as { error: string }).error, /values\[1\]/);
    assert.equal(
      (
        await api(
          "POST",
          `/${indicatorId}/values`,
          '{"period":"2026-06-01","value":1,"__proto__":{"x":1}}',
        )
      ).status,
      422,
    );
    assert.equal(
      (
        await api("POST", "/values", {
          values: [{ indicator_id: "nope", period: day(0), value: 1 }],
        })
      ).status,
      404,
    );
    assert.equal(
      (await api("POST", `/${indicatorId}/values`, { period: day(0), value: 1 }, "not-a-token"))
        .status,
      401,
    );
  });
  // A token without write:indicators is refused.
  const app = await registerApp(node, "read write:indicators");
  const { verifier, challenge } = pkce();
  const code = await authorize(node, { username: "bea", password: "correct horse battery" }, app, {
    scope: "read",
    challenge,
  });
  const token = await createOAuthAPIClient({ url: node.url }).token.create({
    grantType: "authorization_code",
    clientId: app.clientId ?? "",
    clientSecret: app.clientSecret ?? "",
    redirectUri: REDIRECT,
    code,
    codeVerifier: verifier,
  } as never);
  assert.equal(
    (await api("POST", `/${indicatorId}/values`, { period: day(0), value: 1 }, token.accessToken))
      .status,
    403,
  );
  const listed = await fetch(`${node.url}/api/synco/v1/indicators?group=${coop.name}`, {
    headers: { authorization: `Bearer ${token.accessToken}` },
  });
  assert.equal(listed.status, 200);
  assert.equal(((await listed.json()) as { name: string }[])[0]?.name, "Loaves baked");
});

test("values by CSV, form and API; the detector's alarm is on the chart, in the table, and acknowledged by a manager", async () => {
  const path = `/opsroom/indicators/${indicatorId}`;
  const lines = Array.from({ length: 30 }, (_, i) => `${day(i)},${100 + (i % 3)}`);
  const csv = new FormData();
  csv.set("file", new File([`t,value\n${lines.join("\n")}\n`], "v.csv", { type: "text/csv" }));
  const up = await bea.postMultipart(`${path}/csv`, csv);
  assert.equal(up.status, 200);
  assert.match(await up.text(), /Reported: 30 values/);
  assert.equal((await bea.post(`${path}/values`, { period: day(30), value: "101" })).status, 200);
  const r = await api("POST", `/${indicatorId}/values`, {
    values: [
      { period: day(31), value: 140 },
      { period: day(32), value: 141 },
    ],
  });
  assert.equal(r.status, 201);
  const out = (await r.json()) as { alarms: { id: string }[] };
  assert.equal(out.alarms.length, 1);
  const alarmId = out.alarms[0]?.id ?? "";
  const page = await (await bea.get(path)).text();
  assert.match(page, /<svg[^>]+role="img"/);
  assert.match(page, /class="alarm-open"/);
  assert.match(page, /<table class="figures">/);
  assert.match(page, new RegExp(`${day(31)}</th><td>140</td>`));
  assert.match(page, /Productivity \(actuality \/ capability\)<\/dt><dd>117\.5%/);
  assert.match(await (await bea.get(board())).text(), /ops-status alert/);
  // Only managers act; a comment needs a body.
  await unchanged(async () => {
    assert.equal(
      (await bea.post(`/opsroom/alarms/${alarmId}`, { action: "acknowledge" })).status,
      403,
    );
    assert.equal(
      (await ana.post(`/opsroom/alarms/${alarmId}`, { action: "comment", body: "" })).status,
      422,
    );
    assert.equal((await ana.post(`/opsroom/alarms/${alarmId}`, { action: "explode" })).status, 422);
  });
  const notices = await (await ana.get("/notifications")).text();
  assert.match(notices, /An indicator you answer for raised an alarm:/);
  assert.match(notices, new RegExp(`href="[^"]*/opsroom/alarms/${alarmId}"`));
  assert.equal(
    (
      await ana.post(`/opsroom/alarms/${alarmId}`, {
        action: "acknowledge",
        body: "On it: the new oven.",
      })
    ).status,
    303,
  );
  const alarmPage = await (await bea.get(`/opsroom/alarms/${alarmId}`)).text();
  assert.match(alarmPage, /Acknowledged/);
  assert.match(alarmPage, /On it: the new oven\./);
  const json = (await (
    await fetch(`${node.url}/api/synco/v1/indicators/${indicatorId}`, {
      headers: { authorization: `Bearer ${beaToken}` },
    })
  ).json()) as { alarms: { state: string }[]; values: unknown[] };
  assert.equal(json.alarms[0]?.state, "acknowledged");
  assert.equal(json.values.length, 33);
});

test("the wall says when the board changed (server-sent events); strangers see nothing", async () => {
  const wall = await (await bea.get(`${board()}/wall`)).text();
  assert.match(wall, /http-equiv="refresh"/);
  assert.match(wall, /data-events="\/groups\/[^"]+\/opsroom\/events"/);
  const controller = new AbortController();
  const res = await fetch(`${node.url}${board()}/events`, {
    headers: { cookie: bea.cookie },
    signal: controller.signal,
  });
  assert.equal(res.headers.get("content-type"), "text/event-stream; charset=utf-8");
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = "";
  const first = await reader.read();
  text += decoder.decode(first.value);
  assert.equal(
    (await bea.post(`/opsroom/indicators/${indicatorId}/values`, { period: day(33), value: "141" }))
      .status,
    200,
  );
  while (!text.includes("event: changed")) {
    const next = await reader.read();
    if (next.done) break;
    text += decoder.decode(next.value);
  }
  assert.match(text, /event: changed/);
  controller.abort();
  const anon = await fetch(`${node.url}${board()}`, { redirect: "manual" });
  assert.notEqual(anon.status, 200);
  assert.doesNotMatch(await anon.text(), /Loaves baked/);
});
