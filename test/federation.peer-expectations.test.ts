/**
 * What a strict peer expects of every request a node makes, checked against a
 * server in this file that behaves as GoToSocial does (internal/middleware/useragent.go,
 * internal/federation/dereferencing/finger.go): a request with no User-Agent is
 * answered 418; a signed GET is served only when the signer's actor, WebFingered
 * as preferredUsername@host, leads back to that actor. The live check against a
 * real GoToSocial is test/interop-gotosocial.test.ts; this one runs everywhere.
 */
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { verifyRequest } from "@fedify/fedify";
import { Object as APObject, isActor } from "@fedify/vocab";
import { getDocumentLoader } from "@fedify/vocab-runtime";
import { follow } from "../src/federation/follows.ts";
import { waitFor } from "../src/federation/testing.ts";
import { SOFTWARE_VERSION } from "../src/kernel/version.ts";
import { createMember } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

/** GoToSocial's pattern for a remote username in a path or WebFinger (usernameRelaxed). */
const USERNAME = /^[a-z0-9_.]+$/;
const AS = "application/activity+json";

interface Seen {
  method: string;
  path: string;
  userAgent: string | undefined;
  signedBy?: string;
  refused?: string;
  body?: Record<string, unknown>;
}

let node: TestNode;
let stopWorker: () => Promise<void>;
let peer: { url: string; id: string; seen: Seen[]; close(): void };

const loader = getDocumentLoader({ allowPrivateAddress: true });

/** GoToSocial's check of a signer: WebFinger its name at its host, which must lead back to it. */
async function signerProblem(ownerId: URL): Promise<string | null> {
  const document = await loader(ownerId.href);
  const owner = await APObject.fromJsonLd(document.document, {
    documentLoader: loader,
    contextLoader: loader,
  });
  if (!isActor(owner)) return "the key's owner is not an actor";
  const name = owner.preferredUsername?.toString() ?? "";
  if (!USERNAME.test(name)) return `username ${JSON.stringify(name)} is not a valid username`;
  // GoToSocial asks over https; the node here speaks http (loopback), so ask its own origin.
  const finger = new URL("/.well-known/webfinger", ownerId.origin);
  finger.searchParams.set("resource", `acct:${name}@${ownerId.host}`);
  const res = await fetch(finger);
  if (!res.ok) return `WebFinger of ${name}@${ownerId.host} answered ${res.status}`;
  const jrd = (await res.json()) as { subject?: string; links?: { rel: string; href: string }[] };
  if (!jrd.subject?.startsWith(`acct:${name}@`)) return "WebFinger subject does not match";
  const self = jrd.links?.find((l) => l.rel === "self")?.href;
  return self === ownerId.href ? null : `WebFinger leads to ${self}, not ${ownerId.href}`;
}

