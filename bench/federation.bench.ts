/**
 * Federation bench (issue 4). A node runs as a child process (SQLite, fresh data
 * dir); this process is the load generator and the remote servers, on the same
 * cores. Targets: WebFinger and actor documents ≥ 5,000 requests/s each; inbox
 * ingest of signed activities ≥ 500/s; one activity to 10,000 followers on 1,000
 * host:port origins all delivered in < 20 s with the node's RSS < 250 MB.
 * Uses wrk for the GET benches when installed, else a keep-alive node:http client.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { Agent, createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signRequest } from "@fedify/fedify";
import { createAccount } from "../src/accounts/accounts.ts";
import { openDatabase } from "../src/db/database.ts";
import { migrateToLatest } from "../src/db/migrate.ts";
import { recordEvent } from "../src/db/outbox.ts";
import { newId } from "../src/kernel/ids.ts";

/** The real start command (bin/synco: the pinned Node with the project's flags). */
const cli = join(import.meta.dirname, "..", "bin", "synco");
const HOST = "127.0.0.1";
const only = process.argv.slice(2);
const wants = (name: string) => only.length === 0 || only.includes(name);

function listen(server: Server, host = HOST): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, host, () => resolve((server.address() as AddressInfo).port)),
  );
}

async function freePort(): Promise<number> {
  const s = createServer();
  const port = await listen(s);
  await new Promise((r) => s.close(r));
  return port;
}

function rssMb(pid: number, field: "VmRSS" | "VmHWM" = "VmRSS"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1]) / 1024;
}

/** User + system CPU time the process has used so far (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks
}

type Req = { method: string; path: string; headers: Record<string, string>; body?: string };

/** Sends `total` requests, `concurrency` at a time, over keep-alive connections. */
async function load(port: number, total: number, concurrency: number, make: (i: number) => Req) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  const statuses = new Map<number, number>();
  const one = (r: Req) =>
    new Promise<number>((resolve, reject) => {
      const req = request(
        { host: HOST, port, method: r.method, path: r.path, headers: r.headers, agent },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", reject);
      req.end(r.body);
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const status = await one(make(next++));
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { rps: total / seconds, seconds, statuses: Object.fromEntries(statuses) };
}

function hasWrk(): boolean {
  return spawnSync("wrk", ["--version"]).error === undefined;
}

/** wrk for 5 s at 2 threads / 64 connections; returns requests per second. */
function wrk(url: string, accept: string): { rps: number; non2xx: number } {
  const r = spawnSync("wrk", ["-t2", "-c64", "-d5s", "-H", `Accept: ${accept}`, url], {
    encoding: "utf8",
  });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1]);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(r.stdout)?.[1] ?? 0);
  return { rps, non2xx };
}

async function getBench(name: string, port: number, path: string, accept: string) {
  const make = () => ({ method: "GET", path, headers: { accept } });
  await load(port, 2_000, 32, make); // warm-up: Fedify loaded, keys made, caches filled
  if (hasWrk()) {
    const r = wrk(`http://${HOST}:${port}${path}`, accept);
    console.log(
      `${name}: ${r.rps.toFixed(0)} requests/s (wrk, 64 connections, 5 s; non-2xx ${r.non2xx}) (target ≥ 5000): ${r.rps >= 5000 && r.non2xx === 0 ? "ok" : "MISSED"}`,
    );
    return;
  }
  const r = await load(port, 40_000, 64, make);
  console.log(
    `${name}: ${r.rps.toFixed(0)} requests/s (node:http client, 64 connections; statuses ${JSON.stringify(r.statuses)}) (target ≥ 5000): ${r.rps >= 5000 ? "ok" : "MISSED"}`,
  );
}

