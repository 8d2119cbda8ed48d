/**
 * Real nodes for the decisions federation tests (test/decisions-federation*.test.ts):
 * node A hosts a public group "garden"; ben on node B and mia on a fake
 * Mastodon-like server are its members; cat on node C; mallory on a fake server
 * is nobody's member. Each test file starts its own on its own loopback prefix.
 */
import assert from "node:assert/strict";
import { followRemote, followStatus, waitFor } from "../../src/federation/testing.ts";
import { createDecision, findDecision } from "../../src/governance/decisions/decisions.ts";
import { createGroup, type Group } from "../../src/groups/groups.ts";
import { createMember } from "./login.ts";
import { socialOf, startTestNode, type TestNode } from "./node.ts";
import { type RemoteActor, startRemoteActor } from "./remote-actor.ts";

type Member = { id: string; username: string };

export interface DecisionNodes {
  a: TestNode;
  b: TestNode;
  c: TestNode;
  mia: RemoteActor;
  mallory: RemoteActor;
  ana: Member;
  ben: Member;
  cat: Member;
  garden: Group;
  close(): Promise<void>;
}

export const inAWeek = () => new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString();
export const user = (n: TestNode, name: string) => `${n.url}/users/${name}`;

/** `prefix`: the loopback prefix of this file's servers, e.g. "127.0.31". */
export async function startDecisionNodes(prefix: string): Promise<DecisionNodes> {
  const env = { SYNCO_LOG_LEVEL: process.env.DECISIONS_LOG ?? "error" };
  const [a, b, c] = await Promise.all([
    startTestNode({ host: `${prefix}.1`, env }),
    startTestNode({ host: `${prefix}.2`, env }),
    startTestNode({ host: `${prefix}.3`, env }),
  ]);
  const stops: (() => Promise<void>)[] = [];
  for (const n of [a, b, c]) stops.push(await n.node.startWorker());
  const [mia, mallory] = await Promise.all([
    startRemoteActor(`${prefix}.9`, "mia"),
    startRemoteActor(`${prefix}.10`, "mallory"),
  ]);
  const ana = await createMember(a, { username: "ana", password: "password123", role: "admin" });
  const ben = await createMember(b, { username: "ben", password: "password123", role: "admin" });
  const cat = await createMember(c, { username: "cat", password: "password123", role: "admin" });
  const made = await createGroup(socialOf(a), ana, {
    name: "garden",
    kind: "working_group",
    displayName: "Garden",
    visibility: "public",
    moderated: false,
  });
  assert.ok(made.ok);
  const garden = made.value;
  const groupUri = `${a.url}/groups/garden`;
  await followRemote(b.node, ben, `garden@${a.domain}`);
  await waitFor(
    "ben is in garden",
    async () => (await followStatus(b.node, user(b, "ben"), groupUri)) === "accepted",
  );
  // mia joins from her (Mastodon-like) server: a signed Follow of the Group.
  const res = await fetch(
    await mia.signed(`${a.url}/inbox`, {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${mia.id}/follows/1`,
      type: "Follow",
      actor: mia.id,
      object: groupUri,
    }),
  );
  assert.equal(res.status, 202);
  await waitFor(
    "mia is in garden",
    async () =>
      !!(await a.node.db.db
        .selectFrom("group_members")
        .select("id")
        .where("group_id", "=", garden.id)
        .where("actor_uri", "=", mia.id)
        .where("status", "=", "active")
        .executeTakeFirst()),
  );
  return {
    a,
    b,
    c,
    mia,
    mallory,
    ana,
    ben,
    cat,
    garden,
    async close() {
      for (const stop of stops) await stop();
      mia.close();
      mallory.close();
      await Promise.all([a.close(), b.close(), c.close()]);
    },
  };
}

/** ana proposes a decision in garden (closing in a week unless said). */
export async function propose(w: DecisionNodes, proposal: Record<string, unknown>) {
  const made = await createDecision(socialOf(w.a), w.ana, {
    group: w.garden,
    proposal: { closesAt: inAWeek(), ...proposal },
  });
  assert.ok(made.ok, JSON.stringify(made));
  const d = await findDecision(w.a.node.db.db, made.value.id);
  assert.ok(d);
  return d;
}

/** A node's row of a decision (its copy, for a decision hosted elsewhere). */
export const copyOn = (n: TestNode, uri: string) =>
  n.node.db.db.selectFrom("decisions").selectAll().where("uri", "=", uri).executeTakeFirst();

/** The named votes the host has of a decision. */
export const votesAt = (n: TestNode, decisionId: string) =>
  n.node.db.db
    .selectFrom("decision_votes")
    .select(["voter_uri", "cast_by_uri", "choice"])
    .where("decision_id", "=", decisionId)
    .orderBy("voter_uri")
    .execute();

/** Signs `activity` as `who` (or with `key`, to forge) and posts it to `n`'s shared inbox. */
export async function sendAs(
  n: TestNode,
  who: RemoteActor,
  activity: Record<string, unknown>,
  key = who.keys.privateKey,
) {
  const res = await fetch(
    await who.signed(
      `${n.url}/inbox`,
      { "@context": "https://www.w3.org/ns/activitystreams", ...activity },
      key,
    ),
  );
  return res.status;
}

/** Nothing left in a node's queues (inbox and outbox). */
export const drained = (n: TestNode) =>
  waitFor(
    "the queues are empty",
    async () =>
      !(await n.node.db.db.selectFrom("queue_messages").select("id").executeTakeFirst()) &&
      !(await n.node.db.db
        .selectFrom("outbox_events")
        .select("id")
        .where("relayed_at", "is", null)
        .executeTakeFirst()),
  );
