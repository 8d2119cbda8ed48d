/**
 * The HTTP server a web process listens with. One address may hold only so many
 * connections at once: each is a file descriptor, and 20,000 idle sockets from
 * one client used to exhaust them (issue 14, item 10). A reverse proxy named in
 * SYNCO_TRUSTED_PROXIES carries every client's connections, so it gets a far
 * higher cap; put the per-client limits on the proxy then (docs/security.md).
 * Timeouts close connections that never finish their headers (slowloris) or sit
 * idle after a response.
 */
import type { IncomingMessage, Server, ServerOptions, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { serve } from "@hono/node-server";
import { getLogger } from "@logtape/logtape";
import type { SyncoNode } from "./app.ts";

export interface ConnectionLimits {
  /** Open connections (WebSocket streams included) one remote address may hold. */
  readonly perAddress: number;
  /** The same for each of SYNCO_TRUSTED_PROXIES, which speak for many clients. */
  readonly perProxy: number;
  /**
   * A request's headers must arrive within this (Node's headersTimeout); it also
   * closes a connection that never sends a byte.
   */
  readonly headersTimeoutMs: number;
  /** A whole request, body included, must arrive within this (10 MiB on a slow line). */
  readonly requestTimeoutMs: number;
  /** An idle kept-alive connection is closed after this. */
  readonly keepAliveTimeoutMs: number;
  /** How often Node looks for connections past the two timeouts above. */
  readonly checkEveryMs: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  perAddress: 256,
  perProxy: 16_384,
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 300_000,
  keepAliveTimeoutMs: 5_000,
  checkEveryMs: 5_000,
};

const logger = getLogger(["synco", "http"]);

/** "::ffff:192.0.2.1" (an IPv4 client on a dual-stack socket) is 192.0.2.1. */
const plainAddress = (address: string | undefined) =>
  (address ?? "").replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "");

/** Node's server options for these limits (the checking interval can only be set here). */
export function serverOptions(limits: ConnectionLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: limits.checkEveryMs,
  };
}

/**
 * Closes, as soon as it opens, a connection that would take its address past its
 * cap; returns a function that tells how many connections an address holds.
 */
export function capConnectionsPerAddress(
  server: Server,
  limits: Pick<ConnectionLimits, "perAddress" | "perProxy">,
  trustedProxies: readonly string[],
): (address: string) => number {
  const proxies = new Set(trustedProxies.map(plainAddress));
  const open = new Map<string, number>();
  // Addresses refused since they were last under their cap: logged once, not per socket.
  const refusing = new Set<string>();
  server.on("connection", (socket: Socket) => {
    const address = plainAddress(socket.remoteAddress);
    const cap = proxies.has(address) ? limits.perProxy : limits.perAddress;
    const count = (open.get(address) ?? 0) + 1;
    if (count > cap) {
      if (!refusing.has(address)) {
        refusing.add(address);
        logger.warning("Refusing connections from {address}: it holds {cap} already", {
          address,
          cap,
        });
      }
      socket.destroy();
      return;
    }
    refusing.delete(address);
    open.set(address, count);
    socket.once("close", () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
  return (address) => open.get(plainAddress(address)) ?? 0;
}

export interface ListeningServer {
  server: Server;
  port: number;
  /** Closes the streams, then the server. */
  close(): Promise<void>;
}

/** Serves the node's app (and its WebSocket streams) on config.host:port with the limits. */
export async function listen(
  node: SyncoNode,
  limits: ConnectionLimits = DEFAULT_CONNECTION_LIMITS,
): Promise<ListeningServer> {
  const server = serve({
    fetch: node.app.fetch,
    hostname: node.config.host,
    port: node.config.port,
    serverOptions: serverOptions(limits),
  }) as Server<typeof IncomingMessage, typeof ServerResponse>;
  capConnectionsPerAddress(server, limits, node.config.trustedProxies);
  const closeStreams = node.attachStreaming(server);
  await new Promise<void>((resolve, reject) => {
    if (server.listening) return resolve();
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const address = server.address();
  return {
    server,
    port: typeof address === "object" && address ? address.port : node.config.port,
    close: () =>
      new Promise((resolve) => {
        closeStreams();
        server.close(() => resolve());
      }),
  };
}
