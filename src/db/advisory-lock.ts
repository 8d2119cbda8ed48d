/**
 * Work that one process at a time may do, among all the processes sharing a
 * PostgreSQL database (several `synco start --role worker`): a transaction-scoped
 * advisory lock, tried rather than waited for, so a process that finds it held
 * skips its turn instead of queueing behind the holder. It is released when the
 * work ends, and by PostgreSQL itself when the holder's connection dies (a killed
 * process), so it can never be left behind. SQLite is one process's file: the work
 * just runs.
 */
import { sql } from "kysely";
import type { Db } from "./database.ts";

/** Runs `work` unless another process holds `name` now; undefined when it was skipped. */
export async function ifNotHeldElsewhere<T>(
  handle: Pick<Db, "db" | "dialect">,
  name: string,
  work: () => Promise<T>,
): Promise<T | undefined> {
  if (handle.dialect !== "postgres") return work();
  return handle.db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ held: boolean }>`
      select pg_try_advisory_xact_lock(hashtext(${name})) as held`.execute(trx);
    return rows[0]?.held ? work() : undefined;
  });
}
