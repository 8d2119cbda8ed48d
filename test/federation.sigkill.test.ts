/**
 * Durable delivery (DESIGN.md): a node killed with SIGKILL in the middle of
 * delivering an activity to 30 inboxes delivers to every one of them after it
 * restarts on the same database. The sink answers inbox i after i × 120 ms, so
 * the kill lands with some deliveries done and the rest in flight or queued.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { createAccount } from "../src/accounts/accounts.ts";
import { openDatabase } from "../src/db/database.ts";
import { migrateToLatest } from "../src/db/migrate.ts";
import { recordEvent } from "../src/db/outbox.ts";
import { waitFor } from "../src/federation/testing.ts";
import { newId } from "../src/kernel/ids.ts";
import { freshDatabaseUrl } from "./support/db.ts";

const INBOXES = 30;
const cli = join(import.meta.dirname, "..", "bin", "synco.ts");
const received = new Map<number, Set<string>>();
let sink: Server;
let child: ChildProcess | undefined;

after(async () => {
  child?.kill("SIGKILL");
  sink?.closeAllConnections();
  await new Promise((r) => sink?.close(r));
});

function startSink(): Promise<number> {
  sink = createServer((req, res) => {
    const i = Number(/^\/inbox\/(\d+)$/.exec(req.url ?? "")?.[1]);
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      setTimeout(() => {
        try {
          const id = JSON.parse(body).id as string;
          if (!received.has(i)) received.set(i, new Set());
          received.get(i)?.add(id);
        } catch {
          // not an activity: leave it uncounted
        }
        res.writeHead(202).end();
      }, i * 120);
    });
  });
  return new Promise((resolve) =>
    sink.listen(0, "127.0.1.9", () => resolve((sink.address() as AddressInfo).port)),
  );
}

function freePort(): Promise<number> {
  const s = createServer();
  return new Promise((resolve) =>
    s.listen(0, "127.0.1.8", () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    }),
  );
}

function startNode(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [cli, "start"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

test("a node killed mid-delivery delivers everything after restart", async () => {
  const sinkPort = await startSink();
  const port = await freePort();
  const databaseUrl = await freshDatabaseUrl();
  const db = await openDatabase(databaseUrl, { poolSize: 2 });
  await migrateToLatest(db.db);
  const ann = await createAccount(
    db.db,
    { username: "ann", email: "ann@example.test", password: "password123" },
    { passwordCost: 8 },
  );
  assert.ok(ann.ok);
  const origin = `http://127.0.1.8:${port}`;
  const now = new Date().toISOString();
  for (let i = 0; i < INBOXES; i++) {
    const remoteId = newId();
    const uri = `http://127.0.1.9:${sinkPort}/users/f${i}`;
    await db.db
      .insertInto("remote_actors")
      .values({
        id: remoteId,
        uri,
        handle: `f${i}@127.0.1.9:${sinkPort}`,
        type: "Person",
        username: `f${i}`,
        host: `127.0.1.9:${sinkPort}`,
        url: null,
        avatar_url: null,
        inbox_url: `http://127.0.1.9:${sinkPort}/inbox/${i}`,
        shared_inbox_url: null,
        followers_url: null,
        following_url: null,
        fetched_at: now,
        created_at: now,
      })
      .execute();
    await db.db
      .insertInto("follows")
      .values({
        id: newId(),
        follower_uri: uri,
        followee_uri: `${origin}/users/ann`,
        follower_account_id: null,
        follower_remote_id: remoteId,
        followee_account_id: ann.value.id,
        followee_remote_id: null,
        status: "accepted",
        activity_uri: `${uri}#follow`,
        created_at: now,
        accepted_at: now,
      })
      .execute();
  }
  const eventId = await db.db
    .transaction()
    .execute((trx) =>
      recordEvent(trx, { type: "accounts.account.updated", payload: { accountId: ann.value.id } }),
    );
  const env = {
    SYNCO_HOST: "127.0.1.8",
    SYNCO_PORT: String(port),
    SYNCO_DOMAIN: `127.0.1.8:${port}`,
    SYNCO_DATABASE_URL: databaseUrl,
    SYNCO_DATA_DIR: mkdtempSync(join(tmpdir(), "synco-sigkill-")),
    SYNCO_SECRET: "sigkill-secret-".padEnd(40, "x"),
    SYNCO_ALLOW_PRIVATE_ADDRESS: "1",
    SYNCO_LOG_LEVEL: "error",
  };

  child = startNode(env);
  await waitFor("a few deliveries done", () => received.size >= 5, 20_000);
  child.kill("SIGKILL");
  await new Promise((r) => child?.once("exit", r));
  const beforeRestart = received.size;
  assert.ok(beforeRestart < INBOXES, "the kill came before every inbox was reached");

  child = startNode(env);
  await waitFor("every inbox reached after restart", () => received.size === INBOXES, 40_000);
  const activityId = `${origin}/activities/${eventId}`;
  for (let i = 0; i < INBOXES; i++) assert.deepEqual([...(received.get(i) ?? [])], [activityId]);
  child.kill("SIGTERM");
  await new Promise((r) => child?.once("exit", r));
  child = undefined;
  await db.close();
});
