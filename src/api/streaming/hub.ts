/**
 * Streaming (docs.joinmastodon.org/methods/streaming): one hub, one subscription
 * model, two transports — WebSocket at /api/v1/streaming (websocket.ts) and
 * server-sent events at /api/v1/streaming/<stream> (sse.ts). The hub keeps the
 * open connections and their subscriptions, enforces the per-token and
 * per-address connection caps, and sends each event to exactly the
 * subscriptions it belongs on, after the visibility check (audience.ts).
 *
 * Where events come from: while anyone is connected, the hub reads what is new
 * in the database every POLL_MS (posts, home entries, notifications and the
 * outbox's edits and deletions, with ids past a cursor). This needs no hook in
 * the capabilities and works unchanged when several web processes share one
 * PostgreSQL database: each process's hub reads the same rows.
 */
import type { Server } from "node:http";
import { getLogger } from "@logtape/logtape";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { listNotifications } from "../../social/notifications.ts";
import { type ApiDeps, socialContext, type TokenOwner } from "../deps.ts";
import { grants } from "../oauth/scopes.ts";
import { serializeNotifications } from "../serializers/notification.ts";
import {
  DeliveryRound,
  memberViewer,
  type PostEvent,
  statusViewer,
  subscriptionsFor,
} from "./audience.ts";
import {
  homesHolding,
  homesThatHeld,
  idAt,
  listMembers,
  newEditsAndDeletes,
  newHomeEntries,
  newNotifications,
  newPublicPostIds,
  ownsList,
  postFacts,
} from "./sources.ts";
import {
  MAX_CONNECTIONS_PER_ADDRESS,
  MAX_CONNECTIONS_PER_TOKEN,
  MAX_SUBSCRIPTIONS_PER_CONNECTION,
  parseStreamRequest,
  requiredScope,
  type StreamConnection,
  type StreamRequest,
  type SubscribeProblem,
  type Subscription,
  subscriptionKey,
  type Transport,
} from "./streams.ts";
import { acceptWebSockets } from "./websocket.ts";

export { idAt } from "./sources.ts";

const logger = getLogger(["synco", "api", "streaming"]);

const POLL_MS = 250;
/** How often open streams' tokens are checked again (a revoked token ends its stream). */
const TOKEN_CHECK_MS = 2_000;
/** How far back each read looks, so rows committed a little late are not missed. */
const LOOKBACK_MS = 10_000;

export type ConnectProblem = "too-many-for-token" | "too-many-for-address";

export class StreamingHub {
  readonly #deps: ApiDeps;
  readonly #connections = new Set<StreamConnection>();
  /** Ids already sent (per kind), with when they were seen, pruned after the look-back. */
  readonly #sent = new Map<string, number>();
  #since = Date.now();
  #tokensCheckedAt = Date.now();
  #timer: NodeJS.Timeout | undefined;
  #busy = false;

  constructor(deps: ApiDeps) {
    this.#deps = deps;
  }

  get deps(): ApiDeps {
    return this.#deps;
  }

  /**
   * Answers WebSocket upgrades to /api/v1/streaming on this HTTP server. Returns a
   * function that ends every open stream: call it before server.close(), which
   * otherwise waits for every connected app to leave.
   */
  attach(server: Server): () => void {
    acceptWebSockets(this, server);
    return () => this.#endAll();
  }

  /** Opens a connection, unless its token or address already holds the most allowed. */
  connect(input: {
    token: TokenOwner | null;
    address: string;
    transport: Transport;
  }): Result<StreamConnection, ConnectProblem> {
    let byToken = 0;
    let byAddress = 0;
    for (const c of this.#connections) {
      if (input.token && c.token?.tokenId === input.token.tokenId) byToken++;
      if (c.address === input.address) byAddress++;
    }
    if (byToken >= MAX_CONNECTIONS_PER_TOKEN) return fail("too-many-for-token");
    if (byAddress >= MAX_CONNECTIONS_PER_ADDRESS) return fail("too-many-for-address");
    const conn: StreamConnection = { ...input, subscriptions: new Map() };
    this.#connections.add(conn);
    this.#start();
    return ok(conn);
  }

  /** Forgets a connection (it closed); safe to call more than once. */
  disconnect(conn: StreamConnection): void {
    this.#connections.delete(conn);
  }

