/**
 * Fedify's MessageQueue on our database: a message is a row until its handler
 * finishes, so a process killed mid-delivery loses nothing — the claim is a lease
 * that expires, and another (or the restarted) worker takes the message again.
 * On PostgreSQL, FOR UPDATE SKIP LOCKED lets several worker processes share it.
 */

import { BroadcastChannel } from "node:worker_threads";
import type {
  MessageQueue,
  MessageQueueEnqueueOptions,
  MessageQueueListenOptions,
} from "@fedify/fedify";
import { sql } from "kysely";
import type { Db } from "../../db/database.ts";
import { type Clock, systemClock } from "../../kernel/clock.ts";
import { newId } from "../../kernel/ids.ts";
import { durationMs } from "./duration.ts";

export interface QueueOptions {
  /** Which logical queue (inbox, outbox, fanout share one table). */
  queue?: string;
  /** Handlers running at once per listening process. */
  concurrency?: number;
  /**
   * How long a claim lasts before another worker may retry the message. A live
   * handler renews its claim every third of this, so it can be short: a killed
   * process's messages are taken again soon after, however long deliveries take.
   */
  leaseMs?: number;
  /** Longest wait between polls when idle (other processes' messages). */
  pollMs?: number;
  /** "Now" for availability and leases (the node's clock; the system's by default). */
  clock?: Clock;
}

type Claimed = { id: string; payload: string; attempts: number };

/**
 * New messages are announced on a BroadcastChannel named after the database and the
 * queue, so idle workers of every thread of this process wake at once: the web
 * thread enqueues what the inbox helper thread (inbox-helper.ts) handles. Other
 * processes find them by polling.
 */
const announcers = new Map<string, BroadcastChannel>();

function announce(channel: string, count: number): void {
  let announcer = announcers.get(channel);
  if (!announcer) {
    announcer = new BroadcastChannel(channel);
    announcer.unref();
    announcers.set(channel, announcer);
  }
  announcer.postMessage(count);
}

export class DatabaseMessageQueue implements MessageQueue {
  /** Fedify retries failed deliveries itself with backoff; a thrown handler is retried here. */
  readonly nativeRetrial = false;
  readonly #handle: Pick<Db, "db" | "dialect" | "url">;
  readonly #queue: string;
  readonly #channel: string;
  readonly #concurrency: number;
  readonly #leaseMs: number;
  readonly #pollMs: number;
  readonly #clock: Clock;
  /** Idle workers of this process, woken one per new message. */
  readonly #waiters: (() => void)[] = [];
  #paused = false;
  #taken = 0;

  constructor(handle: Pick<Db, "db" | "dialect" | "url">, options: QueueOptions = {}) {
    this.#handle = handle;
    this.#queue = options.queue ?? "default";
    this.#channel = `synco-queue ${handle.url} ${this.#queue}`;
    this.#concurrency = options.concurrency ?? 8;
    this.#leaseMs = options.leaseMs ?? 30_000;
    this.#pollMs = options.pollMs ?? 1_000;
    this.#clock = options.clock ?? systemClock;
  }

  async enqueue(message: unknown, options?: MessageQueueEnqueueOptions): Promise<void> {
    await this.enqueueMany([message], options);
  }

