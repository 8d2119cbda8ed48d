/**
 * Starts a real node for a test: its own database (SQLite or a PostgreSQL clone),
 * its own data dir, listening on a loopback address with a port the OS picks.
 * The port is known before the node is built, so its public domain is right.
 */
import { mkdtempSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getRequestListener } from "@hono/node-server";
import { createNode, type SyncoNode } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { freshDatabaseUrl } from "./db.ts";

export interface TestNode {
  node: SyncoNode;
  /** Public origin, e.g. http://127.0.0.2:41234 */
  url: string;
  domain: string;
  close(): Promise<void>;
}

export async function startTestNode(
  options: { host?: string; env?: Record<string, string> } = {},
): Promise<TestNode> {
  const host = options.host ?? "127.0.0.1";
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server: Server = createServer((req, res) =>
    handler ? handler(req, res) : res.writeHead(503).end(),
  );
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const domain = `${host}:${port}`;
  const config = loadConfig({
    SYNCO_DOMAIN: domain,
    SYNCO_HOST: host,
    SYNCO_PORT: String(port),
    SYNCO_DATA_DIR: mkdtempSync(join(tmpdir(), "synco-node-")),
    SYNCO_DATABASE_URL: await freshDatabaseUrl(),
    SYNCO_SECRET: "test-secret-".padEnd(40, "x"),
    SYNCO_PASSWORD_COST: "8",
    SYNCO_ALLOW_PRIVATE_ADDRESS: "1",
    SYNCO_REGISTRATION: "open",
    SYNCO_LOG_LEVEL: "error",
    ...options.env,
  });
  const node = await createNode(config);
  handler = getRequestListener(node.app.fetch);
  const closeStreams = node.attachStreaming(server);
  return {
    node,
    url: `http://${domain}`,
    domain,
    async close() {
      closeStreams();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await node.close();
    },
  };
}
