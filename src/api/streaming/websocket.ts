/**
 * The WebSocket transport of the streaming hub: /api/v1/streaming (and
 * /api/v1/streaming/<stream>), subscribe and unsubscribe messages, and events as
 * `{ stream, event, payload }` with the payload JSON-encoded, as Mastodon sends them.
 *
 * Hostile input stops at the door: `ws` refuses a frame over MAX_MESSAGE_BYTES as
 * soon as its header announces the length (close 1009, nothing buffered), a message
 * is checked for length before it is parsed, a client that sends more than
 * MAX_MESSAGES_PER_MINUTE is disconnected, and one that does not read its events
 * is dropped before they pile up past MAX_BUFFERED_BYTES.
 */
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { getLogger } from "@logtape/logtape";
import { type WebSocket, WebSocketServer } from "ws";
import { z } from "zod";
import { addressBehindProxies } from "../../web/accounts/deps.ts";
import { bearerToken } from "../auth.ts";
import type { TokenOwner } from "../deps.ts";
import { findToken } from "../oauth/store.ts";
import type { StreamingHub } from "./hub.ts";
import {
  MAX_BUFFERED_BYTES,
  MAX_MESSAGE_BYTES,
  MAX_MESSAGES_PER_MINUTE,
  type StreamConnection,
  type StreamRequest,
  subscribeProblems,
  type Transport,
} from "./streams.ts";

const logger = getLogger(["synco", "api", "streaming"]);
const PATH = "/api/v1/streaming";
/** How often a WebSocket is pinged; one that has not answered the last ping is dropped. */
const PING_MS = 30_000;

const clientMessage = z.object({
  type: z.string(),
  stream: z.string().max(100),
  tag: z.string().max(200).nullish(),
  list: z.union([z.string().max(200), z.number()]).nullish(),
});

/** Answers WebSocket upgrades to /api/v1/streaming on this server through the hub. */
export function acceptWebSockets(hub: StreamingHub, server: Server): void {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    // This is the server's only upgrade handler: any other path is answered, not left open.
    if (url.pathname !== PATH && !url.pathname.startsWith(`${PATH}/`))
      return refuse(socket, "404 Not Found", "Record not found");
    upgrade(hub, wss, { req, socket, head, url }).catch((error) => {
      logger.error("WebSocket upgrade failed: {error}", { error });
      socket.destroy();
    });
  });
  server.on("close", () => wss.close());
}

function refuse(socket: Duplex, status: string, error: string): void {
  socket.end(
    `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${JSON.stringify({ error })}`,
  );
}