  async enqueueMany(
    messages: readonly unknown[],
    options?: MessageQueueEnqueueOptions,
  ): Promise<void> {
    if (messages.length === 0) return;
    const now = this.#clock.now().getTime();
    const availableAt = new Date(now + durationMs(options?.delay)).toISOString();
    // Serialised a chunk at a time: a fan-out to thousands of inboxes would otherwise hold
    // every payload string at once. Chunks also stay under SQLite's bound-parameter limit.
    const createdAt = new Date(now).toISOString();
    const orderingKey = options?.orderingKey ?? null;
    for (let i = 0; i < messages.length; i += 500) {
      const rows = messages
        .slice(i, i + 500)
        .map(
          (m) =>
            sql`(${newId(now)}, ${this.#queue}, ${JSON.stringify(m)}, ${orderingKey}, ${availableAt}, ${createdAt})`,
        );
      // Plain SQL: one inbox POST is one insert, and Kysely's builder cost more than it.
      await sql`
        insert into queue_messages (id, queue, payload, ordering_key, available_at, created_at)
        values ${sql.join(rows)}`.execute(this.#handle.db);
    }
    announce(this.#channel, messages.length);
  }

  /**
   * While paused, this process's workers take no new messages: another consumer (the
   * inbox helper thread, inbox-helper.ts) has them. Handlers already running finish.
   */
  pause(paused: boolean): void {
    this.#paused = paused;
    if (!paused) this.#wakeUp(this.#waiters.length);
  }

  /** How many messages this process's workers have taken so far. */
  get taken(): number {
    return this.#taken;
  }

  /** Wakes as many idle workers as there are new messages (not all of them). */
  #wakeUp(count: number): void {
    for (const waiter of this.#waiters.splice(0, count)) waiter();
  }

  async getDepth() {
    const now = this.#clock.now().toISOString();
    const row = await this.#handle.db
      .selectFrom("queue_messages")
      .select([
        (eb) => eb.fn.countAll<number>().as("total"),
        (eb) =>
          eb.fn
            .sum<number>(eb.case().when("available_at", "<=", now).then(1).else(0).end())
            .as("ready"),
      ])
      .where("queue", "=", this.#queue)
      .executeTakeFirstOrThrow();
    const total = Number(row.total);
    const ready = Number(row.ready ?? 0);
    return { queued: total, ready, delayed: total - ready };
  }

  /**
   * Takes the oldest ready message whose ordering key has no earlier message
   * pending, in one statement (UPDATE … WHERE id = (SELECT … LIMIT 1) RETURNING):
   * atomic on SQLite's one writer, and on PostgreSQL the inner FOR UPDATE SKIP
   * LOCKED lets concurrent claimers pass over each other's rows.
   */
  async claim(): Promise<Claimed | undefined> {
    const { db, dialect } = this.#handle;
    const now = this.#clock.now();
    const nowIso = now.toISOString();
    const lockedUntil = new Date(now.getTime() + this.#leaseMs).toISOString();
    // Written as SQL rather than built with Kysely's builder: this runs once per message
    // (and per idle poll), and building and compiling the tree each time cost more CPU
    // than the statement itself.
    const skipLocked = dialect === "postgres" ? sql` for update skip locked` : sql``;
    const { rows } = await sql<Claimed>`
      update queue_messages
      set locked_until = ${lockedUntil}, attempts = attempts + 1
      where id = (
        select m.id from queue_messages m
        where m.queue = ${this.#queue}
          and m.available_at <= ${nowIso}
          and (m.locked_until is null or m.locked_until < ${nowIso})
          and (m.ordering_key is null or not exists (
            select 1 from queue_messages e
            where e.queue = m.queue and e.ordering_key = m.ordering_key and e.id < m.id))
        order by m.available_at, m.id
        limit 1${skipLocked})
      returning id, payload, attempts`.execute(db);
    const row = rows[0];
    return row && { id: row.id, payload: row.payload, attempts: Number(row.attempts) };
  }

  /** Extends a live claim while its handler runs. */
  #renewWhileRunning(id: string): () => void {
    const timer = setInterval(
      () => {
        this.#handle.db
          .updateTable("queue_messages")
          .set({
            locked_until: new Date(this.#clock.now().getTime() + this.#leaseMs).toISOString(),
          })
          .where("id", "=", id)
          .execute()
          .catch(() => {
            // The next renewal or the handler's end will try again.
          });
      },
      Math.max(10, Math.floor(this.#leaseMs / 3)),
    );
    timer.unref();
    return () => clearInterval(timer);
  }

  async #complete(id: string): Promise<void> {
    await sql`delete from queue_messages where id = ${id}`.execute(this.#handle.db);
  }

  /** A handler that threw is retried later with exponential backoff (capped at an hour). */
  async #release(message: Claimed): Promise<void> {
    const backoff = Math.min(3_600_000, 1_000 * 2 ** Math.min(message.attempts, 12));
    await this.#handle.db
      .updateTable("queue_messages")
      .set({
        locked_until: null,
        available_at: new Date(this.#clock.now().getTime() + backoff).toISOString(),
      })
      .where("id", "=", message.id)
      .execute();
  }

  /** Milliseconds until the next delayed message is due, capped by the poll interval. */
  async #idleWait(): Promise<number> {
    const row = await this.#handle.db
      .selectFrom("queue_messages")
      .select((eb) => eb.fn.min("available_at").as("next"))
      .where("queue", "=", this.#queue)
      .where("locked_until", "is", null)
      .executeTakeFirst();
    const next = row?.next
      ? Date.parse(String(row.next)) - this.#clock.now().getTime()
      : this.#pollMs;
    return Math.max(5, Math.min(this.#pollMs, next));
  }

  #sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        const i = this.#waiters.indexOf(done);
        if (i >= 0) this.#waiters.splice(i, 1);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#waiters.push(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  async listen(
    handler: (message: unknown) => Promise<void> | void,
    options: MessageQueueListenOptions = {},
  ): Promise<void> {
    const { signal } = options;
    const news = new BroadcastChannel(this.#channel);
    news.unref();
    news.onmessage = (event) => this.#wakeUp(Number((event as { data: unknown }).data));
    const worker = async () => {
      while (!signal?.aborted) {
        const message = this.#paused ? undefined : await this.claim();
        if (!message) {
          await this.#sleep(this.#paused ? this.#pollMs : await this.#idleWait(), signal);
          continue;
        }
        this.#taken++;
        const stopRenewing = this.#renewWhileRunning(message.id);
        try {
          await handler(JSON.parse(message.payload));
          stopRenewing();
          await this.#complete(message.id);
        } catch {
          stopRenewing();
          await this.#release(message);
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: this.#concurrency }, worker));
    } finally {
      news.close();
    }
  }
}