  /** How many connections are open (for tests and health). */
  get size(): number {
    return this.#connections.size;
  }

  /** How many subscriptions the open connections hold together. */
  get subscriptionCount(): number {
    let n = 0;
    for (const c of this.#connections) n += c.subscriptions.size;
    return n;
  }

  async subscribe(
    conn: StreamConnection,
    req: StreamRequest,
  ): Promise<Result<Subscription, SubscribeProblem>> {
    const parsed = parseStreamRequest(req);
    if (!parsed.ok) return parsed;
    const sub = parsed.value;
    const scope = requiredScope[sub.name];
    if (scope) {
      if (!conn.token?.account) return fail("missing-token");
      if (!grants(conn.token.scopes, scope)) return fail("missing-scope");
    }
    if (sub.name === "list") {
      const account = conn.token?.account;
      if (!account || !(await ownsList(this.#deps.db, account.id, sub.param ?? "")))
        return fail("no-such-list");
    }
    const key = subscriptionKey(sub);
    if (!conn.subscriptions.has(key)) {
      if (conn.subscriptions.size >= MAX_SUBSCRIPTIONS_PER_CONNECTION)
        return fail("too-many-subscriptions");
      conn.subscriptions.set(key, sub);
    }
    return ok(sub);
  }

  unsubscribe(conn: StreamConnection, req: StreamRequest): void {
    const parsed = parseStreamRequest(req);
    if (parsed.ok) conn.subscriptions.delete(subscriptionKey(parsed.value));
  }

  #start(): void {
    if (this.#timer) return;
    this.#since = Math.min(this.#since, Date.now());
    this.#timer = setInterval(() => {
      if (this.#busy) return;
      this.#busy = true;
      this.tick()
        .catch((error) => logger.error("Streaming round failed: {error}", { error }))
        .finally(() => {
          this.#busy = false;
        });
    }, POLL_MS);
    this.#timer.unref();
  }

  /** One round of reading what is new and sending it (also called by tests). */
  async tick(): Promise<void> {
    if (this.#connections.size === 0) {
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
    const conns = [...this.#connections].filter((c) => c.subscriptions.size > 0);
    if (conns.length === 0) return;
    const members = new Map(
      conns.flatMap((c) => (c.token?.account ? [[c.token.account.id, c.token.account]] : [])),
    );
    const { db, config } = this.#deps;
    const s = socialContext(this.#deps);
    const round = new DeliveryRound(s, [...members.keys()]);
    const lists = await listMembers(
      db,
      conns.flatMap((c) =>
        [...c.subscriptions.values()].flatMap((x) => (x.name === "list" ? [x.param ?? ""] : [])),
      ),
    );
    const send = async (ev: PostEvent) => {
      for (const conn of conns) {
        const subs = subscriptionsFor(conn, ev, lists);
        if (subs.length === 0) continue;
        const viewer = statusViewer(conn, config.origin);
        if (!(await round.maySee(conn, viewer, ev.post))) continue;
        const payload = ev.event === "delete" ? ev.post.id : await round.status(viewer, ev.post.id);
        if (payload === null) continue;
        for (const sub of subs)
          conn.transport.send({ stream: sub.stream, event: ev.event, payload });
      }
    };
    const none = new Set<string>();

    // New public posts: public and hashtag streams.
    const wantPublic = conns.some((c) =>
      [...c.subscriptions.values()].some(
        (x) => x.name.startsWith("public") || x.name.startsWith("hashtag"),
      ),
    );
    const publicIds = wantPublic
      ? (await newPublicPostIds(db, from)).filter((id) => fresh("public", id))
      : [];
    const publicFacts = await postFacts(db, publicIds);
    for (const id of publicIds) {
      const post = publicFacts.get(id);
      if (post) await send({ event: "update", post, toPublic: true, inHomeOf: none });
    }
    if (members.size === 0) return this.#editsAndDeletes(from, fresh, send, []);

    // New home entries: user and list streams of that member.
    const home = (await newHomeEntries(db, [...members.keys()], from)).filter((h) =>
      fresh(`home:${h.account_id}`, h.post_id),
    );
    const homeFacts = await postFacts(db, [...new Set(home.map((h) => h.post_id))]);
    for (const h of home) {
      const post = homeFacts.get(h.post_id);
      if (post && !post.deleted)
        await send({ event: "update", post, toPublic: false, inHomeOf: new Set([h.account_id]) });
    }

    await this.#notifications(from, fresh, conns, round);
    await this.#editsAndDeletes(from, fresh, send, [...members.values()]);
  }

  /**
   * Notifications go to `user` when the token may read notifications, and to
   * `user:notification` — each tagged with its own stream. A notification about a
   * post passes the same visibility check as the post would.
   */
  async #notifications(
    from: string,
    fresh: (kind: string, id: string) => boolean,
    conns: StreamConnection[],
    round: DeliveryRound,
  ): Promise<void> {
    const { db, config } = this.#deps;
    const wants = (c: StreamConnection) => {
      if (!c.token?.account || !grants(c.token.scopes, "read:notifications")) return [];
      return [...c.subscriptions.values()].filter(
        (x) => x.name === "user" || x.name === "user:notification",
      );
    };
    const listeners = conns.filter((c) => wants(c).length > 0);
    const accounts = [...new Set(listeners.map((c) => c.token?.account?.id ?? ""))];
    if (accounts.length === 0) return;
    const rows = (await newNotifications(db, accounts, from)).filter((n) =>
      fresh("notification", n.id),
    );
    if (rows.length === 0) return;
    const facts = await postFacts(db, [...new Set(rows.flatMap((n) => n.post_id ?? []))]);
    const s = socialContext(this.#deps);
    for (const conn of listeners) {
      const account = conn.token?.account;
      if (!account) continue;
      const viewer = memberViewer(account, config.origin);
      const hidden = await round.hiddenBy(account.id);
      const mine: string[] = [];
      for (const n of rows) {
        if (n.account_id !== account.id || hidden.has(n.from_uri)) continue;
        const post = n.post_id ? facts.get(n.post_id) : undefined;
        if (n.post_id && (!post || !(await round.maySee(conn, viewer, post)))) continue;
        mine.push(n.id);
      }
      if (mine.length === 0) continue;
      const views = (await listNotifications(db, config.domain, account.id, { limit: 200 }))
        .filter((v) => mine.includes(v.id))
        .reverse();
      const out = await serializeNotifications(s, s, viewer, views);
      for (const n of out)
        for (const sub of wants(conn))
          conn.transport.send({
            stream: sub.stream,
            event: "notification",
            payload: JSON.stringify(n),
          });
    }
  }

  /**
   * Edits (status.update) and deletions (delete) go where the post went: public
   * streams if it was public, the user and list streams of the members whose home
   * holds (or held) it — and only to those who may (or could) see it.
   */
  async #editsAndDeletes(
    from: string,
    fresh: (kind: string, id: string) => boolean,
    send: (ev: PostEvent) => Promise<void>,
    members: { id: string; username: string }[],
  ): Promise<void> {
    const { db, config } = this.#deps;
    const rows = (await newEditsAndDeletes(db, from)).filter((r) => fresh("event", r.id));
    if (rows.length === 0) return;
    const facts = await postFacts(db, [...new Set(rows.map((r) => r.postId))]);
    const refs = members.map((m) => memberViewer(m, config.origin));
    for (const row of rows) {
      const post = facts.get(row.postId);
      if (!post || (row.event === "status.update" && post.deleted)) continue;
      const inHomeOf =
        row.event === "delete"
          ? await homesThatHeld(db, post, refs)
          : await homesHolding(
              db,
              post.id,
              refs.map((r) => r.id),
            );
      await send({ event: row.event, post, toPublic: true, inHomeOf });
    }
  }

  /**
   * Ends the streams whose token has been revoked, or whose member is no longer
   * active (suspended, deleted), as Mastodon does: a stream is not a way around it.
   */
  async #endRevoked(): Promise<void> {
    const ids = [
      ...new Set([...this.#connections].flatMap((c) => (c.token ? [c.token.tokenId] : []))),
    ];
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
    const checked = new Set(ids);
    for (const conn of this.#connections) {
      // A connection opened while the query ran was not checked: the next round checks it.
      if (!conn.token || !checked.has(conn.token.tokenId) || live.has(conn.token.tokenId)) continue;
      this.#connections.delete(conn);
      conn.transport.end("revoked");
    }
  }

  #endAll(): void {
    for (const conn of this.#connections) conn.transport.end("shutdown");
    this.#connections.clear();
  }

  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#endAll();
  }
}