async function upgrade(
  hub: StreamingHub,
  wss: WebSocketServer,
  { req, socket, head, url }: { req: IncomingMessage; socket: Duplex; head: Buffer; url: URL },
): Promise<void> {
  const { db, config } = hub.deps;
  // Apps give the token as a header, a query parameter, or the WebSocket subprotocol.
  const protocol = req.headers["sec-websocket-protocol"]?.split(",")[0]?.trim();
  const given = bearerToken(
    req.headers.authorization,
    url.searchParams.get("access_token") ?? protocol ?? null,
  );
  const found = given ? await findToken(db, given) : undefined;
  const row = found && (!found.account_id || found.status === "active") ? found : undefined;
  if (given && !row) return refuse(socket, "401 Unauthorized", "The access token is invalid");
  const token: TokenOwner | null = row
    ? {
        tokenId: row.id,
        appId: row.app_id,
        scopes: new Set(row.scopes.split(" ")),
        account:
          row.account_id && row.username ? { id: row.account_id, username: row.username } : null,
      }
    : null;
  const forwarded = req.headers["x-forwarded-for"];
  const address = addressBehindProxies(
    req.socket.remoteAddress,
    Array.isArray(forwarded) ? forwarded.join(",") : forwarded,
    config.trustedProxies,
  );

  let ws: WebSocket | undefined;
  const transport: Transport = {
    send(message) {
      if (!ws || ws.readyState !== ws.OPEN) return;
      // A client that does not read is dropped rather than buffered for.
      if (ws.bufferedAmount > MAX_BUFFERED_BYTES) return ws.terminate();
      ws.send(JSON.stringify(message));
    },
    end(why) {
      if (!ws) socket.destroy();
      else if (why === "revoked") ws.close(1008, "The access token is no longer valid");
      else ws.terminate();
    },
  };
  const connected = hub.connect({ token, address, transport });
  if (!connected.ok)
    return refuse(socket, "429 Too Many Requests", "Too many streaming connections");
  const conn = connected.value;
  // Whatever ends the socket (a refused handshake included) ends the connection; one
  // that closed while its token was looked up is forgotten at once.
  if (socket.destroyed) return hub.disconnect(conn);
  socket.once("close", () => hub.disconnect(conn));
  wss.handleUpgrade(req, socket, head, (opened) => {
    ws = opened;
    // `ws` reports a frame over maxPayload here and closes with 1009; without a
    // listener the error would be thrown and end the process.
    opened.on("error", () => hub.disconnect(conn));
    opened.on("close", () => hub.disconnect(conn));
    // A peer that vanished without closing stops answering pings: it is dropped, and
    // no longer counts against its token's and address's caps.
    let alive = true;
    opened.on("pong", () => {
      alive = true;
    });
    const ping = setInterval(() => {
      if (!alive) return opened.terminate();
      alive = false;
      opened.ping();
    }, PING_MS);
    ping.unref();
    opened.on("close", () => clearInterval(ping));
    const sent: number[] = [];
    // One message at a time, in order: a subscribe that checks a list must not
    // land after the unsubscribe that followed it.
    let queue = Promise.resolve();
    const handle = (work: () => Promise<void>) => {
      queue = queue.then(work).catch((error) => {
        logger.error("WebSocket message failed: {error}", { error });
        opened.terminate();
      });
    };
    opened.on("message", (data) => {
      const now = Date.now();
      while (sent.length > 0 && (sent[0] ?? 0) < now - 60_000) sent.shift();
      sent.push(now);
      if (sent.length > MAX_MESSAGES_PER_MINUTE) {
        opened.close(1008, "Too many messages");
        return;
      }
      handle(() => onMessage(hub, conn, opened, data));
    });
    const first =
      url.searchParams.get("stream") ?? url.pathname.slice(PATH.length + 1).replace(/\//g, ":");
    if (first)
      handle(() =>
        subscribe(hub, conn, opened, {
          stream: first,
          tag: url.searchParams.get("tag"),
          list: url.searchParams.get("list"),
        }),
      );
  });
}

async function onMessage(
  hub: StreamingHub,
  conn: StreamConnection,
  ws: WebSocket,
  data: Buffer | string,
): Promise<void> {
  // ws's maxPayload already refuses longer frames; a message is never parsed past it.
  if (data.length > MAX_MESSAGE_BYTES) {
    ws.close(1009, "Message too long");
    return;
  }
  let json: unknown;
  try {
    json = JSON.parse(String(data));
  } catch {
    return sendError(ws, "Invalid JSON", 400);
  }
  const msg = clientMessage.safeParse(json);
  if (!msg.success) return sendError(ws, "Invalid message", 400);
  const req: StreamRequest = {
    stream: msg.data.stream,
    tag: msg.data.tag,
    list: msg.data.list === null || msg.data.list === undefined ? null : String(msg.data.list),
  };
  // Other message types (Mastodon has none yet) are ignored, as Mastodon does.
  if (msg.data.type === "subscribe") await subscribe(hub, conn, ws, req);
  else if (msg.data.type === "unsubscribe") hub.unsubscribe(conn, req);
}

async function subscribe(
  hub: StreamingHub,
  conn: StreamConnection,
  ws: WebSocket,
  req: StreamRequest,
): Promise<void> {
  const result = await hub.subscribe(conn, req);
  if (!result.ok) {
    const problem = subscribeProblems[result.reason];
    sendError(ws, problem.error, problem.status);
  }
}

function sendError(ws: WebSocket, error: string, status: number): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ error, status }));
}
