/**
 * Fixed-window rate limits kept in the database, so several web processes
 * share them. One upsert per hit counts and, when the window has passed,
 * restarts it — no read-then-write race.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import { type Clock, systemClock } from "../kernel/clock.ts";

export interface Limit {
  name: string;
  max: number;
  windowMs: number;
}

const MINUTE = 60_000;

/** The limits on logging in and signing up (failed logins count; every sign-up attempt counts). */
export const limits = {
  loginPerIp: { name: "login-ip", max: 30, windowMs: 15 * MINUTE },
  loginPerAccount: { name: "login-account", max: 10, windowMs: 15 * MINUTE },
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
      .returning("count")
      .executeTakeFirstOrThrow();
    return row.count <= limit.max;
  }

  /** True while the subject is still within its limit (does not count). */
  async allows(limit: Limit, subject: string): Promise<boolean> {
    const row = await this.#db
      .selectFrom("rate_limits")
      .select(["count", "window_ends"])
      .where("key", "=", key(limit, subject))
      .executeTakeFirst();
    if (!row || row.window_ends <= this.#clock.now().toISOString()) return true;
    return row.count < limit.max;
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
}

function key(limit: Limit, subject: string): string {
  return `${limit.name}:${subject.toLowerCase()}`;
}