async function startStrictPeer(host: string) {
  const seen: Seen[] = [];
  let url = "";
  let id = "";
  const actor = () => ({
    "@context": "https://www.w3.org/ns/activitystreams",
    id,
    type: "Person",
    preferredUsername: "gts",
    url: `${url}/@gts`,
    inbox: `${id}/inbox`,
    outbox: `${id}/outbox`,
    followers: `${id}/followers`,
    following: `${id}/following`,
  });
  const handle = async (req: IncomingMessage, res: ServerResponse, body: string) => {
    const entry: Seen = {
      method: req.method ?? "",
      path: req.url ?? "",
      userAgent: req.headers["user-agent"],
    };
    seen.push(entry);
    if (!entry.userAgent) {
      entry.refused = "no User-Agent";
      return res.writeHead(418).end("I'm a teapot");
    }
    const target = new URL(entry.path, url);
    if (req.method === "POST") {
      entry.body = JSON.parse(body);
      return res.writeHead(202).end();
    }
    if (target.pathname === "/.well-known/webfinger") {
      const resource = target.searchParams.get("resource");
      const ours = [`acct:gts@${new URL(url).host}`, `${url}/@gts`, id];
      if (!resource || !ours.includes(resource)) return res.writeHead(404).end();
      res.writeHead(200, { "content-type": "application/jrd+json" });
      return res.end(
        JSON.stringify({
          subject: `acct:gts@${new URL(url).host}`,
          links: [{ rel: "self", type: AS, href: id }],
        }),
      );
    }
    if (target.pathname === "/@gts")
      return res.writeHead(200, { "content-type": "text/html" }).end("<p>gts</p>");
    if (target.pathname !== new URL(id).pathname) return res.writeHead(404).end();
    const request = new Request(target, {
      method: "GET",
      headers: req.headers as Record<string, string>,
    });
    const key = await verifyRequest(request, { documentLoader: loader, contextLoader: loader });
    if (!key?.ownerId) {
      entry.refused = "not signed";
      return res.writeHead(401).end();
    }
    entry.signedBy = key.id?.href;
    const problem = await signerProblem(key.ownerId);
    if (problem) {
      entry.refused = problem;
      return res.writeHead(401).end(problem);
    }
    res.writeHead(200, { "content-type": AS }).end(JSON.stringify(actor()));
  };
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      handle(req, res, body).catch((error) => res.writeHead(500).end(String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  url = `http://${host}:${(server.address() as AddressInfo).port}`;
  id = `${url}/users/gts`;
  return {
    url,
    id,
    seen,
    close() {
      server.closeAllConnections();
      server.close();
    },
  };
}

before(async () => {
  peer = await startStrictPeer("127.0.52.9");
  node = await startTestNode({ host: "127.0.52.1" });
  stopWorker = await node.node.startWorker();
});
after(async () => {
  await stopWorker?.();
  await node?.close();
  peer?.close();
});

const ap = { accept: AS };

test("the instance actor is acct:instance@host, with the collections peers expect", async () => {
  const actor = (await (await fetch(`${node.url}/actor`, { headers: ap })).json()) as Record<
    string,
    unknown
  >;
  assert.equal(actor.id, `${node.url}/actor`);
  assert.equal(actor.preferredUsername, "instance");
  const finger = await fetch(
    `${node.url}/.well-known/webfinger?resource=acct:instance@${node.domain}`,
  );
  assert.equal(finger.status, 200);
  const jrd = (await finger.json()) as { links: { rel: string; href: string }[] };
  assert.equal(jrd.links.find((l) => l.rel === "self")?.href, actor.id);
  for (const name of ["followers", "following", "featured"]) {
    assert.equal(typeof actor[name], "string", `${name} is named`);
    const res = await fetch(actor[name] as string, { headers: ap });
    assert.equal(res.status, 200, `${name} answers`);
    const collection = (await res.json()) as { totalItems?: number; first?: string };
    assert.equal(collection.totalItems ?? 0, 0, `${name} is empty`);
    if (collection.first)
      assert.equal((await fetch(collection.first, { headers: ap })).status, 200, `${name} page`);
  }
  // Nobody can sign up as the instance actor.
  await assert.rejects(createMember(node, { username: "instance", password: "password123" }));
});

test("a peer that WebFingers every signer (as GoToSocial does) serves the node's lookups", async () => {
  const found = await node.node.federation.lookup(peer.id);
  const gets = peer.seen.filter((s) => s.path === "/users/gts");
  assert.equal(found?.uri, peer.id, JSON.stringify(gets));
  assert.ok(gets.some((s) => s.signedBy === `${node.url}/actor#main-key` && !s.refused));
});

test("a profile URL on a private address resolves through WebFinger when allowed", async () => {
  const found = await node.node.federation.lookup(`${peer.url}/@gts`);
  assert.equal(found?.uri, peer.id);
  assert.ok(peer.seen.some((s) => s.path.startsWith("/.well-known/webfinger?resource=http")));
});

test("a member's profile URL on another node resolves to their actor", async () => {
  const other = await startTestNode({ host: "127.0.52.2" });
  try {
    await createMember(other, { username: "carol", password: "password123" });
    const found = await node.node.federation.lookup(`${other.url}/@carol`);
    assert.equal(found?.uri, `${other.url}/users/carol`);
  } finally {
    await other.close();
  }
});

test("every request the node makes, deliveries included, names Synco and the node", async () => {
  const ada = await createMember(node, { username: "ada", password: "password123" });
  const actor = await node.node.federation.lookup(peer.id);
  assert.ok(actor);
  const result = await follow(
    node.node.db.db,
    node.node.config.origin,
    ada,
    { kind: "remote", actor },
    node.node.federation.deps.clock,
  );
  assert.ok(result.ok);
  const delivered = await waitFor("the Follow is delivered", () =>
    peer.seen.find((s) => s.method === "POST" && s.body?.type === "Follow"),
  );
  assert.equal(delivered.refused, undefined);
  const expected = `Synco/${SOFTWARE_VERSION} (+${node.url}/)`;
  assert.equal(delivered.userAgent, expected);
  assert.deepEqual(
    peer.seen.filter((s) => s.userAgent !== expected).map((s) => `${s.method} ${s.path}`),
    [],
  );
});
