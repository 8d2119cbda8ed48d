/**
 * Fixed-window rate limits kept in the database, so several web processes
 * share them. One upsert per attempt counts it and, when the window has passed,
 * restarts it — no read-then-write race. An attempt is counted *before* the
 * work it guards (a password check), so a thousand concurrent tries on one
 * counter let exactly `max` through; a try that turns out fine gives its count
 * back (`release`).
 */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import { type Clock, systemClock } from "../kernel/clock.ts";

export interface Limit {
  name: string;
  max: number;
  windowMs: number;
}

/** One counter an attempt is charged to: a limit and whom it counts (an address, an account…). */
export interface Attempt {
  limit: Limit;
  subject: string;
}

/** Either the attempt may go ahead (and can be given back), or when to try again. */
export type Reservation =
  | { ok: true; release(): Promise<void> }
  | { ok: false; retryAfterMs: number };

const MINUTE = 60_000;

/**
 * The limits on guessing passwords and signing up. A password guess is charged
 * to its source and to the pair (account, source), so a stranger who hammers an
 * account locks out only themselves; the account's own, much larger budget caps
 * guesses spread over many addresses, and once it is spent only sources the
 * member has logged in from before may still try (see auth.ts). Inside a
 * logged-in session (changing the password or address, deleting the account)
 * guesses are charged to that session alone: nobody else can spend them.
 */
export const limits = {
  loginPerIp: { name: "login-ip", max: 30, windowMs: 15 * MINUTE },
  loginPerAccountAndIp: { name: "login-account-ip", max: 10, windowMs: 15 * MINUTE },
  loginPerAccount: { name: "login-account", max: 100, windowMs: 15 * MINUTE },
  /** Not a limit but a memory: the addresses a member logged in from lately (count 1 = known). */
  loginKnownSource: { name: "login-known", max: 1, windowMs: 30 * 24 * 60 * MINUTE },
  passwordPerSession: { name: "password-session", max: 10, windowMs: 15 * MINUTE },
  // Generous per IP: a whole assembly may sign up at once from one hall's network.
  signupPerIp: { name: "signup-ip", max: 30, windowMs: 60 * MINUTE },
  signupPerAccount: { name: "signup-account", max: 5, windowMs: 60 * MINUTE },
  resetPerIp: { name: "reset-ip", max: 10, windowMs: 60 * MINUTE },
} as const satisfies Record<string, Limit>;

export class RateLimiter {
  readonly #db: Kysely<Schema>;
  readonly #clock: Clock;

  constructor(db: Kysely<Schema>, clock: Clock = systemClock) {
    this.#db = db;
    this.#clock = clock;
  }

  /** Counts one hit; false when this hit goes over the limit. */
  async hit(limit: Limit, subject: string): Promise<boolean> {
    return (await this.#count(limit, subject)).count <= limit.max;
  }

  /**
   * Counts one attempt on every counter, in order, stopping at the first that
   * is over its limit (later counters are then not charged). Counting is the
   * single upsert of #count, so concurrent callers never all see "room left".
   */
  async reserve(attempts: readonly Attempt[]): Promise<Reservation> {
    const charged: Attempt[] = [];
    for (const attempt of attempts) {
      const { count, windowEnds } = await this.#count(attempt.limit, attempt.subject);
      if (count > attempt.limit.max) {
        const retryAfterMs = Math.max(1000, Date.parse(windowEnds) - this.#clock.now().getTime());
        return { ok: false, retryAfterMs };
      }
      charged.push(attempt);
    }
    return { ok: true, release: () => this.#giveBack(charged) };
  }

  /** Records that something happened for the subject (e.g. a login from an address). */
  async mark(limit: Limit, subject: string): Promise<void> {
    await this.#count(limit, subject);
  }

  /** True while a mark (or any count) of the subject is inside its window. */
  async marked(limit: Limit, subject: string): Promise<boolean> {
    const row = await this.#db
      .selectFrom("rate_limits")
      .select("window_ends")
      .where("key", "=", key(limit, subject))
      .where("window_ends", ">", this.#clock.now().toISOString())
      .executeTakeFirst();
    return row !== undefined;
  }

  async clear(limit: Limit, subject: string): Promise<void> {
    await this.#db.deleteFrom("rate_limits").where("key", "=", key(limit, subject)).execute();
  }

  /** Drops finished windows (housekeeping). */
  async sweep(): Promise<void> {
    await this.#db
      .deleteFrom("rate_limits")
      .where("window_ends", "<=", this.#clock.now().toISOString())
      .execute();
  }

  async #count(limit: Limit, subject: string): Promise<{ count: number; windowEnds: string }> {
    const now = this.#clock.now();
    const nowIso = now.toISOString();
    const ends = new Date(now.getTime() + limit.windowMs).toISOString();
    const row = await this.#db
      .insertInto("rate_limits")
      .values({ key: key(limit, subject), count: 1, window_ends: ends })
      .onConflict((oc) =>
        oc.column("key").doUpdateSet((eb) => ({
          count: eb
            .case()
            .when("rate_limits.window_ends", "<=", nowIso)
            .then(eb.lit(1))
            .else(eb("rate_limits.count", "+", eb.lit(1)))
            .end(),
          window_ends: eb
            .case()
            .when("rate_limits.window_ends", "<=", nowIso)
            .then(eb.val(ends))
            .else(eb.ref("rate_limits.window_ends"))
            .end(),
        })),
      )
      .returning(["count", "window_ends"])
      .executeTakeFirstOrThrow();
    return { count: Number(row.count), windowEnds: row.window_ends };
  }

  async #giveBack(attempts: readonly Attempt[]): Promise<void> {
    const nowIso = this.#clock.now().toISOString();
    for (const { limit, subject } of attempts)
      await this.#db
        .updateTable("rate_limits")
        .set((eb) => ({ count: eb("count", "-", eb.lit(1)) }))
        .where("key", "=", key(limit, subject))
        .where("count", ">", 0)
        .where("window_ends", ">", nowIso)
        .execute();
  }
}

function key(limit: Limit, subject: string): string {
  return `${limit.name}:${subject.toLowerCase()}`;
}
