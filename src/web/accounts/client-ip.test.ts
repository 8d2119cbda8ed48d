import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { getRequestListener } from "@hono/node-server";
import { Hono } from "hono";
import type { WebEnv } from "../context.ts";
import { clientIp } from "./deps.ts";

// A real HTTP server, so the peer address comes from a real socket.
let url: string;
const server = createServer();
before(async () => {
  const app = new Hono<WebEnv>();
  app.get("/untrusted", (c) => c.text(clientIp(c, [])));
  app.get("/trusted", (c) => c.text(clientIp(c, ["127.0.0.1", "10.0.0.2"])));
  server.on("request", getRequestListener(app.fetch));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

const ip = async (path: string, forwarded?: string) =>
  (
    await fetch(`${url}${path}`, { headers: forwarded ? { "x-forwarded-for": forwarded } : {} })
  ).text();

test("without trusted proxies, X-Forwarded-For is ignored", async () => {
  assert.equal(await ip("/untrusted", "203.0.113.9"), "127.0.0.1");
});

test("behind a trusted proxy, the nearest untrusted hop is the client", async () => {
  assert.equal(await ip("/trusted", "203.0.113.9"), "203.0.113.9");
  // A client forging the header cannot choose its address: the rightmost untrusted hop wins.
  assert.equal(await ip("/trusted", "198.51.100.1, 203.0.113.9, 10.0.0.2"), "203.0.113.9");
  assert.equal(await ip("/trusted"), "127.0.0.1");
});
