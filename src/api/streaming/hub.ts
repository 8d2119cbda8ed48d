/**
 * Streaming (docs.joinmastodon.org/methods/streaming) over WebSocket at
 * /api/v1/streaming: streams user (home updates and notifications), public,
 * public:local, public:remote, hashtag and hashtag:local. Events are
 * `{ stream: [...], event: "update" | "notification" | "delete", payload }` with
 * the payload JSON-encoded, as Mastodon sends them.
 *
 * Where events come from: while anyone is connected, the hub reads what is new
 * in the database every POLL_MS (posts, home entries and notifications with ids
 * past a cursor — ids are UUIDv7, so "new" is "greater than"). This needs no hook
 * in the capabilities and works unchanged when several web processes share one
 * PostgreSQL database: each process's hub reads the same rows. Later, PostgreSQL
 * LISTEN/NOTIFY can wake the hubs instead of the timer, and the reads stay.
 */
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import { listNotifications } from "../../social/notifications.ts";
import { hydrate } from "../../social/views.ts";
import { bearerToken } from "../auth.ts";
import type { ApiDeps } from "../deps.ts";
import { grants } from "../oauth/scopes.ts";
import { findToken } from "../oauth/store.ts";
import { serializeNotifications } from "../serializers/notification.ts";
import { serializeStatuses } from "../serializers/status.ts";

const POLL_MS = 250;
/** How often open streams' tokens are checked again (a revoked token ends its stream). */
const TOKEN_CHECK_MS = 2_000;
/** How far back each read looks, so rows committed a little late are not missed. */
const LOOKBACK_MS = 10_000;
const PATH = "/api/v1/streaming";

interface Client {
  socket: WebSocket;
  /** The access token's id, when the app gave one: checked again while it streams. */
  tokenId: string | null;
  account: { id: string; username: string } | null;
  scopes: Set<string>;
  /** Subscribed streams, e.g. "user", "public:local", "hashtag:coop". */
  streams: Set<string>;
}