// ---- the node under test: a fresh one (new SQLite database) for each part ----
async function startNode() {
  const dataDir = mkdtempSync(join(tmpdir(), "synco-bench-fed-"));
  const databaseUrl = `sqlite:${join(dataDir, "synco.db")}`;
  const db = await openDatabase(databaseUrl);
  await migrateToLatest(db.db);
  const created = await createAccount(
    db.db,
    { username: "ann", email: "ann@example.test", password: "password123" },
    { passwordCost: 8 },
  );
  if (!created.ok) throw new Error(created.reason);
  const port = await freePort();
  const domain = `${HOST}:${port}`;
  const origin = `http://${domain}`;
  const child: ChildProcess = spawn(cli, ["start", "--role", process.env.BENCH_ROLE ?? "all"], {
    env: {
      ...process.env,
      SYNCO_HOST: HOST,
      SYNCO_PORT: String(port),
      SYNCO_DOMAIN: domain,
      SYNCO_DATA_DIR: dataDir,
      SYNCO_DATABASE_URL: databaseUrl,
      SYNCO_ALLOW_PRIVATE_ADDRESS: "1",
      SYNCO_LOG_LEVEL: "error",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const kill = () => child.kill("SIGKILL");
  process.on("exit", kill);
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${origin}/healthz`)).ok) break;
    } catch {
      if (i > 500) throw new Error("the node did not start");
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  return {
    port,
    domain,
    origin,
    db,
    ann: created.value,
    pid: child.pid ?? 0,
    async stop() {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
      process.off("exit", kill);
      await db.close();
    },
  };
}

if (wants("webfinger") || wants("actor")) {
  const { port, domain, stop } = await startNode();
  if (wants("webfinger"))
    await getBench(
      "WebFinger",
      port,
      `/.well-known/webfinger?resource=acct:ann@${domain}`,
      "application/jrd+json",
    );
  if (wants("actor"))
    await getBench("actor document", port, "/users/ann", "application/activity+json");
  await stop();
}

// ---- inbox ingest: signed Create(Note) activities from one remote actor ----
if (wants("inbox")) {
  const { port, origin, pid, db, stop } = await startNode();
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const remote = createServer((req, res) => {
    const actorId = `http://${req.headers.host}/users/remote`;
    res.writeHead(200, { "content-type": "application/activity+json" });
    res.end(
      JSON.stringify({
        "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
        id: actorId,
        type: "Person",
        preferredUsername: "remote",
        inbox: `${actorId}/inbox`,
        publicKey: {
          id: `${actorId}#main-key`,
          owner: actorId,
          publicKeyPem: publicKey.export({ type: "spki", format: "pem" }),
        },
      }),
    );
  });
  const remotePort = await listen(remote);
  const actorId = `http://${HOST}:${remotePort}/users/remote`;
  const key = await crypto.subtle.importKey(
    "pkcs8",
    privateKey.export({ type: "pkcs8", format: "der" }),
    { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    true,
    ["sign"],
  );
  const TOTAL = 4_000;
  const signed: Req[] = [];
  const signingStarted = performance.now();
  for (let i = 0; i < TOTAL; i++) {
    const body = JSON.stringify({
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${actorId}/activities/${i}`,
      type: "Create",
      actor: actorId,
      to: "https://www.w3.org/ns/activitystreams#Public",
      object: {
        id: `${actorId}/notes/${i}`,
        type: "Note",
        attributedTo: actorId,
        content: `<p>Note ${i}</p>`,
        to: "https://www.w3.org/ns/activitystreams#Public",
      },
    });
    const req = await signRequest(
      new Request(`${origin}/inbox`, {
        method: "POST",
        headers: { "content-type": "application/activity+json" },
        body,
      }),
      key,
      new URL(`${actorId}#main-key`),
      { spec: "draft-cavage-http-signatures-12" },
    );
    signed.push({ method: "POST", path: "/inbox", headers: Object.fromEntries(req.headers), body });
  }
  const signing = (performance.now() - signingStarted) / 1000;
  await load(port, 200, 16, (i) => signed[i] as Req); // warm-up (the key is fetched once)
  const cpuBefore = cpuSeconds(pid);
  const r = await load(port, TOTAL - 200, 64, (i) => signed[i + 200] as Req);
  const cpu = cpuSeconds(pid) - cpuBefore;
  // Accepted is queued: also wait until every activity has been handled.
  const waitStarted = performance.now();
  const pending = async () =>
    Number(
      (
        await db.db
          .selectFrom("queue_messages")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .where("queue", "=", "inbox")
          .executeTakeFirstOrThrow()
      ).n,
    );
  while ((await pending()) > 0 && performance.now() - waitStarted < 60_000)
    await new Promise((resolve) => setTimeout(resolve, 20));
  const drained = (performance.now() - waitStarted) / 1000;
  console.log(
    `inbox ingest: node CPU ${cpu.toFixed(1)} s over ${r.seconds.toFixed(1)} s (${((cpu * 1000) / (TOTAL - 200)).toFixed(2)} ms per activity, web and worker together)`,
  );
  console.log(
    `inbox ingest: ${r.rps.toFixed(0)} signed activities/s accepted (statuses ${JSON.stringify(r.statuses)}; signed beforehand in ${signing.toFixed(1)} s) (target ≥ 500): ${r.rps >= 500 && (r.statuses[202] ?? 0) === TOTAL - 200 ? "ok" : "MISSED"}`,
  );
  console.log(
    `inbox ingest: all handled ${drained.toFixed(2)} s after the last was accepted (${((TOTAL - 200) / (r.seconds + drained)).toFixed(0)} activities/s accepted and handled); node peak RSS ${rssMb(pid, "VmHWM").toFixed(0)} MB`,
  );
  remote.close();
  await stop();
}

// ---- fan-out: one activity to 10,000 followers on 1,000 origins ----
if (wants("fanout")) {
  const { origin, db, ann, pid, stop } = await startNode();
  const ORIGINS = Number(process.env.BENCH_ORIGINS ?? 1_000);
  const PER_ORIGIN = 10;
  const shared = !process.env.BENCH_NO_SHARED_INBOX;
  let deliveries = 0;
  const sinks: Server[] = [];
  const sinkPorts: number[] = [];
  for (let o = 0; o < ORIGINS; o++) {
    const sink = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        if (req.method === "POST") deliveries++;
        res.writeHead(202).end();
      });
    });
    sinks.push(sink);
    sinkPorts.push(await listen(sink));
  }
  const now = new Date().toISOString();
  const actors = [];
  const follows = [];
  for (let o = 0; o < ORIGINS; o++) {
    const base = `http://${HOST}:${sinkPorts[o]}`;
    for (let f = 0; f < PER_ORIGIN; f++) {
      const id = newId();
      const uri = `${base}/users/f${f}`;
      actors.push({
        id,
        uri,
        handle: `f${f}@${HOST}:${sinkPorts[o]}`,
        type: "Person",
        username: `f${f}`,
        host: `${HOST}:${sinkPorts[o]}`,
        url: null,
        avatar_url: null,
        inbox_url: `${uri}/inbox`,
        shared_inbox_url: shared ? `${base}/inbox` : null,
        followers_url: null,
        following_url: null,
        fetched_at: now,
        created_at: now,
      });
      follows.push({
        id: newId(),
        follower_uri: uri,
        followee_uri: `${origin}/users/ann`,
        follower_account_id: null,
        follower_remote_id: id,
        followee_account_id: ann.id,
        followee_remote_id: null,
        status: "accepted" as const,
        activity_uri: `${uri}#follow`,
        created_at: now,
        accepted_at: now,
      });
    }
  }
  for (let i = 0; i < actors.length; i += 500) {
    await db.db
      .insertInto("remote_actors")
      .values(actors.slice(i, i + 500))
      .execute();
    await db.db
      .insertInto("follows")
      .values(follows.slice(i, i + 500))
      .execute();
  }
  const expected = shared ? ORIGINS : ORIGINS * PER_ORIGIN;
  // Fedify loaded and warm (as on any node that has federated) before the fan-out starts.
  await fetch(`${origin}/users/ann`, { headers: { accept: "application/activity+json" } });
  const rssBefore = rssMb(pid);
  const started = performance.now();
  await db.db
    .transaction()
    .execute((trx) =>
      recordEvent(trx, { type: "accounts.account.updated", payload: { accountId: ann.id } }),
    );
  let peak = rssBefore;
  while (deliveries < expected && performance.now() - started < 120_000) {
    peak = Math.max(peak, rssMb(pid));
    if (process.env.BENCH_TRACE)
      console.log(
        `${(performance.now() - started).toFixed(0)} ms: ${deliveries} delivered, RSS ${rssMb(pid).toFixed(0)} MB`,
      );
    await new Promise((r) => setTimeout(r, 50));
  }
  const seconds = (performance.now() - started) / 1000;
  peak = Math.max(peak, rssMb(pid, "VmHWM"));
  console.log(
    `fan-out: ${deliveries}/${expected} deliveries (${ORIGINS * PER_ORIGIN} followers on ${ORIGINS} origins, ${shared ? "shared inboxes" : "one inbox each"}) in ${seconds.toFixed(1)} s (target < 20 s): ${deliveries >= expected && seconds < 20 ? "ok" : "MISSED"}; node RSS ${rssBefore.toFixed(0)} MB before, peak ${peak.toFixed(0)} MB (target < 250 MB): ${peak < 250 ? "ok" : "MISSED"}`,
  );
  for (const s of sinks) s.close();
  await stop();
}

process.exit(0);
