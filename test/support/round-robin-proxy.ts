/**
 * A small reverse proxy for the scale-out test: each request (and each WebSocket
 * upgrade) goes to the next backend in turn, with no stickiness, as a load
 * balancer in front of several `synco start --role web` processes would send it.
 * It appends the client's address to X-Forwarded-For and connects to the backends
 * from its own listening address, so the nodes can list it in SYNCO_TRUSTED_PROXIES.
 * It remembers which backend got which request, so a test can show both were used.
 */
import { createServer, request, type Server } from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";

export interface Backend {
  host: string;
  port: number;
}

export interface Routed {
  backend: number;
  method: string;
  path: string;
}

export interface RoundRobinProxy {
  /** e.g. http://127.0.5.1:41234 */
  url: string;
  host: string;
  port: number;
  /** The backends, in turn; set (or changed) once they listen. */
  backends: Backend[];
  /** Every request and upgrade, with the index of the backend it went to. */
  routed: Routed[];
  close(): Promise<void>;
}

function forwardedFor(previous: string | string[] | undefined, peer: string | undefined) {
  const before = Array.isArray(previous) ? previous.join(", ") : previous;
  return [before, peer].filter(Boolean).join(", ");
}

export async function startRoundRobinProxy(host: string): Promise<RoundRobinProxy> {
  let turn = 0;
  const sockets = new Set<Socket>();
  const proxy = { backends: [], routed: [] } as unknown as RoundRobinProxy;
  const next = (method: string, path: string) => {
    if (proxy.backends.length === 0) return undefined;
    const index = turn++ % proxy.backends.length;
    proxy.routed.push({ backend: index, method, path });
    return proxy.backends[index];
  };

  const server: Server = createServer((req, res) => {
    const backend = next(req.method ?? "GET", req.url ?? "/");
    if (!backend) return res.writeHead(503).end();
    const headers = {
      ...req.headers,
      "x-forwarded-for": forwardedFor(req.headers["x-forwarded-for"], req.socket.remoteAddress),
    };
    const upstream = request(
      {
        host: backend.host,
        port: backend.port,
        localAddress: host,
        method: req.method,
        path: req.url,
        headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        // Server-sent events: every chunk goes on as it comes (pipe does not buffer).
        res.flushHeaders();
        answer.pipe(res);
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    // A client that leaves (a closed stream) ends the request to the backend too.
    res.on("close", () => upstream.destroy());
    req.pipe(upstream);
  });

  server.on("upgrade", (req, client: Socket, head: Buffer) => {
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    const backend = next(`${req.method ?? "GET"} upgrade`, req.url ?? "/");
    if (!backend) return client.destroy();
    const upstream = connect({ host: backend.host, port: backend.port, localAddress: host });
    sockets.add(upstream);
    upstream.on("close", () => sockets.delete(upstream));
    upstream.on("connect", () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        if (req.rawHeaders[i]?.toLowerCase() === "x-forwarded-for") continue;
        lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      }
      lines.push(
        `X-Forwarded-For: ${forwardedFor(req.headers["x-forwarded-for"], client.remoteAddress)}`,
      );
      upstream.write(`${lines.join("\r\n")}\r\n\r\n`);
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });

  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(proxy, {
    url: `http://${host}:${port}`,
    host,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
