/**
 * The worker role: background work that must not run inside a request.
 * For now, housekeeping of expired cache entries; federation's queue joins it.
 */
import { getLogger } from "@logtape/logtape";
import type { Db } from "./db/database.ts";
import { DatabaseKvStore } from "./federation/store/kv-store.ts";

const logger = getLogger(["synco", "worker"]);
const SWEEP_EVERY_MS = 10 * 60_000;

export async function startWorker(db: Db): Promise<() => Promise<void>> {
  const kv = new DatabaseKvStore(db);
  const sweep = async () => {
    try {
      await kv.sweep();
    } catch (error) {
      logger.error("Sweeping expired cache entries failed: {error}", { error });
    }
  };
  const timer = setInterval(sweep, SWEEP_EVERY_MS);
  timer.unref();
  return async () => clearInterval(timer);
}
