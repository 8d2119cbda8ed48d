/** Periodic clean-up for the worker: expired sessions and tokens, finished rate-limit windows. */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import { type Clock, systemClock } from "../kernel/clock.ts";
import { RateLimiter } from "./rate-limits.ts";

export async function sweepAccounts(db: Kysely<Schema>, clock: Clock = systemClock): Promise<void> {
  const now = clock.now().toISOString();
  await db.deleteFrom("sessions").where("expires_at", "<=", now).execute();
  await db.deleteFrom("account_tokens").where("expires_at", "<=", now).execute();
  await new RateLimiter(db, clock).sweep();
}
