/**
 * Fedify, wired for one node: our KvStore and three MessageQueues on the
 * database (inbox, outbox, fanout, each with its own concurrency), the actors,
 * collections and inbox listeners. The queue runs only where startQueue() is
 * called (the worker role); a web-only process just enqueues. This module is
 * imported lazily (see index.ts): loading Fedify costs ~300 ms and ~60 MB.
 */
import {
  createFederation,
  type Federation,
  getAuthenticatedDocumentLoader,
  kvCache,
} from "@fedify/fedify";
import {
  type DocumentLoader,
  getDocumentLoader,
  preloadedContexts,
  type RemoteDocument,
} from "@fedify/vocab-runtime";
import { userAgent as userAgentOf } from "../kernel/version.ts";
import { registerActors } from "./actors.ts";
import { installBoundedFetch } from "./bounded-fetch.ts";
import { registerCollections } from "./collections.ts";
import { installDeliveryFetch } from "./delivery-fetch.ts";
import type { FederationDeps } from "./deps.ts";
import { type AreaExtension, combineExtensions } from "./extensions.ts";
import { registerInbox } from "./inbox.ts";
import { resolveActor } from "./lookup.ts";
import { memoizeParses } from "./parse-memo.ts";
import { Relay } from "./relay.ts";
import { coreExtension } from "./relay-handlers.ts";
import { refreshPerson } from "./social/person-refresh.ts";
import { DatabaseKvStore } from "./store/kv-store.ts";
import { DatabaseMessageQueue } from "./store/message-queue.ts";
import { tracerProvider } from "./tracing.ts";

export interface FederationRuntime {
  federation: Federation<void>;
  relay: Relay;
  /** Looks up a remote actor by handle or URL (cached, refreshed when stale). */
  lookup(query: string): ReturnType<typeof resolveActor>;
  /** Reads a remote person's counts (and, with backfill, recent posts) from their server. */
  refreshPerson(uri: string, options: { backfill: boolean }): Promise<void>;
  /** Runs the queues (or only the one named) until the signal aborts. */
  startQueue(signal: AbortSignal, queue?: "inbox" | "outbox" | "fanout"): Promise<void>;
  /** Stops (or restarts) this process's inbox consumers taking messages. */
  pauseInbox(paused: boolean): void;
  /** How many inbox messages this process has taken so far. */
  inboxTaken(): number;
}

export interface QueueTuning {
  inbox?: number;
  outbox?: number;
  fanout?: number;
}

/** Every 4xx except 408 (Request Timeout) and 429 (Too Many Requests). */
export const PERMANENT_FAILURE_STATUS_CODES: readonly number[] = Array.from(
  { length: 100 },
  (_, i) => 400 + i,
).filter((code) => code !== 408 && code !== 429);

/**
 * Loads JSON-LD contexts: the well-known ones Fedify ships are marked `static`, which
 * lets jsonld keep them resolved between documents instead of walking and re-keying
 * the whole ActivityStreams context for every activity it expands (several times per
 * inbox POST). Any other context goes through the document loader and its cache.
 */
function contextLoader(documents: DocumentLoader): DocumentLoader {
  return async (url, options) => {
    const document = Object.hasOwn(preloadedContexts, url) ? preloadedContexts[url] : undefined;
    if (document === undefined) return documents(url, options);
    const remote: RemoteDocument & { tag: "static" } = {
      contextUrl: null,
      documentUrl: url,
      document,
      tag: "static",
    };
    return remote;
  };
}

export function buildFederation(
  deps: FederationDeps,
  tuning: QueueTuning = {},
  areas: readonly AreaExtension[] = [],
): FederationRuntime {
  // The core's handlers first; a second handler for one event type throws here, at load.
  const extensions = combineExtensions([coreExtension, ...areas]);
  memoizeParses();
  installBoundedFetch();
  const handle = deps.db;
  const queue = (name: string, concurrency: number) =>
    new DatabaseMessageQueue(handle, {
      queue: name,
      concurrency,
      pollMs: 500,
      leaseMs: 6_000,
      clock: deps.clock,
    });
  // Remote keys and documents are read on every inbox request: keep them in memory too.
  const kv = new DatabaseKvStore(handle, deps.clock, {
    memoize: (key) =>
      key[0] === "_fedify" && (key[1] === "publicKey" || key[1] === "remoteDocument"),
    // Fedify 2.3.6 checks and records a queued inbox activity by its id alone, whatever
    // withIdempotency says; the inbox keeps its own records instead (inbox.ts, seenKey).
    ignore: (key) => key[0] === "_fedify" && key[1] === "activityIdempotence",
  });
  // Every request this node makes says who it is (GoToSocial refuses one without), and
  // reaches private addresses only when the configuration allows: both come from the
  // node's configuration alone, whatever options Fedify passes a factory.
  const userAgent = userAgentOf(deps.config.origin);
  const allowPrivateAddress = deps.config.allowPrivateAddress;
  const documents = kvCache({
    loader: getDocumentLoader({ allowPrivateAddress, userAgent }),
    kv,
    prefix: ["_fedify", "remoteDocument"],
  });
  const contexts = contextLoader(documents);
  const inbox = queue("inbox", tuning.inbox ?? 8);
  const federation = createFederation<void>({
    kv,
    trailingSlashInsensitive: true,
    tracerProvider: tracerProvider(),
    queue: {
      inbox,
      outbox: queue("outbox", tuning.outbox ?? 32),
      fanout: queue("fanout", tuning.fanout ?? 2),
    },
    manuallyStartQueue: true,
    // A delivery refused with a 4xx is refused for good (a bad signature, a message the
    // peer will not take): retrying it only loops. 408 and 429 are "later", so retried.
    permanentFailureStatusCodes: PERMANENT_FAILURE_STATUS_CODES,
    origin: deps.config.origin,
    // One loader each, made once: Fedify's built-in factories build a new cached loader,
    // URL patterns and all, for every request — a third of the CPU an inbox POST costs.
    documentLoaderFactory: () => documents,
    contextLoaderFactory: () => contexts,
    authenticatedDocumentLoaderFactory: (identity) =>
      getAuthenticatedDocumentLoader(identity, { allowPrivateAddress, userAgent }),
  });
  // Fedify refuses these two options beside our own loader factories, yet its
  // lookupObject, lookupWebFinger and lookupNodeInfo read them from the federation:
  // without them WebFinger went out with Fedify's own User-Agent and refused private
  // addresses even with SYNCO_ALLOW_PRIVATE_ADDRESS=1 (Fedify 2.3.6 keeps both as plain
  // fields; test/federation.peer-expectations.test.ts fails if that changes).
  Object.assign(federation, { allowPrivateAddress, userAgent });
  registerActors(federation, deps);
  registerCollections(federation, deps);
  registerInbox(federation, deps, extensions.inbox, kv);
  const relay = new Relay(federation, deps, extensions.routes);
  const context = () => federation.createContext(new URL(deps.config.origin), undefined);
  return {
    federation,
    relay,
    lookup: (query) => resolveActor(context(), deps, query),
    refreshPerson: (uri, options) => refreshPerson(context(), deps, uri, options),
    startQueue: (signal, queue) => {
      installDeliveryFetch();
      return federation.startQueue(undefined, { signal, queue });
    },
    pauseInbox: (paused) => inbox.pause(paused),
    inboxTaken: () => inbox.taken,
  };
}
