/**
 * npm run bench:load [-- --seconds 30 --clients 16 --kill-after 40 --postgres]
 * The load and fault test (issue 25, docs/operations.md "Load test"). SQLite by
 * default; `--postgres` (or TEST_DATABASE_URL / BENCH_DATABASE_URL set) runs it
 * on fresh PostgreSQL databases on that server (`--postgres URL` names it).
 * Exits 1 when an acknowledged write or a delivery was lost.
 */
import { parseArgs } from "node:util";
import { formatReport, runLoad } from "./load/run.ts";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "30" },
    clients: { type: "string", default: "16" },
    "kill-after": { type: "string", default: "40" },
    "delivery-timeout": { type: "string", default: "120" },
    postgres: { type: "boolean", default: false },
    "database-url": { type: "string" },
  },
});

const int = (name: string, value: string, max: number) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    console.error(`--${name} must be a whole number from 1 to ${max}`);
    process.exit(2);
  }
  return n;
};

const envUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
const postgresUrl =
  values["database-url"] ??
  (values.postgres || envUrl
    ? (envUrl ?? "postgres://postgres@127.0.0.1:5432/postgres")
    : undefined);

const report = await runLoad({
  seconds: int("seconds", values.seconds, 3600),
  clients: int("clients", values.clients, 500),
  killAfter: int("kill-after", values["kill-after"], 100_000),
  deliveryTimeoutSeconds: int("delivery-timeout", values["delivery-timeout"], 3600),
  postgresUrl,
  log: (line) => console.error(`… ${line}`),
});
console.log(formatReport(report));
process.exit(report.passed ? 0 : 1);
