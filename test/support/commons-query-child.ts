/**
 * One commons query from its own process (its own database connection), for the
 * ledger race test: argv = database URL, dataset id, member id, username, query
 * JSON, clock time, start time (ms since epoch). It opens the database, waits for
 * the start time so that both processes query together, and prints the result.
 */

import { queryDataset } from "../../src/commons/queries.ts";
import { openDatabase } from "../../src/db/database.ts";
import { fixedClock } from "../../src/kernel/clock.ts";
import { ORIGIN, testSigner } from "./commons.ts";

const [url, datasetId, id, username, query, now, start] = process.argv.slice(2) as string[];
const db = await openDatabase(url ?? "");
const cx = {
  db: db.db,
  origin: ORIGIN,
  clock: fixedClock(new Date(now ?? "")),
  signer: testSigner(),
};
// A barrier, not a wait for an outcome: both processes are ready before it passes.
while (Date.now() < Number(start)) await new Promise((r) => setTimeout(r, 1));
const result = await queryDataset(
  cx,
  { id: id ?? "", username: username ?? "" },
  {
    datasetId: datasetId ?? "",
    query: JSON.parse(query ?? "{}"),
  },
);
process.stdout.write(JSON.stringify(result));
await db.close();
