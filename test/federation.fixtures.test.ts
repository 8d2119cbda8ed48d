/**
 * Real-world shapes: documents taken from Mastodon's and GoToSocial's own test
 * fixtures (src/federation/fixtures/SOURCES.md) parse into what Synco needs; and
 * what Synco serves carries what Mastodon requires of an actor and of WebFinger.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  Accept,
  Announce,
  Object as APObject,
  Create,
  Delete,
  Follow,
  isActor,
  Note,
  Person,
  Question,
} from "@fedify/vocab";
import { preloadedContexts } from "@fedify/vocab-runtime";
import { actorInput } from "../src/federation/lookup.ts";
import { createMember } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

const dir = join(import.meta.dirname, "..", "src", "federation", "fixtures");
const fixture = (name: string) => JSON.parse(readFileSync(join(dir, name), "utf8"));

/** Only the JSON-LD contexts Fedify ships with: a test never reaches the network. */
const documentLoader = async (url: string) => {
  const document = (preloadedContexts as Record<string, unknown>)[url];
  if (!document) throw new Error(`No network in this test: ${url}`);
  return { contextUrl: null, documentUrl: url, document };
};
const parse = (json: unknown) =>
  APObject.fromJsonLd(json, { documentLoader, contextLoader: documentLoader });

test("Mastodon's actor (with a second vcard type) parses into what we store", async () => {
  const actor = await parse(fixture("mastodon-actor.json"));
  assert.ok(actor instanceof Person && isActor(actor));
  const input = actorInput(actor);
  assert.deepEqual(
    {
      uri: input?.uri,
      username: input?.username,
      host: input?.host,
      inbox: input?.inbox,
      sharedInbox: input?.sharedInbox,
      followers: input?.followers,
      locked: input?.manuallyApprovesFollowers,
      summary: input?.summary,
    },
    {
      uri: "https://ap.example.com/users/foo",
      username: "foo",
      host: "ap.example.com",
      inbox: "https://ap.example.com/users/foo/inbox",
      sharedInbox: "https://ap.example.com/inbox",
      followers: "https://ap.example.com/users/foo/followers",
      locked: false,
      summary: "<p>test</p>",
    },
  );
  const key = await actor.getPublicKey({ documentLoader, contextLoader: documentLoader });
  assert.equal(key?.id?.href, "https://ap.example.com/users/foo#main-key");
});

test("GoToSocial's actor parses, shared inbox and keys included", async () => {
  const actor = await parse(fixture("gotosocial-actor.json"));
  assert.ok(actor instanceof Person);
  const input = actorInput(actor);
  assert.equal(input?.uri, "http://localhost:8080/users/the_mighty_zork");
  assert.equal(input?.username, "the_mighty_zork");
  assert.equal(input?.sharedInbox, "http://localhost:8080/sharedInbox");
  assert.equal(input?.name, "original zork (he/they)");
  const key = await actor.getPublicKey({ documentLoader, contextLoader: documentLoader });
  // GoToSocial's key ids are a path of their own, not a fragment of the actor id.
  assert.equal(key?.id?.href, "http://localhost:8080/users/the_mighty_zork/main-key");
  assert.equal(key?.ownerId?.href, input?.uri);
});

test("Mastodon's Follow and Accept(Follow) carry the ids our follow handling matches on", async () => {
  const follow = await parse(fixture("mastodon-follow.json"));
  assert.ok(follow instanceof Follow);
  assert.equal(follow.actorId?.href, "https://mastodon.example/users/sender");
  assert.equal(follow.objectId?.href, "https://synco.example/users/recipient");
  const accept = await parse(fixture("mastodon-accept.json"));
  assert.ok(accept instanceof Accept);
  // receiveAccept matches our Follow by this id, then falls back to the actor pair. (The
  // embedded Follow is not trusted as is: its id's origin differs from the Accept's.)
  assert.equal(accept.objectId?.href, "https://abc-123/456");
  assert.equal(accept.actorId?.href, "https://mastodon.example/users/sender");
});

test("Mastodon's Create(Question) parses with its options and tallies", async () => {
  const create = await parse(fixture("mastodon-create-question.json"));
  assert.ok(create instanceof Create);
  const question = await create.getObject({ documentLoader, contextLoader: documentLoader });
  assert.ok(question instanceof Question);
  const options = [];
  for await (const option of question.getExclusiveOptions({
    documentLoader,
    contextLoader: documentLoader,
  })) {
    const replies = await option.getReplies({ documentLoader, contextLoader: documentLoader });
    options.push([option.name?.toString(), replies?.totalItems]);
  }
  assert.deepEqual(options, [
    ["Yellow", 10],
    ["Blue", 3],
  ]);
});

