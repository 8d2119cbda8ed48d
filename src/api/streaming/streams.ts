/**
 * The streams an app can subscribe to (docs.joinmastodon.org/methods/streaming/#streams),
 * whichever transport carries them, and the limits every connection keeps. A
 * subscription is a stream name plus its parameter (a hashtag or a list id);
 * each event sent on it carries `stream` as Mastodon's streaming server spells it:
 * `["user"]`, `["hashtag", "coop"]`, `["list", "<id>"]`.
 */
import { fail, ok, type Result } from "../../kernel/errors.ts";
import type { TokenOwner } from "../deps.ts";

export const streamNames = [
  "user",
  "user:notification",
  "public",
  "public:local",
  "public:remote",
  "hashtag",
  "hashtag:local",
  "list",
] as const;

export type StreamName = (typeof streamNames)[number];

/** The largest WebSocket message a client may send (a subscribe is under 200 bytes). */
export const MAX_MESSAGE_BYTES = 4096;
/** Subscriptions one connection may hold at once. */
export const MAX_SUBSCRIPTIONS_PER_CONNECTION = 32;
/** Open streaming connections (WebSocket and SSE together) per access token. */
export const MAX_CONNECTIONS_PER_TOKEN = 16;
/** Open streaming connections per client address, signed in or not. */
export const MAX_CONNECTIONS_PER_ADDRESS = 64;
/** Messages a WebSocket client may send per minute before it is disconnected. */
export const MAX_MESSAGES_PER_MINUTE = 120;
/** Unsent output a slow client may let pile up before its connection is ended. */
export const MAX_BUFFERED_BYTES = 1024 * 1024;
/** Longest hashtag or list id accepted as a stream parameter. */
const MAX_PARAM_LENGTH = 100;

/**
 * The scope a token needs for each stream, as Mastodon's streaming server checks it
 * (`read` covers both). Public streams need none; with a token lacking
 * `read:statuses` they show only what a visitor sees.
 */
export const requiredScope: Record<StreamName, string | null> = {
  user: "read:statuses",
  "user:notification": "read:notifications",
  list: "read:statuses",
  public: null,
  "public:local": null,
  "public:remote": null,
  hashtag: null,
  "hashtag:local": null,
};

export interface Subscription {
  name: StreamName;
  /** The hashtag (lower case, without "#") or the list id; null for the others. */
  param: string | null;
  /** What each of its events carries as `stream` (the tag as the app sent it). */
  stream: string[];
  /** For a list that is one of the member's groups: the Group actor's URI (set on subscribing). */
  audience?: string | undefined;
}

/** What an app asks for: a stream name and, for some, a tag or a list. */
export interface StreamRequest {
  stream: string;
  tag?: string | null | undefined;
  list?: string | null | undefined;
}

export type SubscribeProblem =
  | "unknown-stream"
  | "missing-tag"
  | "missing-list"
  | "missing-token"
  | "missing-scope"
  | "no-such-list"
  | "too-many-subscriptions";

/** Mastodon's wording where it has one, and the HTTP status an SSE request gets. */
export const subscribeProblems: Record<SubscribeProblem, { error: string; status: number }> = {
  "unknown-stream": { error: "Unknown stream type", status: 404 },
  "missing-tag": { error: "No tag for stream provided", status: 400 },
  "missing-list": { error: "No list for stream provided", status: 400 },
  "missing-token": { error: "Missing access token", status: 401 },
  "missing-scope": { error: "Access token does not have the required scopes", status: 403 },
  "no-such-list": { error: "Not authorized to stream this list", status: 404 },
  "too-many-subscriptions": { error: "Too many subscriptions on this connection", status: 429 },
};

const isStreamName = (name: string): name is StreamName =>
  (streamNames as readonly string[]).includes(name);

/** The subscription a request names, or why it names none (no token or database needed). */
export function parseStreamRequest(req: StreamRequest): Result<Subscription, SubscribeProblem> {
  const name = req.stream;
  if (!isStreamName(name)) return fail("unknown-stream");
  if (name === "hashtag" || name === "hashtag:local") {
    const given = (req.tag ?? "").trim();
    const tag = given.replace(/^#/, "").toLowerCase();
    if (!tag || given.length > MAX_PARAM_LENGTH) return fail("missing-tag");
    return ok({ name, param: tag, stream: [name, given] });
  }
  if (name === "list") {
    const list = (req.list ?? "").trim();
    if (!list || list.length > MAX_PARAM_LENGTH) return fail("missing-list");
    return ok({ name, param: list, stream: [name, list] });
  }
  return ok({ name, param: null, stream: [name] });
}

/** One key per subscription: a second subscribe to the same stream changes nothing. */
export const subscriptionKey = (s: Pick<Subscription, "name" | "param">): string =>
  s.param === null ? s.name : `${s.name}#${s.param}`;

/** One message as the WebSocket sends it; SSE sends `event` and `payload` alone. */
export interface StreamMessage {
  stream: string[];
  event: string;
  /** JSON-encoded entity, or the bare id for `delete`. */
  payload: string;
}

/** How the hub reaches one connection, whatever carries it. */
export interface Transport {
  send(message: StreamMessage): void;
  /** Ends the connection from our side: its token was revoked, or the node stops. */
  end(why: "revoked" | "shutdown"): void;
}

/** One open connection: who is behind it and what it subscribed to. */
export interface StreamConnection {
  readonly token: TokenOwner | null;
  readonly address: string;
  /** By subscriptionKey. */
  readonly subscriptions: Map<string, Subscription>;
  readonly transport: Transport;
}
