/**
 * Scale-out on PostgreSQL (issue 25): two `synco start --role web` processes behind
 * a round-robin proxy (no sticky sessions) and two `--role worker` processes, real
 * child processes on one fresh database. Together they must behave as one node:
 * a session and an OAuth token made through one web process work on the other;
 * stream clients on either web process get every post made through either; the
 * workers share deliveries to a receiving server without sending one twice; a
 * worker killed mid-burst loses nothing; rate limits count across processes.
 *
 * Only on PostgreSQL: SQLite is one file for one process, and the test says so
 * when it skips.
 */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import { createAccount } from "../src/accounts/accounts.ts";
import { type Db, openDatabase } from "../src/db/database.ts";
import { waitFor } from "../src/federation/testing.ts";
import { pkce, REDIRECT } from "./api-helpers.ts";
import { freshDatabaseUrl } from "./support/db.ts";
import { openEventStream } from "./support/event-stream.ts";
import { type GatedInbox, startGatedInbox } from "./support/gated-inbox.ts";
import { signIn, visitor } from "./support/login.ts";
import type { TestNode } from "./support/node.ts";
import { type RemoteActor, startRemoteActor } from "./support/remote-actor.ts";
import { type RoundRobinProxy, startRoundRobinProxy } from "./support/round-robin-proxy.ts";
import { openStreamSocket } from "./support/stream-socket.ts";
import { type SyncoProcess, startSyncoProcess } from "./support/synco-process.ts";

const SKIP = process.env.TEST_DATABASE_URL
  ? false
  : "scale-out is a PostgreSQL feature (several processes share one database); " +
    "set TEST_DATABASE_URL=postgres://… to run it";
if (SKIP) console.log(`# test/scale-out.test.ts skipped: ${SKIP}`);

const PASSWORD = "correct horse battery";
const AS = "https://www.w3.org/ns/activitystreams";
const PROXY_HOST = "127.0.5.1";
const WEB_HOSTS = ["127.0.5.2", "127.0.5.3"];

/** The login and API helpers only need a base URL: one web process, or the proxy. */
const at = (url: string) => ({ url }) as TestNode;