/** The smallest UUIDv7 of a millisecond: a cursor for "made after this time". */
export function idAt(ms: number): string {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7000-8000-000000000000`;
}

const streamNames = new Set([
  "user",
  "user:notification",
  "public",
  "public:local",
  "public:remote",
  "hashtag",
  "hashtag:local",
]);

export class StreamingHub {
  readonly #deps: ApiDeps;
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #clients = new Set<Client>();
  /** Ids already sent (per kind), with when they were seen, pruned after the look-back. */
  readonly #sent = new Map<string, number>();
  #since = Date.now();
  #tokensCheckedAt = Date.now();
  #timer: NodeJS.Timeout | undefined;
  #busy = false;

  constructor(deps: ApiDeps) {
    this.#deps = deps;
  }

  /**
   * Answers WebSocket upgrades to /api/v1/streaming on this HTTP server. Returns a
   * function that closes the open sockets: call it before server.close(), which
   * otherwise waits for every connected app to leave.
   */
  attach(server: Server): () => void {
    server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const url = new URL(req.url ?? "/", "http://localhost");
      if (url.pathname !== PATH && !url.pathname.startsWith(`${PATH}/`)) return;
      this.#upgrade(req, socket, head, url).catch(() => socket.destroy());
    });
    return () => {
      for (const c of this.#clients) c.socket.terminate();
      this.#clients.clear();
    };
  }

  async #upgrade(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL) {
    const protocol = req.headers["sec-websocket-protocol"]?.split(",")[0]?.trim();
    const given = bearerToken(
      req.headers.authorization,
      url.searchParams.get("access_token") ?? protocol ?? null,
    );
    const found = given ? await findToken(this.#deps.db, given) : undefined;
    const token = found && (!found.account_id || found.status === "active") ? found : undefined;
    if (given && !token) {
      socket.end(
        'HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"error":"The access token is invalid"}',
      );
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      const client: Client = {
        socket: ws,
        tokenId: token?.id ?? null,
        account:
          token?.account_id && token.username
            ? { id: token.account_id, username: token.username }
            : null,
        scopes: new Set(token?.scopes.split(" ") ?? []),
        streams: new Set(),
      };
      const first =
        url.searchParams.get("stream") ?? url.pathname.slice(PATH.length + 1).replace(/\//g, ":");
      if (first) this.#subscribe(client, first, url.searchParams.get("tag"));
      ws.on("message", (data) => this.#onMessage(client, String(data)));
      ws.on("close", () => this.#clients.delete(client));
      this.#clients.add(client);
      this.#start();
    });
  }

  #subscribe(client: Client, stream: string, tag: string | null): void {
    if (!streamNames.has(stream)) {
      this.#send(client, { error: "Unknown stream type" });
      return;
    }
    if (stream.startsWith("user") && (!client.account || !grants(client.scopes, "read:statuses"))) {
      this.#send(client, { error: "Missing access token" });
      return;
    }
    const name = stream.startsWith("hashtag")
      ? `${stream}#${(tag ?? "").toLowerCase().replace(/^#/, "")}`
      : stream;
    client.streams.add(name);
  }

  #onMessage(client: Client, text: string): void {
    let msg: { type?: unknown; stream?: unknown; tag?: unknown };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      this.#send(client, { error: "Invalid JSON" });
      return;
    }
    const stream = typeof msg.stream === "string" ? msg.stream : "";
    const tag = typeof msg.tag === "string" ? msg.tag : null;
    if (msg.type === "subscribe") this.#subscribe(client, stream, tag);
    else if (msg.type === "unsubscribe") {
      client.streams.delete(
        stream.startsWith("hashtag") ? `${stream}#${(tag ?? "").toLowerCase()}` : stream,
      );
    }
  }

  #send(client: Client, data: unknown): void {
    if (client.socket.readyState === client.socket.OPEN) client.socket.send(JSON.stringify(data));
  }

  #start(): void {
    if (this.#timer) return;
    this.#since = Math.min(this.#since, Date.now());
    this.#timer = setInterval(() => {
      if (this.#busy) return;
      this.#busy = true;
      this.tick()
        .catch(() => undefined)
        .finally(() => {
          this.#busy = false;
        });
    }, POLL_MS);
    this.#timer.unref();
  }

  /** One round of reading what is new and sending it (also called by tests). */
  async tick(): Promise<void> {
    if (this.#clients.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      this.#since = Date.now();
      return;
    }
    const now = Date.now();
    if (now - this.#tokensCheckedAt >= TOKEN_CHECK_MS) {
      this.#tokensCheckedAt = now;
      await this.#endRevoked();
    }
    const from = idAt(Math.max(this.#since, now - LOOKBACK_MS));
    for (const [k, at] of this.#sent) if (at < now - 2 * LOOKBACK_MS) this.#sent.delete(k);
    const fresh = (kind: string, id: string) => {
      const key = `${kind}:${id}`;
      if (this.#sent.has(key)) return false;
      this.#sent.set(key, now);
      return true;
    };
    await this.#publicUpdates(from, fresh);
    await this.#userUpdates(from, fresh);
    await this.#editsAndDeletes(from, fresh);
  }

  /**
   * Ends the streams whose token has been revoked, or whose member is no longer
   * active (suspended, deleted), as Mastodon does: a stream is not a way around it.
   */
  async #endRevoked(): Promise<void> {
    const ids = [...new Set([...this.#clients].flatMap((c) => (c.tokenId ? [c.tokenId] : [])))];
    const live = new Set<string>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.#deps.db
        .selectFrom("oauth_tokens as t")
        .leftJoin("accounts as a", "a.id", "t.account_id")
        .select("t.id")
        .where("t.id", "in", ids.slice(i, i + 500))
        .where("t.revoked_at", "is", null)
        .where((eb) => eb.or([eb("t.account_id", "is", null), eb("a.status", "=", "active")]))
        .execute();
      for (const row of rows) live.add(row.id);
    }
    for (const client of this.#clients) {
      if (client.tokenId === null || live.has(client.tokenId)) continue;
      this.#clients.delete(client);
      client.socket.close(1008, "The access token is no longer valid");
    }
  }

  async #publicUpdates(from: string, fresh: (kind: string, id: string) => boolean) {
    const { db } = this.#deps;
    const wanted = [...this.#clients].some((c) =>
      [...c.streams].some((s) => s.startsWith("public") || s.startsWith("hashtag")),
    );
    if (!wanted) return;
    const rows = await db
      .selectFrom("posts")
      .select(["id", "local", "author_uri"])
      .where("id", ">", from)
      .where("visibility", "=", "public")
      .where("deleted_at", "is", null)
      .where("reblog_of_id", "is", null)
      .orderBy("id")
      .limit(200)
      .execute();
    const posts = rows.filter((r) => fresh("public", r.id));
    if (posts.length === 0) return;
    const tags = await db
      .selectFrom("post_tags")
      .select(["post_id", "tag"])
      .where(
        "post_id",
        "in",
        posts.map((p) => p.id),
      )
      .execute();
    const accountIds = [...this.#clients].flatMap((c) => (c.account ? [c.account.id] : []));
    // What each member blocked or muted stays off their public streams too.
    const filters = accountIds.length
      ? await db
          .selectFrom("actor_filters")
          .select(["account_id", "target_uri"])
          .where("account_id", "in", accountIds)
          .execute()
      : [];
    for (const client of this.#clients) {
      const hidden = new Set(
        filters.filter((f) => f.account_id === client.account?.id).map((f) => f.target_uri),
      );
      for (const post of posts) {
        if (hidden.has(post.author_uri)) continue;
        const names: string[][] = [];
        if (client.streams.has("public")) names.push(["public"]);
        if (client.streams.has("public:local") && post.local) names.push(["public:local"]);
        if (client.streams.has("public:remote") && !post.local) names.push(["public:remote"]);
        for (const t of tags.filter((x) => x.post_id === post.id)) {
          if (client.streams.has(`hashtag#${t.tag}`)) names.push(["hashtag", t.tag]);
          if (client.streams.has(`hashtag:local#${t.tag}`) && post.local)
            names.push(["hashtag:local", t.tag]);
        }
        if (names.length === 0) continue;
        const payload = await this.#status(client, post.id);
        if (payload)
          for (const stream of names) this.#send(client, { stream, event: "update", payload });
      }
    }
  }

  async #userUpdates(from: string, fresh: (kind: string, id: string) => boolean) {
    const { db, config } = this.#deps;
    const users = [...this.#clients].filter(
      (c) => c.account && (c.streams.has("user") || c.streams.has("user:notification")),
    );
    if (users.length === 0) return;
    const ids = [...new Set(users.map((c) => c.account?.id as string))];
    const [home, notes] = await Promise.all([
      db
        .selectFrom("home_entries")
        .select(["account_id", "post_id"])
        .where("account_id", "in", ids)
        .where("post_id", ">", from)
        .orderBy("post_id")
        .limit(500)
        .execute(),
      db
        .selectFrom("notifications")
        .select(["account_id", "id"])
        .where("account_id", "in", ids)
        .where("id", ">", from)
        .orderBy("id")
        .limit(500)
        .execute(),
    ]);
    const newHome = home.filter((h) => fresh(`home:${h.account_id}`, h.post_id));
    const newNotes = notes.filter((n) => fresh("notification", n.id));
    const homePosts = newHome.length
      ? await db
          .selectFrom("posts")
          .select(["id", "author_uri"])
          .where("id", "in", [...new Set(newHome.map((h) => h.post_id))])
          .execute()
      : [];
    const filters = newHome.length
      ? await db
          .selectFrom("actor_filters")
          .select(["account_id", "target_uri"])
          .where("account_id", "in", ids)
          .execute()
      : [];
    for (const client of users) {
      const me = client.account as { id: string; username: string };
      // As the home timeline: nothing by someone the member blocked or muted.
      const hidden = new Set(
        filters.filter((f) => f.account_id === me.id).map((f) => f.target_uri),
      );
      if (client.streams.has("user"))
        for (const h of newHome.filter((x) => x.account_id === me.id)) {
          const author = homePosts.find((p) => p.id === h.post_id)?.author_uri;
          if (!author || hidden.has(author)) continue;
          const payload = await this.#status(client, h.post_id);
          if (payload) this.#send(client, { stream: ["user"], event: "update", payload });
        }
      const mine = newNotes.filter((n) => n.account_id === me.id);
      if (mine.length === 0) continue;
      const views = (await listNotifications(db, config.domain, me.id, { limit: 200 })).filter(
        (v) => mine.some((m) => m.id === v.id),
      );
      const s = { db, origin: config.origin, domain: config.domain };
      const out = await serializeNotifications(
        s,
        s,
        { id: me.id, uri: `${config.origin}/users/${me.username}` },
        views.reverse(),
      );
      for (const n of out) {
        const stream = client.streams.has("user") ? ["user"] : ["user:notification"];
        this.#send(client, { stream, event: "notification", payload: JSON.stringify(n) });
      }
    }
  }

  /**
   * Edits (status.update) and deletions (delete) of this node's posts, read from
   * the outbox events the social capability records for federation. Sent on each
   * stream a client is subscribed to; a client that never had the post ignores it.
   */
  async #editsAndDeletes(from: string, fresh: (kind: string, id: string) => boolean) {
    const rows = await this.#deps.db
      .selectFrom("outbox_events")
      .select(["id", "type", "payload"])
      .where("id", ">", from)
      .where("type", "in", ["post.updated", "post.deleted"])
      .orderBy("id")
      .limit(200)
      .execute();
    for (const row of rows.filter((r) => fresh("event", r.id))) {
      const postId = (JSON.parse(row.payload) as { postId?: string }).postId;
      if (!postId) continue;
      for (const client of this.#clients) {
        const streams = [...client.streams].map((name) => name.split("#"));
        if (streams.length === 0) continue;
        const payload = row.type === "post.deleted" ? postId : await this.#status(client, postId);
        if (!payload) continue;
        for (const [name = "", tag] of streams)
          this.#send(client, {
            stream: tag ? [name, tag] : [name],
            event: row.type === "post.deleted" ? "delete" : "status.update",
            payload,
          });
      }
    }
  }

  async #status(client: Client, postId: string): Promise<string | null> {
    const { db, config } = this.#deps;
    const s = { db, origin: config.origin, domain: config.domain };
    const uri = client.account ? `${config.origin}/users/${client.account.username}` : null;
    const views = await hydrate(s, client.account?.id ?? null, uri, [postId]);
    const [status] = await serializeStatuses(s, views, !!client.account);
    return status ? JSON.stringify(status) : null;
  }

  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    for (const c of this.#clients) c.socket.terminate();
    this.#clients.clear();
    this.#wss.close();
  }
}
