import { createNode } from "../../src/app.ts";
import { listen } from "../../src/http-server.ts";
import { inboxHelper } from "../../src/inbox-helper.ts";
import { setupLogging } from "../../src/logging.ts";
import { guard, parse, UsageError } from "./args.ts";
import { configOrExit } from "./config.ts";

const help = `Usage: synco start [--role web|worker|all]

Runs the node. Roles: "web" answers HTTP, "worker" processes the queue
(federation delivery and background jobs), "all" (the default) does both.
Several web and worker processes can share one PostgreSQL database.
Configuration comes from the environment (see README.md).`;

export async function run(args: string[]): Promise<number> {
  return guard(async () => {
    const parsed = parse(args, { role: { type: "string", default: "all" } }, help);
    if (!parsed) return 0;
    const role = parsed.values.role;
    if (role !== "web" && role !== "worker" && role !== "all") {
      throw new UsageError(`synco start: --role must be web, worker or all (got "${role}")`);
    }
    // Listen for the stop signal first: a SIGTERM during start-up still stops cleanly.
    const stopSignal = new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    const config = configOrExit();
    await setupLogging(config.logLevel, config.logFormat);
    const node = await createNode(config);
    const stoppers: (() => Promise<void>)[] = [];

    if (role !== "worker") {
      const web = await listen(node);
      stoppers.push(web.close);
      console.log(
        `Synco is running at ${config.origin}/ (listening on ${config.host}:${web.port})`,
      );
    }
    if (role === "worker") stoppers.push(await node.startWorker());
    // Answering HTTP too: in an inbound burst a helper thread takes the inbox (a second core).
    if (role === "all") stoppers.push(await node.startWorker({ inboxHelper: inboxHelper(config) }));

    const admins = await node.db.db
      .selectFrom("accounts")
      .select("id")
      .where("role", "=", "admin")
      .limit(1)
      .execute();
    if (admins.length === 0) {
      console.log(
        `No admin yet. Create the first one with:\n  ${nodeEnvironment()}npm run synco -- admin create-user --username NAME --email EMAIL --password PASSWORD --admin${
          process.env.SYNCO_DATABASE_URL
            ? "\n  (with this node's SYNCO_DATABASE_URL in the environment)"
            : ""
        }`,
      );
    }

    await stopSignal;
    for (const stop of stoppers) await stop();
    await node.close();
    return 0;
  });
}

/**
 * The data dir this node was given, so the printed command reaches this node and not
 * ./data. A database URL may hold a password: it is named, never printed.
 */
function nodeEnvironment(): string {
  const dir = process.env.SYNCO_DATA_DIR;
  return dir ? `SYNCO_DATA_DIR=${shellQuote(dir)} ` : "";
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}