describe("scale-out: two web and two worker processes on one PostgreSQL", { skip: SKIP }, () => {
  const processes: SyncoProcess[] = [];
  let proxy: RoundRobinProxy;
  let inbox: GatedInbox;
  let remote: RemoteActor;
  let db: Db;
  let databaseUrl: string;
  let web: string[] = [];
  let origin: string;
  /** Ann's OAuth token, made across the two web processes (first test). */
  let token = "";

  const as = (name: string) => {
    const url = new URL(databaseUrl);
    // Each process's connections say whose they are (pg_stat_activity).
    url.searchParams.set("application_name", name);
    return url.toString();
  };

  before(async () => {
    databaseUrl = await freshDatabaseUrl();
    db = await openDatabase(databaseUrl, { poolSize: 2 });
    for (const username of ["ann", "bob"]) {
      const made = await createAccount(
        db.db,
        { username, email: `${username}@example.test`, password: PASSWORD },
        { passwordCost: 8 },
      );
      assert.ok(made.ok);
    }
    proxy = await startRoundRobinProxy(PROXY_HOST);
    origin = proxy.url;
    inbox = await startGatedInbox("127.0.5.8");
    const env = (name: string, host: string) => ({
      SYNCO_DOMAIN: `${PROXY_HOST}:${proxy.port}`,
      SYNCO_HOST: host,
      SYNCO_PORT: "0",
      SYNCO_DATABASE_URL: as(name),
      // Each process its own data dir: nothing but the database and the secret is shared.
      SYNCO_DATA_DIR: mkdtempSync(join(tmpdir(), `synco-${name}-`)),
      SYNCO_SECRET: "scale-out-secret-".padEnd(40, "x"),
      SYNCO_PASSWORD_COST: "8",
      SYNCO_ALLOW_PRIVATE_ADDRESS: "1",
      SYNCO_TRUSTED_PROXIES: PROXY_HOST,
      SYNCO_LOG_LEVEL: "error",
    });
    const started = [
      startSyncoProcess("web-1", "web", env("web-1", WEB_HOSTS[0] ?? "")),
      startSyncoProcess("web-2", "web", env("web-2", WEB_HOSTS[1] ?? "")),
      startSyncoProcess("worker-1", "worker", env("worker-1", "127.0.5.4")),
      startSyncoProcess("worker-2", "worker", env("worker-2", "127.0.5.5")),
    ];
    processes.push(...started);
    await Promise.all(started.map((p) => p.ready));
    const webs = started.filter((p) => p.role === "web");
    proxy.backends = webs.map((p, i) => ({ host: WEB_HOSTS[i] ?? "", port: p.port }));
    web = webs.map((p, i) => `http://${WEB_HOSTS[i]}:${p.port}`);
    // The workers print nothing: they are up once their connections show in the database.
    await waitFor(
      "both workers connected",
      async () => {
        const { rows } = await sql<{ name: string }>`
        select distinct application_name as name from pg_stat_activity
        where datname = current_database()
          and application_name in ('worker-1', 'worker-2')`.execute(db.db);
        return rows.length === 2;
      },
      120_000,
    );
  });

  after(async () => {
    // Every child goes, whatever happened above: SIGKILL does not wait for a clean stop.
    await Promise.all(processes.map((p) => p.stop("SIGKILL")));
    await proxy?.close();
    await inbox?.close();
    remote?.close();
    await db?.close();
  });

  it("a session and an OAuth token made through one web process work on the other", async () => {
    const [a = "", b = ""] = web;
    const session = await signIn(at(a), "ann", PASSWORD);
    const settingsOnB = await fetch(`${b}/settings`, {
      redirect: "manual",
      headers: { cookie: session.cookie },
    });
    assert.equal(settingsOnB.status, 200, "web-2 knows the session web-1 made");
    assert.match(await settingsOnB.text(), /<a href="\/@ann">ann<\/a>/, "as ann");
    const anonymous = await fetch(`${b}/settings`, { redirect: "manual" });
    assert.notEqual(anonymous.status, 200, "without the cookie web-2 shows no settings");

    // The app is registered on web-1, consent is asked on web-2 and given on web-1,
    // the code is exchanged on web-2; the token then works on both.
    const app = (await (
      await fetch(`${a}/api/v1/apps`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          client_name: "Scale-out",
          redirect_uris: REDIRECT,
          scopes: "read write follow",
        }),
      })
    ).json()) as { client_id: string; client_secret: string };
    const { verifier, challenge } = pkce();
    const query = new URLSearchParams({
      response_type: "code",
      client_id: app.client_id,
      redirect_uri: REDIRECT,
      scope: "read write follow",
      state: "s1",
      code_challenge: challenge,
      code_challenge_method: "S256",
    });
    const consent = await fetch(`${b}/oauth/authorize?${query}`, {
      headers: { cookie: session.cookie },
    });
    assert.equal(consent.status, 200);
    const form = Object.fromEntries(
      [
        ...(await consent.text()).matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g),
      ].map((m) => [m[1] ?? "", (m[2] ?? "").replace(/&amp;/g, "&")]),
    );
    const approved = await fetch(`${a}/oauth/authorize`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie: session.cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ ...form, decision: "approve" }),
    });
    assert.equal(approved.status, 303);
    const code = new URL(approved.headers.get("location") ?? "").searchParams.get("code") ?? "";
    const exchanged = await fetch(`${b}/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        client_id: app.client_id,
        client_secret: app.client_secret,
        redirect_uri: REDIRECT,
        code,
        code_verifier: verifier,
      }),
    });
    assert.equal(exchanged.status, 200);
    token = ((await exchanged.json()) as { access_token: string }).access_token;
    for (const url of [a, b]) {
      const me = await fetch(`${url}/api/v1/accounts/verify_credentials`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(me.status, 200, `the token works on ${url}`);
      assert.equal(((await me.json()) as { username: string }).username, "ann");
    }

    // Logging out on web-2, with the form token web-1 gave, ends the session on web-1.
    const out = await fetch(`${b}/logout`, {
      method: "POST",
      redirect: "manual",
      headers: { cookie: session.cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: session.csrf }),
    });
    assert.equal(out.status, 303);
    // A process keeps a session row it read for at most a second (sessions.ts; a write
    // of its own drops it at once): the other process refuses it within that bound.
    const deadline = performance.now() + 5_000;
    let status = 200;
    while (status === 200 && performance.now() < deadline) {
      const settingsOnA = await fetch(`${a}/settings`, {
        redirect: "manual",
        headers: { cookie: session.cookie },
      });
      status = settingsOnA.status;
      await settingsOnA.arrayBuffer();
    }
    assert.notEqual(status, 200, "web-1 no longer knows the session");
  });

  it("stream clients on each web process get every post made through either", async () => {
    assert.ok(token, "the first test made a token");
    const [a = "", b = ""] = web;
    const ws = (base: string) =>
      openStreamSocket(`${base.replace("http", "ws")}/api/v1/streaming?access_token=${token}`);
    const sockets = [ws(a), ws(b), ws(origin)];
    for (const s of sockets) {
      assert.equal(await s.opened, true);
      s.subscribe("public:local");
    }
    const sse = [
      await openEventStream(`${a}/api/v1/streaming/public/local`, token),
      await openEventStream(`${b}/api/v1/streaming/public/local`, token),
    ];
    for (const s of sse) assert.equal(s.status, 200);
    const seen = () => [
      ...sockets.map((s) =>
        s.messages.flatMap((m) =>
          m.event === "update" ? [(JSON.parse(m.payload ?? "{}") as { id: string }).id] : [],
        ),
      ),
      ...sse.map((s) =>
        s.events.flatMap((e) =>
          e.event === "update" ? [(JSON.parse(e.data) as { id: string }).id] : [],
        ),
      ),
    ];
    const post = async (base: string, text: string) => {
      const res = await fetch(`${base}/api/v1/statuses`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ status: text, visibility: "public" }),
      });
      assert.equal(res.status, 200);
      return ((await res.json()) as { id: string }).id;
    };
    try {
      // A subscription is taken a moment after the socket opens: post probes until
      // one reaches all five clients; every later post must reach them all too.
      const deadline = Date.now() + 20_000;
      for (let n = 0; ; n++) {
        const probe = await post(a, `probe ${n}`);
        const everywhere = () => seen().every((ids) => ids.includes(probe));
        if (await waitFor("a probe on every stream", everywhere, 2_000).catch(() => false)) break;
        assert.ok(Date.now() < deadline, "the clients never all subscribed");
      }
      const posted: string[] = [];
      for (let i = 0; i < 3; i++) {
        posted.push(await post(a, `from web-1 #${i}`));
        posted.push(await post(b, `from web-2 #${i}`));
      }
      await waitFor(
        "every post on every stream",
        () => seen().every((ids) => posted.every((id) => ids.includes(id))),
        20_000,
      );
      for (const ids of seen())
        for (const id of posted)
          assert.equal(ids.filter((x) => x === id).length, 1, "each post once per stream");
    } finally {
      for (const s of sockets) s.ws.close();
      for (const s of sse) s.close();
    }
  });

  it("the login limit counts attempts on both web processes together", async () => {
    const start = await visitor(at(origin));
    const from = proxy.routed.length;
    const attempt = (password: string) =>
      fetch(`${origin}/login`, {
        method: "POST",
        redirect: "manual",
        headers: { cookie: start.cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ _csrf: start.csrf, login: "bob", password }),
      });
    // 10 guesses per account and address in 15 minutes (limits.loginPerAccountAndIp).
    for (let i = 0; i < 10; i++) assert.equal((await attempt(`wrong ${i}`)).status, 401);
    const refused = await attempt(PASSWORD);
    assert.equal(refused.status, 429, "the 11th try is refused, the right password too");
    const perBackend = [0, 0];
    for (const r of proxy.routed.slice(from))
      if (r.method === "POST" && r.path === "/login")
        perBackend[r.backend] = (perBackend[r.backend] ?? 0) + 1;
    assert.equal((perBackend[0] ?? 0) + (perBackend[1] ?? 0), 11);
    assert.ok(
      perBackend.every((n) => n > 0 && n <= 10),
      `both web processes took tries and neither saw more than 10 (${perBackend})`,
    );
    // And straight to each process, from the same address: refused on both.
    for (const url of web) {
      const direct = await visitor(at(url));
      const res = await fetch(`${url}/login`, {
        method: "POST",
        redirect: "manual",
        headers: { cookie: direct.cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ _csrf: direct.csrf, login: "bob", password: PASSWORD }),
      });
      assert.equal(res.status, 429);
    }
  });

  /**
   * Ann's public posts through the proxy (either web process), eight requests at a
   * time so a burst is written quickly even on a loaded machine; their URIs.
   */
  const burst = async (n: number, label: string) => {
    const uris: string[] = [];
    let next = 0;
    const poster = async () => {
      for (let i = next++; i < n; i = next++) {
        const res = await fetch(`${origin}/api/v1/statuses`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({ status: `${label} ${i}`, visibility: "public" }),
        });
        assert.equal(res.status, 200);
        uris.push(((await res.json()) as { uri: string }).uri);
      }
    };
    await Promise.all(Array.from({ length: 8 }, poster));
    return uris;
  };

  const queueEmpty = async () => {
    const waiting = await db.db
      .selectFrom("queue_messages")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .executeTakeFirstOrThrow();
    const unrelayed = await db.db
      .selectFrom("outbox_events")
      .select((eb) => eb.fn.countAll<string>().as("n"))
      .where("relayed_at", "is", null)
      .executeTakeFirstOrThrow();
    return Number(waiting.n) === 0 && Number(unrelayed.n) === 0;
  };

  /** Each post's Create answered exactly once, and no activity answered twice at all. */
  const eachOnce = (uris: string[]) => {
    const creates = inbox.answered.filter((p) => p.type === "Create");
    for (const uri of uris)
      assert.equal(creates.filter((p) => p.object === uri).length, 1, `one Create of ${uri}`);
    const ids = inbox.answered.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, "no activity delivered twice");
  };

  it("a remote follower gets each post of a burst exactly once from the two workers", async () => {
    assert.ok(token, "the first test made a token");
    remote = await startRemoteActor("127.0.5.9", "rita", {
      inbox: `${inbox.url}/users/rita/inbox`,
      endpoints: { sharedInbox: `${inbox.url}/inbox` },
    });
    const follow = {
      "@context": AS,
      id: `${remote.id}#follows/1`,
      type: "Follow",
      actor: remote.id,
      object: `${origin}/users/ann`,
    };
    const sent = await fetch(await remote.signed(`${origin}/users/ann/inbox`, follow));
    assert.equal(sent.status, 202);
    await waitFor("the Accept of the follow", () =>
      inbox.answered.some((p) => p.type === "Accept"),
    );
    const uris = await burst(20, "burst");
    await waitFor(
      "every Create delivered",
      () => uris.every((u) => inbox.answered.some((p) => p.type === "Create" && p.object === u)),
      60_000,
    );
    // Nothing left that could still arrive a second time.
    await waitFor("queues drained", queueEmpty);
    eachOnce(uris);
  });

  it("a worker killed mid-burst: the other takes its deliveries and each arrives once", async (t) => {
    assert.ok(remote, "the previous test made the follower");
    const [victim, survivor] = processes.filter((p) => p.role === "worker");
    assert.ok(victim && survivor);
    inbox.hold();
    const uris = await burst(40, "kill");
    // More in flight at once than one worker's outbox concurrency (32): both workers
    // are delivering this burst (the inbox keeps held answers coming, so no sender
    // gives up on one while the machine is slow).
    await waitFor("more than 32 deliveries in flight", () => inbox.held > 32, 90_000);
    assert.equal(inbox.aborted.length, 0, "no held delivery was given up before the kill");
    await victim.stop("SIGKILL");
    await waitFor("the killed worker's connections dropped", () => inbox.aborted.length > 0);
    const killed = inbox.aborted.length;
    const kept = inbox.held;
    assert.ok(killed > 0 && kept > 0, `both workers had deliveries (${killed} + ${kept})`);
    t.diagnostic(`dropped by the kill: ${killed}; held from the other worker: ${kept}`);
    inbox.release();
    await waitFor(
      "every Create delivered",
      () => uris.every((u) => inbox.answered.some((p) => p.type === "Create" && p.object === u)),
      60_000,
    );
    await waitFor("queues drained", queueEmpty, 30_000);
    eachOnce(uris);
    for (const lost of inbox.aborted)
      assert.ok(
        inbox.answered.some((p) => p.id === lost.id),
        "what the killed worker had in flight arrived from the survivor",
      );
    assert.equal(survivor.exited, false);
  });
});