test("GoToSocial's Note, Announce and Delete parse", async () => {
  const note = await parse(fixture("gotosocial-note.json"));
  assert.ok(note instanceof Note);
  assert.equal(note.attributionId?.href, "http://localhost:8080/users/the_mighty_zork");
  assert.equal(note.content?.toString(), "<p>hello everyone!</p>");
  assert.equal(note.summary?.toString(), "introduction post");
  const announce = await parse(fixture("gotosocial-announce.json"));
  assert.ok(announce instanceof Announce);
  assert.equal(
    announce.objectId?.href,
    "http://localhost:8080/users/the_mighty_zork/statuses/01FCTA44PW9H1TB328S9AQXKDS",
  );
  const del = await parse(fixture("gotosocial-delete.json"));
  assert.ok(del instanceof Delete);
  assert.equal(del.actorId?.href, "http://localhost:8080/users/admin");
});

// ---- what we serve, checked against what Mastodon's ActivityPub code reads ----

let node: TestNode;
before(async () => {
  node = await startTestNode({ host: "127.0.1.5" });
  await createMember(node, { username: "ada", password: "password123" });
});
after(() => node?.close());

test("our WebFinger answer has the subject and self link Mastodon resolves", async () => {
  const res = await fetch(`${node.url}/.well-known/webfinger?resource=acct:ada@${node.domain}`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /application\/jrd\+json/);
  const jrd = (await res.json()) as {
    subject: string;
    links: { rel: string; type: string; href: string }[];
  };
  assert.equal(jrd.subject, `acct:ada@${node.domain}`);
  const self = jrd.links.find((l) => l.rel === "self");
  assert.equal(self?.type, "application/activity+json");
  assert.equal(self?.href, `${node.url}/users/ada`);
});

test("our actor document has everything Mastodon requires of a Person", async () => {
  const res = await fetch(`${node.url}/users/ada`, {
    headers: { accept: "application/activity+json" },
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /application\/activity\+json/);
  // biome-ignore lint/suspicious/noExplicitAny: a JSON document checked field by field below
  const doc = (await res.json()) as any;
  const context = JSON.stringify(doc["@context"]);
  assert.match(context, /https:\/\/www\.w3\.org\/ns\/activitystreams/);
  assert.match(context, /https:\/\/w3id\.org\/security\/v1/);
  assert.equal(doc.id, `${node.url}/users/ada`);
  assert.equal(doc.type, "Person");
  assert.equal(doc.preferredUsername, "ada");
  for (const key of ["inbox", "outbox", "followers", "following", "url"])
    assert.equal(typeof doc[key], "string", key);
  assert.equal(doc.endpoints.sharedInbox, `${node.url}/inbox`);
  assert.equal(doc.manuallyApprovesFollowers, false);
  // Mastodon verifies HTTP Signatures with publicKey (RSA, PEM) whose owner is the actor.
  assert.equal(doc.publicKey.owner, doc.id);
  assert.match(doc.publicKey.id, new RegExp(`^${doc.id}#`));
  assert.match(doc.publicKey.publicKeyPem, /^-----BEGIN PUBLIC KEY-----/);
  // FEP-521a: the Ed25519 key for Object Integrity Proofs.
  assert.ok(Array.isArray(doc.assertionMethod) && doc.assertionMethod.length >= 1);
  // And our own parser reads it back like any remote actor.
  const parsed = await parse(doc);
  assert.ok(parsed && isActor(parsed));
  assert.equal(actorInput(parsed)?.sharedInbox, `${node.url}/inbox`);
});

test("the co-op, the instance actor and NodeInfo 2.1 are served", async () => {
  const ap = { accept: "application/activity+json" };
  const coop = (await (await fetch(`${node.url}/users/coop`, { headers: ap })).json()) as {
    type: string;
  };
  assert.equal(coop.type, "Organization");
  const instance = (await (await fetch(`${node.url}/actor`, { headers: ap })).json()) as {
    type: string;
    id: string;
  };
  assert.equal(instance.type, "Application");
  assert.equal(instance.id, `${node.url}/actor`);
  const links = (await (await fetch(`${node.url}/.well-known/nodeinfo`)).json()) as {
    links: { rel: string; href: string }[];
  };
  const href = links.links.find((l) => l.rel.endsWith("/2.1"))?.href ?? "";
  // biome-ignore lint/suspicious/noExplicitAny: a JSON document checked field by field below
  const info = (await (await fetch(href)).json()) as any;
  assert.equal(info.version, "2.1");
  assert.equal(info.software.name, "synco");
  assert.deepEqual(info.protocols, ["activitypub"]);
  assert.equal(info.usage.users.total, 1);
});

test("a browser at an actor's id is sent to the profile page", async () => {
  const res = await fetch(`${node.url}/users/ada`, {
    headers: { accept: "text/html" },
    redirect: "manual",
  });
  assert.equal(res.status, 302);
  assert.equal(res.headers.get("location"), "/@ada");
});
