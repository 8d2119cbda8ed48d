/**
 * Starts a real node for a test: its own database (SQLite or a PostgreSQL clone),
 * its own data dir, listening on a loopback address with a port the OS picks.
 * The port is known before the node is built, so its public domain is right.
 * With `tls`, the same port also answers https (for peers such as GoToSocial that
 * WebFinger only over https, while a loopback node's origin is http).
 */
import { mkdtempSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { type AddressInfo, createServer as createNetServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Duplex } from "node:stream";
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

/**
 * The socket as a plain stream that first gives back the bytes already read: TLS reads
 * a real socket's handle directly, so bytes unshifted onto it would be lost.
 */
function replaying(socket: Socket, first: Buffer): Duplex {
  const duplex = new Duplex({
    read: () => void socket.resume(),
    write: (chunk, encoding, callback) => void socket.write(chunk, encoding, callback),
    final: (callback) => void socket.end(callback),
    destroy: (error, callback) => {
      socket.destroy(error ?? undefined);
      callback(error);
    },
  });
  duplex.push(first);
  socket.on("data", (chunk) => {
    if (!duplex.push(chunk)) socket.pause();
  });
  socket.on("end", () => duplex.push(null));
  socket.on("close", () => duplex.destroy());
  socket.on("error", (error) => duplex.destroy(error));
  return duplex;
}

export async function startTestNode(
  options: {
    host?: string;
    env?: Record<string, string>;
    tls?: { key: string; cert: string };
  } = {},
): Promise<TestNode> {
  const host = options.host ?? "127.0.0.1";
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const handle = (req: IncomingMessage, res: ServerResponse) =>
    handler ? handler(req, res) : res.writeHead(503).end();
  const server: Server = createServer(handle);
  const tls = options.tls ? createHttpsServer(options.tls, handle) : undefined;
  // One port, both protocols: a TLS ClientHello starts with 0x16 (a handshake record).
  const front = tls
    ? createNetServer((socket: Socket) => {
        socket.once("data", (first: Buffer) => {
          socket.pause();
          if (first[0] === 0x16) return tls.emit("connection", replaying(socket, first));
          socket.unshift(first);
          server.emit("connection", socket);
          socket.resume();
        });
      })
    : server;
  await new Promise<void>((resolve) => front.listen(0, host, resolve));
  const { port } = front.address() as AddressInfo;
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
      tls?.closeAllConnections();
      await new Promise<void>((resolve) => front.close(() => resolve()));
      if (front !== server) server.close();
      await node.close();
    },
  };
}

/** What the social and groups capabilities need of a test node. */
export const socialOf = (n: TestNode) => ({
  db: n.node.db.db,
  origin: n.url,
  domain: n.domain,
  clock: n.node.federation.deps.clock,
});
