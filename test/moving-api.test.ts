/**
 * /api/synco/v1/moving for apps: the member's aliases (alsoKnownAs), where they
 * moved and their imports; adding and removing an alias; bad input gets a 4xx and
 * changes nothing; no token, no answer.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { memberUri } from "../src/kernel/uris.ts";
import { memberClient } from "./api-helpers.ts";
import { createMember } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
let token: string;

before(async () => {
  node = await startTestNode({ host: "127.0.28.61" });
  token = (await memberClient(node, "ann")).token;
  await createMember(node, { username: "old", password: "long enough" });
});
after(async () => {
  await node?.close();
});

const call = (method: string, path: string, body?: object, auth = true) =>
  fetch(`${node.url}/api/synco/v1/moving${path}`, {
    method,
    headers: {
      ...(auth ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { "content-type": "application/json" } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });

test("aliases in, aliases out; bad input changes nothing", async () => {
  const empty = await call("GET", "");
  assert.equal(empty.status, 200);
  assert.deepEqual(await empty.json(), { also_known_as: [], moved_to: null, imports: [] });
  assert.equal((await call("GET", "", undefined, false)).status, 401);

  const added = await call("POST", "/aliases", { acct: `@old@${node.domain}` });
  assert.equal(added.status, 200);
  const oldUri = memberUri(node.url, "old");
  assert.deepEqual(((await added.json()) as { also_known_as: string[] }).also_known_as, [oldUri]);

  assert.equal((await call("POST", "/aliases", {})).status, 422);
  assert.equal((await call("POST", "/aliases", { acct: `nobody@${node.domain}` })).status, 404);
  assert.equal((await call("POST", "/aliases", { acct: `ann@${node.domain}` })).status, 422);
  assert.equal((await call("POST", "/aliases", { acct: "x".repeat(501) })).status, 422);
  const still = (await (await call("GET", "")).json()) as { also_known_as: string[] };
  assert.deepEqual(still.also_known_as, [oldUri]);

  const removed = await call("DELETE", "/aliases", { uri: oldUri });
  assert.equal(removed.status, 200);
  assert.deepEqual(((await removed.json()) as { also_known_as: string[] }).also_known_as, []);
  assert.equal((await call("DELETE", "/aliases", { uri: oldUri })).status, 404);
});
