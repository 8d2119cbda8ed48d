/**
 * The worker role: background work that must not run inside a request —
 * housekeeping (expired cache entries, sessions, tokens and rate-limit windows), the
 * delivery figures of the admin's federation page, the outbox relay and Fedify's queues
 * (inbox processing, fan-out, delivery). Fedify is loaded only once there is
 * federation work (an unrelayed event or a queued message), so an idle node
 * stays small. The relay is woken by the outbox write itself (Db.onOutboxWritten,
 * subscribed once at start) and polls every RELAY_POLL_MS as a safety net, for
 * events written by another process or thread.
 */
import { getLogger } from "@logtape/logtape";
import { sweepAccounts } from "./accounts/housekeeping.ts";
import type { Config } from "./config.ts";
import type { Db } from "./db/database.ts";
import { flushDeliveryStats } from "./federation/delivery-stats.ts";
import type { FederationRuntime } from "./federation/federation.ts";
import type { FederationGateway } from "./federation/index.ts";
import { DatabaseKvStore } from "./federation/store/kv-store.ts";
import { sweepFormUploads } from "./storage/form-uploads.ts";
import { pruneRemoteMedia } from "./storage/remote-media.ts";

const logger = getLogger(["synco", "worker"]);
const SWEEP_EVERY_MS = 10 * 60_000;
const IDLE_POLL_MS = 1_000;
const RELAY_POLL_MS = 250;
const DELIVERY_STATS_EVERY_MS = 5_000;
/** The remote media cache is held to its size and age limits this often. */
const MEDIA_PRUNE_EVERY_MS = 5 * 60_000;

/**
 * Rung by each committed outbox write. A ring while the relay is busy is kept, so
 * an event committed during a relay pass is taken at once rather than at the next poll.
 */
class Doorbell {
  #rung = false;
  #wake: (() => void) | undefined;

  ring = (): void => {
    this.#rung = true;
    this.#wake?.();
  };

  /** Resolves after `ms`, on a ring (or one since the last pause), or on abort. */
  pause(ms: number, signal: AbortSignal): Promise<void> {
    if (this.#rung || signal.aborted) {
      this.#rung = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        this.#rung = false;
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
      signal.addEventListener("abort", done, { once: true });
    });
  }
}

async function hasFederationWork(db: Db): Promise<boolean> {
  const event = await db.db
    .selectFrom("outbox_events")
    .select("id")
    .where("relayed_at", "is", null)
    .limit(1)
    .executeTakeFirst();
  if (event) return true;
  const message = await db.db.selectFrom("queue_messages").select("id").limit(1).executeTakeFirst();
  return message !== undefined;
}

/**
 * Extra inbox capacity while the outbox relay and the queues run (inbox-helper.ts:
 * a helper thread when this thread is saturated); runs until the signal aborts.
 */
export type InboxHelper = (runtime: FederationRuntime, signal: AbortSignal) => Promise<void>;

export interface WorkerOptions {
  /** Extra inbox capacity (inbox-helper.ts). */
  inboxHelper?: InboxHelper;
  /**
   * The safety-net polls: for federation work before Fedify is loaded (default 1 s)
   * and for unrelayed events after (250 ms). Tests lengthen them to show that a
   * committed event wakes the relay on its own.
   */
  pollMs?: { idle?: number; relay?: number };
  /** Where media live and the remote cache's limits; the worker prunes the cache to them. */
  media?: Pick<Config, "dataDir" | "s3" | "remoteMedia">;
}

async function runFederation(
  db: Db,
  gateway: FederationGateway,
  signal: AbortSignal,
  options: WorkerOptions,
) {
  const { inboxHelper } = options;
  const idlePollMs = options.pollMs?.idle ?? IDLE_POLL_MS;
  const relayPollMs = options.pollMs?.relay ?? RELAY_POLL_MS;
  const bell = new Doorbell();
  const unsubscribe = db.onOutboxWritten(bell.ring);
  signal.addEventListener("abort", unsubscribe, { once: true });
  while (!signal.aborted && !gateway.loaded) {
    try {
      if (await hasFederationWork(db)) break;
    } catch (error) {
      logger.error("Checking for federation work failed: {error}", { error });
    }
    await bell.pause(idlePollMs, signal);
  }
  if (signal.aborted) return;
  const runtime = await gateway.load();
  const queues = Promise.all([runtime.startQueue(signal), inboxHelper?.(runtime, signal)]);
  while (!signal.aborted) {
    let relayed = 0;
    try {
      relayed = await runtime.relay.relayPending();
    } catch (error) {
      logger.error("The outbox relay failed: {error}", { error });
    }
    if (relayed === 0) await bell.pause(relayPollMs, signal);
  }
  await queues;
}

export async function startWorker(
  db: Db,
  gateway: FederationGateway,
  options: WorkerOptions = {},
): Promise<() => Promise<void>> {
  const kv = new DatabaseKvStore(db);
  const sweep = async () => {
    try {
      await kv.sweep();
      await sweepAccounts(db.db);
      await sweepFormUploads(db.db, options.media, gateway.deps.clock);
    } catch (error) {
      logger.error("Sweeping expired entries failed: {error}", { error });
    }
  };
  const timer = setInterval(sweep, SWEEP_EVERY_MS);
  timer.unref();
  const { origin } = gateway.deps.config;
  const flushStats = () =>
    flushDeliveryStats(db, origin, gateway.deps.clock).catch((error) =>
      logger.error("Writing delivery figures failed: {error}", { error }),
    );
  const statsTimer = setInterval(flushStats, DELIVERY_STATS_EVERY_MS);
  statsTimer.unref();
  const { media } = options;
  const pruneMedia = async () => {
    if (!media) return;
    await pruneRemoteMedia(
      { db: db.db, media, clock: gateway.deps.clock },
      media.remoteMedia,
    ).catch((error) => logger.error("Pruning the remote media cache failed: {error}", { error }));
  };
  const pruneTimer = setInterval(pruneMedia, MEDIA_PRUNE_EVERY_MS);
  pruneTimer.unref();
  const controller = new AbortController();
  const running = runFederation(db, gateway, controller.signal, options).catch((error) =>
    logger.error("The federation worker stopped: {error}", { error }),
  );
  return async () => {
    clearInterval(timer);
    clearInterval(statsTimer);
    clearInterval(pruneTimer);
    controller.abort();
    await running;
    await flushStats();
  };
}
