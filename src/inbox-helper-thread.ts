/**
 * The inbox helper's thread (see inbox-helper.ts): its own database connection and
 * Fedify, consuming only the inbox queue, until the main thread says "stop" or it
 * has taken nothing for `idleExitMs`.
 */
import { parentPort, workerData } from "node:worker_threads";
import { CoopSettingsStore } from "./accounts/coop.ts";
import type { Config } from "./config.ts";
import { openDatabase } from "./db/database.ts";
import { federationGateway } from "./federation-gateway.ts";
import { sleep } from "./inbox-helper.ts";
import { setupLogging } from "./logging.ts";

const { config, idleExitMs } = workerData as { config: Config; idleExitMs: number };
await setupLogging(config.logLevel, config.logFormat);
const db = await openDatabase(config.databaseUrl);
const coop = new CoopSettingsStore(db.db, { registration: config.registration });
const runtime = await federationGateway(config, db, coop).load();
const controller = new AbortController();
parentPort?.on("message", (message) => {
  if (message === "stop") controller.abort();
});
const consuming = runtime.startQueue(controller.signal, "inbox");
let taken = -1;
while (!controller.signal.aborted) {
  await sleep(idleExitMs, controller.signal);
  if (runtime.inboxTaken() === taken) controller.abort();
  taken = runtime.inboxTaken();
}
await consuming;
await db.close();
parentPort?.close();
