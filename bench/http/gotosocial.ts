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
import { existsSync } from "node:fs";
import { gotosocialBinary, startGoToSocial } from "../../test/support/gotosocial.ts";

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

/** Starts GoToSocial in `dir` and seeds it; `close()` stops it. */
export async function startSeededGoToSocial(dir: string, host = "127.0.0.1"): Promise<GtsNode> {
  const started = performance.now();
  const server = await startGoToSocial({ binary: gotosocialBinary(), dir, host, logLevel: "warn" });
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
    pid: server.pid,
    token: viewer,
    viewer: "viewer",
    statusId: statusId || (recent.at(-1) as string),
    accountId: ids[0] as string,
    seconds: (performance.now() - started) / 1000,
    close: () => server.close(),
  };
}
