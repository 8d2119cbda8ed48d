/**
 * The admin's federation page (issue 25): real deliveries from a node's worker to
 * two fake servers, one taking activities (202) and one refusing them for good
 * (410), are tallied per server; the page lists the failing server first with its
 * last error, the queues and the relay's lag; members other than admins are refused.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { waitFor } from "../src/federation/testing.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { createPost } from "../src/social/posts.ts";
import { createMember, signIn } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";
import { type RemoteActor, startRemoteActor } from "./support/remote-actor.ts";

let node: TestNode;
let taking: RemoteActor;
let refusing: RemoteActor;
let ann: { id: string; username: string };
let stopWorker: (() => Promise<void>) | undefined;
/** POSTs the refusing server answered with 410. */
let refused = 0;

async function follow(remote: RemoteActor) {
  const annUri = `${node.url}/users/ann`;
  const body = {
    "@context": "https://www.w3.org/ns/activitystreams",
    id: `${remote.id}/follows/ann`,
    type: "Follow",
    actor: remote.id,
    object: annUri,
  };
  const res = await fetch(await remote.signed(`${node.url}/inbox`, body));
  assert.equal(res.status, 202);
}

before(async () => {
  taking = await startRemoteActor("127.0.63.9", "eve");
  refusing = await startRemoteActor("127.0.63.10", "gone");
  node = await startTestNode({ host: "127.0.63.1" });
  ann = await createMember(node, { username: "ann", password: "long enough", role: "admin" });
  await createMember(node, { username: "bob", password: "long enough" });
  stopWorker = await node.node.startWorker();
  await follow(taking);
  await follow(refusing);
  const accepted = (r: RemoteActor) => r.delivered.some((d) => d.body.type === "Accept");
  await waitFor("both followers got their Accept", () => accepted(taking) && accepted(refusing));
  refusing.inboxStatus = 410;
  const takenBefore = refusing.delivered.length;
  const s = { db: node.node.db.db, origin: node.url, domain: node.domain, clock: systemClock };
  const post = await createPost(s, ann, {
    text: "hello servers",
    spoiler: "",
    visibility: "public",
    language: null,
    sensitive: false,
    inReplyToId: null,
    mentions: [],
    media: [],
    poll: null,
  });
  assert.ok(post.ok);
  await waitFor("the post reached the server that takes it", () =>
    taking.delivered.some((d) => d.body.type === "Create"),
  );
  await waitFor("the refusing server was asked and nothing is queued", async () => {
    const queued = await node.node.db.db.selectFrom("queue_messages").select("id").execute();
    return refusing.delivered.some((d) => d.body.type === "Create") && queued.length === 0;
  });
  refused = refusing.delivered.length - takenBefore;
  await stopWorker(); // the worker writes its figures when it stops
  stopWorker = undefined;
});

after(async () => {
  await stopWorker?.();
  await node?.close();
  taking?.close();
  refusing?.close();
});

test("deliveries are tallied per server: delivered, failed and the last error", async () => {
  const rows = await node.node.db.db.selectFrom("instance_delivery_stats").selectAll().execute();
  const by = (url: string) => rows.find((r) => r.host === new URL(url).host);
  const ok = by(taking.url);
  const bad = by(refusing.url);
  assert.ok(ok && bad, JSON.stringify(rows));
  assert.ok(Number(ok.delivered) >= 2, "the Accept and the Create got through");
  assert.equal(Number(ok.failed), 0);
  assert.ok(ok.last_success_at);
  // Each refused POST is one failure: a 410 is not retried, so none is counted twice.
  assert.ok(refused >= 1);
  assert.equal(Number(bad.failed), refused);
  assert.equal(Number(bad.failures_in_a_row), refused);
  assert.equal(bad.last_status, 410);
  assert.equal(bad.last_error, "HTTP 410");
});

test("the admin's federation page shows the failing server first, the queues and the relay", async () => {
  const admin = await signIn(node, "ann", "long enough");
  const res = await admin.get("/admin/federation");
  assert.equal(res.status, 200);
  const page = await res.text();
  const failing = page.indexOf(new URL(refusing.url).host);
  const fine = page.indexOf(new URL(taking.url).host);
  assert.ok(failing > 0 && fine > 0, "both servers are listed");
  assert.ok(failing < fine, "the failing server comes first");
  assert.match(page, /HTTP 410/);
  assert.ok(page.includes(`${refused} failures in a row`));
  assert.match(page, /Deliveries/);
  assert.match(page, /Changes not yet handed to the queues: 0\./);
});

test("only admins see it", async () => {
  const member = await signIn(node, "bob", "long enough");
  assert.equal((await member.get("/admin/federation")).status, 403);
  const anonymous = await fetch(`${node.url}/admin/federation`, { redirect: "manual" });
  assert.notEqual(anonymous.status, 200);
});
