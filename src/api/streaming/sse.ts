/**
 * The server-sent-events transport of the streaming hub (Mastodon's
 * GET /api/v1/streaming/<stream>, used by Mastodon.py's stream_* and many bots):
 * one stream per request, the token from the Authorization header or the
 * access_token parameter (the API's token middleware reads both), and the
 * text/event-stream Mastodon writes — `:)` on opening, `event: update` and
 * `data: <payload>` per event, a `:thump` comment every HEARTBEAT_MS so proxies
 * keep the connection. Same hub, subscriptions, checks and caps as the WebSocket.
 */
import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { clientIp } from "../../web/accounts/deps.ts";
import type { WebEnv } from "../../web/context.ts";
import type { ApiContext, ApiEnv } from "../deps.ts";
import type { StreamingHub } from "./hub.ts";
import {
  MAX_BUFFERED_BYTES,
  type StreamConnection,
  type StreamName,
  subscribeProblems,
  type Transport,
} from "./streams.ts";

const HEARTBEAT_MS = 15_000;

const ssePaths: Record<string, StreamName> = {
  "/api/v1/streaming/user": "user",
  "/api/v1/streaming/user/notification": "user:notification",
  "/api/v1/streaming/public": "public",
  "/api/v1/streaming/public/local": "public:local",
  "/api/v1/streaming/public/remote": "public:remote",
  "/api/v1/streaming/hashtag": "hashtag",
  "/api/v1/streaming/hashtag/local": "hashtag:local",
  "/api/v1/streaming/list": "list",
};

export function sseRoutes(hub: StreamingHub): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  // Apps check this before opening a stream (Mastodon's streaming server answers "OK").
  app.get("/api/v1/streaming/health", (c) => c.text("OK"));
  for (const [path, stream] of Object.entries(ssePaths))
    app.get(path, (c) => openEventStream(hub, c, stream));
  return app;
}

async function openEventStream(
  hub: StreamingHub,
  c: ApiContext,
  stream: StreamName,
): Promise<Response> {
  const encoder = new TextEncoder();
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let conn: StreamConnection | undefined;
  const finish = () => {
    clearInterval(heartbeat);
    if (conn) hub.disconnect(conn);
    try {
      controller?.close();
    } catch {
      // Already closed or cancelled by the client.
    }
    controller = undefined;
  };
  const write = (text: string) => {
    if (!controller) return;
    // A client that does not read is dropped rather than buffered for.
    if ((controller.desiredSize ?? 0) < -MAX_BUFFERED_BYTES) return finish();
    controller.enqueue(encoder.encode(text));
  };
  const transport: Transport = {
    send: (m) => write(`event: ${m.event}\ndata: ${m.payload}\n\n`),
    end: finish,
  };
  const connected = hub.connect({
    token: c.get("token"),
    address: clientIp(c as unknown as Context<WebEnv>, hub.deps.config.trustedProxies),
    transport,
  });
  if (!connected.ok) return c.json({ error: "Too many streaming connections" }, 429);
  conn = connected.value;
  const subscribed = await hub.subscribe(conn, {
    stream,
    tag: c.req.query("tag"),
    list: c.req.query("list"),
  });
  if (!subscribed.ok) {
    hub.disconnect(conn);
    const problem = subscribeProblems[subscribed.reason];
    return c.json({ error: problem.error }, problem.status as ContentfulStatusCode);
  }
  const body = new ReadableStream<Uint8Array>(
    {
      start(ctrl) {
        controller = ctrl;
        ctrl.enqueue(encoder.encode(":)\n"));
        heartbeat = setInterval(() => write(":thump\n"), HEARTBEAT_MS);
        heartbeat.unref();
      },
      cancel: finish,
    },
    new ByteLengthQueuingStrategy({ highWaterMark: 0 }),
  );
  // The client may have gone while the subscription was checked.
  if (c.req.raw.signal.aborted) finish();
  else c.req.raw.signal.addEventListener("abort", finish);
  return c.body(body, 200, {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-store",
    // nginx and others would otherwise hold events back to fill a buffer.
    "X-Accel-Buffering": "no",
  });
}
