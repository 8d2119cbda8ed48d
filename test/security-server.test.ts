/**
 * Issue 14, item 10: what one client can hold of the node's HTTP server, tried
 * with real sockets. One address gets at most `perAddress` connections (the next
 * is closed at once), a trusted reverse proxy far more, and a connection that
 * never finishes its headers is closed. Also: the SQLite database, its WAL and
 * SHM files and a backup are readable by the node's user only (0600).
 */
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createNode, type SyncoNode } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { openDatabase } from "../src/db/database.ts";
import { DEFAULT_CONNECTION_LIMITS, type ListeningServer, listen } from "../src/http-server.ts";
import { freshDatabaseUrl } from "./support/db.ts";

const HOST = "127.0.47.1";
const PROXY = "127.0.47.2";
const CLIENT = "127.0.47.3";
let node: SyncoNode;
const servers: ListeningServer[] = [];
const sockets: Socket[] = [];

before(async () => {
  node = await createNode(
    loadConfig({
      SYNCO_HOST: HOST,
      SYNCO_PORT: "0",
      SYNCO_DATA_DIR: mkdtempSync(join(tmpdir(), "synco-server-")),
      SYNCO_DATABASE_URL: await freshDatabaseUrl(),
      SYNCO_SECRET: "test-secret-".padEnd(40, "x"),
      SYNCO_PASSWORD_COST: "8",
      SYNCO_LOG_LEVEL: "error",
      SYNCO_TRUSTED_PROXIES: PROXY,
    }),
  );
});
after(async () => {
  for (const socket of sockets) socket.destroy();
  for (const server of servers) await server.close();
  await node.close();
});

async function serve(limits: Partial<typeof DEFAULT_CONNECTION_LIMITS>) {
  const server = await listen(node, { ...DEFAULT_CONNECTION_LIMITS, ...limits });
  servers.push(server);
  return server;
}

/** A TCP connection from `from` that has been accepted by the kernel. */
async function open(port: number, from: string): Promise<Socket> {
  const socket = connect({ host: HOST, port, localAddress: from });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  return socket;
}

/** Resolves when the server closes `socket`; fails after `ms` (an event with a deadline). */
function closedBy(socket: Socket, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (socket.destroyed) return resolve();
    // A paused socket never reaches "end" (and "close") while data waits unread: the server may send a 408 first.
    socket.resume();
    const timer = setTimeout(() => reject(new Error(`still open after ${ms} ms`)), ms);
    socket.once("close", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Sends GET /healthz on an open socket and resolves with the status line. */
function healthz(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    socket.on("data", (chunk) => {
      text += chunk.toString();
      if (text.includes("\r\n")) resolve(text.slice(0, text.indexOf("\r\n")));
    });
    socket.once("error", reject);
    socket.once("close", () => reject(new Error(`closed before answering: ${text}`)));
    socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  });
}

describe("connections per address", () => {
  it("one address holds at most perAddress connections; the next is closed at once", async () => {
    const { port } = await serve({ perAddress: 4 });
    const held = [];
    for (let i = 0; i < 4; i++) held.push(await open(port, CLIENT));
    const extra = await open(port, CLIENT);
    await closedBy(extra, 5_000);
    // The four it holds still work, and closing one makes room for another.
    for (const socket of held) assert.equal(await healthz(socket), "HTTP/1.1 200 OK");
    const first = held[0] as Socket;
    first.destroy();
    await closedBy(first, 1_000);
    // The server sees the close a moment after the client: retry until it has room.
    for (let tries = 0; ; tries++) {
      const again = await open(port, CLIENT);
      const answer = await healthz(again).catch(() => null);
      if (answer) {
        assert.equal(answer, "HTTP/1.1 200 OK");
        break;
      }
      assert.ok(tries < 50, "a closed connection's slot is given back");
    }
  });

  it("a trusted reverse proxy gets perProxy, other addresses are unaffected", async () => {
    const { port } = await serve({ perAddress: 2, perProxy: 12 });
    const fromProxy = [];
    for (let i = 0; i < 12; i++) fromProxy.push(await open(port, PROXY));
    for (const socket of fromProxy) assert.equal(await healthz(socket), "HTTP/1.1 200 OK");
    await closedBy(await open(port, PROXY), 5_000);
    assert.equal(await healthz(await open(port, CLIENT)), "HTTP/1.1 200 OK");
  });

  it("the default caps an address well below the descriptors a process has", () => {
    assert.ok(DEFAULT_CONNECTION_LIMITS.perAddress <= 256);
    assert.ok(DEFAULT_CONNECTION_LIMITS.headersTimeoutMs <= 30_000);
  });
});

describe("timeouts", () => {
  it("a connection that never finishes its headers, or never sends a byte, is closed", async () => {
    const { port } = await serve({
      headersTimeoutMs: 300,
      requestTimeoutMs: 1_000,
      checkEveryMs: 100,
    });
    const slow = await open(port, CLIENT);
    slow.write("GET /healthz HTTP/1.1\r\nHost: x\r\n");
    const silent = await open(port, CLIENT);
    await Promise.all([closedBy(slow, 5_000), closedBy(silent, 5_000)]);
  });
});

describe("the SQLite files", () => {
  const mode = (path: string) => statSync(path).mode & 0o777;

  it("are created 0600, WAL and SHM too, and a wider existing file is tightened", async () => {
    const dir = mkdtempSync(join(tmpdir(), "synco-mode-"));
    const file = join(dir, "synco.db");
    const db = await openDatabase(`sqlite:${file}`);
    await db.db.schema.createTable("t").addColumn("x", "text").execute();
    await db.db
      .insertInto("t" as never)
      .values({ x: "secret" } as never)
      .execute();
    assert.equal(mode(file).toString(8), "600");
    assert.equal(mode(`${file}-wal`).toString(8), "600");
    assert.equal(mode(`${file}-shm`).toString(8), "600");
    const backup = join(dir, "copy.db");
    await db.backupTo(backup);
    assert.equal(mode(backup).toString(8), "600");
    await db.close();

    const old = join(dir, "old.db");
    writeFileSync(old, "");
    chmodSync(old, 0o644);
    const reopened = await openDatabase(`sqlite:${old}`);
    assert.equal(mode(old).toString(8), "600");
    await reopened.close();
  });
});
