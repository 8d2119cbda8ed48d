/**
 * GoToSocial beside Synco in the HTTP bench (issue 24): the binary the interop
 * tests use (test/support/gotosocial.ts), started on plain HTTP (no TLS, so the
 * comparison is of the servers, not of the handshakes), on its own SQLite database,
 * with rate limits and throttling off. Seeded through its own client API, as its
 * members would: three members, the viewer following the two others, who post,
 * boost, reply, mention the viewer, tag, and open polls; the viewer is liked and
 * followed, so notifications hold each kind. No media: the build here processes
 * media with the system ffmpeg, which this machine lacks.
 *
 * GoToSocial's timelines are built in memory from the database, so its data is
 * smaller than Synco's (BENCH_GTS_POSTS, 1,500 by default: a client API seeds one
 * post at a time) and the comparison is the one the issue made (45 posts): a page
 * of 40 from a timeline that holds more than 40.
 */
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { gotosocialBinary, oauthToken, stubTemplates } from "../../test/support/gotosocial.ts";

const run = promisify(execFile);
const POSTS = Number(process.env.BENCH_GTS_POSTS ?? 1500);

export interface GtsNode {
  url: string;
  domain: string;
  pid: number;
  token: string;
  viewer: string;
  statusId: string;
  accountId: string;
  seconds: number;
  close(): Promise<void>;
}

export const gotosocialAtHand = () => existsSync(gotosocialBinary());

async function freePort(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

async function startServer(dir: string, host: string) {
  const binary = gotosocialBinary();
  const port = await freePort(host);
  const domain = `${host}:${port}`;
  const templates = stubTemplates(dir);
  mkdirSync(join(dir, "storage"), { recursive: true });
  const config = join(dir, "config.yaml");
  writeFileSync(
    config,
    JSON.stringify({
      "log-level": "warn",
      "log-client-ip": false,
      host: domain,
      protocol: "http",
      "bind-address": host,
      port,
      "db-type": "sqlite",
      "db-address": join(dir, "gotosocial.db"),
      "web-template-base-dir": templates,
      "web-asset-base-dir": join(dirname(templates), "assets"),
      "storage-local-base-path": join(dir, "storage"),
      "letsencrypt-enabled": false,
      "instance-expose-public-timeline": true,
      "advanced-rate-limit-requests": 0,
      "advanced-throttling-multiplier": 0,
    }),
  );
  // This build processes media with the system ffmpeg and refuses to start without one.
  const bin = join(dir, "bin");
  mkdirSync(bin, { recursive: true });
  for (const tool of ["ffmpeg", "ffprobe"])
    writeFileSync(join(bin, tool), "#!/bin/sh\nexit 1\n", { mode: 0o755 });
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}` };
  const logFile = join(dir, "gotosocial.log");
  const out = openSync(logFile, "a");
  const child = spawn(binary, ["--config-path", config, "server", "start"], {
    env,
    stdio: ["ignore", out, out],
  });
  const url = `http://${domain}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    const ok = await fetch(`${url}/api/v1/instance`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      throw new Error(`GoToSocial did not start:\n${readFileSync(logFile, "utf8").slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const account = async (username: string) => {
    const email = `${username}@bench.example`;
    const password = `A long password for ${username} 1!`;
    const cli = (...args: string[]) =>
      run(binary, ["--config-path", config, "admin", "account", ...args], { env });
    await cli("create", "--username", username, "--email", email, "--password", password);
    await cli("confirm", "--username", username);
    return oauthToken(url, email, password);
  };
  return { child, url, domain, account };
}

const dirname = (path: string) => path.slice(0, path.lastIndexOf("/"));

/** Starts GoToSocial in `dir` and seeds it; `close()` stops it. */
export async function startSeededGoToSocial(dir: string, host = "127.0.0.1"): Promise<GtsNode> {
  const started = performance.now();
  const server = await startServer(dir, host);
  const { url } = server;
  const call = async <T>(token: string, method: string, path: string, body?: object) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body ? { "content-type": "application/json" } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(`GoToSocial ${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const [viewer, a1, a2] = await Promise.all(["viewer", "baker", "miller"].map(server.account));
  if (!viewer || !a1 || !a2) throw new Error("no tokens");
  const authors = [a1, a2];
  const ids: string[] = [];
  for (const t of [viewer, ...authors])
    await call(t, "PATCH", "/api/v1/accounts/update_credentials", { locked: false });
  for (const t of authors) {
    const me = await call<{ id: string }>(t, "GET", "/api/v1/accounts/verify_credentials");
    ids.push(me.id);
    await call(viewer, "POST", `/api/v1/accounts/${me.id}/follow`);
    // The viewer is followed too (notifications of kind follow).
    const v = await call<{ id: string }>(viewer, "GET", "/api/v1/accounts/verify_credentials");
    await call(t, "POST", `/api/v1/accounts/${v.id}/follow`);
  }
  let seedValue = 42;
  const rand = () => {
    seedValue = (seedValue * 1103515245 + 12345) & 0x7fffffff;
    return seedValue / 0x7fffffff;
  };
  const recent: string[] = [];
  const mine: string[] = [];
  let statusId = "";
  for (let i = 0; i < POSTS; i++) {
    const who: string = i % 10 === 9 ? viewer : (authors[i % 2] as string);
    const kind = rand();
    if (kind < 0.1 && recent.length && who !== viewer) {
      const target = recent[Math.floor(rand() * recent.length)] as string;
      await call(who, "POST", `/api/v1/statuses/${target}/reblog`).catch(() => undefined);
      continue;
    }
    const body: Record<string, unknown> = {
      status: `Post number ${i}: bread, cooperatives and the weather.${i % 10 === 0 ? " #bread" : ""}${kind > 0.8 && kind < 0.9 && who !== viewer ? " @viewer" : ""}`,
      visibility: rand() < 0.9 ? "public" : "unlisted",
    };
    if (kind >= 0.1 && kind < 0.2 && recent.length)
      body.in_reply_to_id = recent[Math.floor(rand() * recent.length)];
    if (kind >= 0.2 && kind < 0.28) body.poll = { options: ["Rye", "Spelt"], expires_in: 86400 };
    const s = await call<{ id: string }>(who, "POST", "/api/v1/statuses", body);
    recent.push(s.id);
    if (recent.length > 200) recent.shift();
    if (who === viewer) mine.push(s.id);
    else if (body.poll) statusId = s.id;
  }
  // The viewer's notifications: likes and boosts of its posts.
  for (const [i, id] of mine.slice(-60).entries())
    await call(authors[i % 2] as string, "POST", `/api/v1/statuses/${id}/favourite`);
  return {
    url,
    domain: server.domain,
    pid: server.child.pid ?? 0,
    token: viewer,
    viewer: "viewer",
    statusId: statusId || (recent.at(-1) as string),
    accountId: ids[0] as string,
    seconds: (performance.now() - started) / 1000,
    async close() {
      const exited = new Promise((r) => server.child.once("exit", r));
      server.child.kill("SIGTERM");
      await exited;
    },
  };
}
