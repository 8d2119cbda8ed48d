/**
 * A plan round across three real nodes (127.0.218.x): F hosts the federation
 * "fed" (F's own co-op is a member too); co-ops A and B are members on their
 * own nodes. A offers bread and flour near B; F's co-op offers flour far away;
 * B needs both. The round's Plan reaches A and B (their parts only); A accepts,
 * B rejects A's flour; F re-solves with the bread fixed and sends F's flour
 * instead (an Update); B accepts that, F's co-op accepts its part, and the
 * round closes everywhere. The accepted commitments then become marketplace
 * agreements on the co-ops' nodes. A stranger's answer changes nothing.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { recordEvent } from "../src/db/outbox.ts";
import { answerPart } from "../src/economy/plan-rounds/answers.ts";
import { openRound, roundByUri } from "../src/economy/plan-rounds/rounds.ts";
import { sweepPlanRounds } from "../src/economy/plan-rounds/sweep.ts";
import { followRemote, waitFor as waitForDefault } from "../src/federation/testing.ts";
import { joinWithOurCoop } from "../src/groups/federations.ts";
import { createGroup, type Group } from "../src/groups/groups.ts";
import { newId } from "../src/kernel/ids.ts";
import { coopUri } from "../src/kernel/uris.ts";
import { publishProposal } from "./support/economy.ts";
import { joinFederationOn } from "./support/federations.ts";
import { createMember } from "./support/login.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";
import { type RemoteActor, startRemoteActor } from "./support/remote-actor.ts";

const waitFor = <T>(what: string, check: () => Promise<T> | T) =>
  waitForDefault(what, check, 120_000);

let f: TestNode;
let a: TestNode;
let b: TestNode;
let mallory: RemoteActor;
let fed: Group;
let groupUri: string;
const stops: (() => Promise<void>)[] = [];
type Member = { id: string; username: string };
let fay: Member;
let ana: Member;
let ben: Member;
const BREAD = "https://specs.example/bread";
const FLOUR = "https://specs.example/flour";

const ctxOf = (n: TestNode) => ({
  db: n.node.db.db,
  origin: n.url,
  clock: n.node.federation.deps.clock,
});

async function publish(
  n: TestNode,
  purpose: "offer" | "request",
  spec: string,
  kg: number,
  at: [number, number],
) {
  return n.node.db.db.transaction().execute(async (trx) => {
    const row = await publishProposal(trx, n.url, {
      id: newId(),
      purpose,
      group_uri: groupUri,
      spec_uri: spec,
      name: spec === BREAD ? "Bread" : "Flour",
      unit: "kilogram",
      quantity: kg * 1000,
      available: kg * 1000,
      minimum: 0,
      latitude: at[0],
      longitude: at[1],
      reciprocity: "gift",
      unit_price: 0,
      currency: "",
    });
    await recordEvent(trx, { type: "economy.proposal.created", payload: { proposalId: row.id } });
    return row.uri;
  });
}

const copyOf = (n: TestNode, uri: string) =>
  n.node.db.db.selectFrom("plan_rounds").selectAll().where("uri", "=", uri).executeTakeFirst();
const partOf = (n: TestNode, roundId: string) =>
  n.node.db.db
    .selectFrom("plan_commitments")
    .selectAll()
    .where("round_id", "=", roundId)
    .orderBy("revision")
    .orderBy("spec_uri")
    .execute();
const short = (
  rows: { provider_uri: string; receiver_uri: string; spec_uri: string; quantity: number }[],
) =>
  rows.map(
    (c) =>
      `${new URL(c.provider_uri).hostname}→${new URL(c.receiver_uri).hostname} ${c.spec_uri.split("/").pop()} ${Number(c.quantity) / 1000}`,
  );

before(async () => {
  const env = { SYNCO_LOG_LEVEL: process.env.PLAN_LOG ?? "error" };
  [f, a, b] = await Promise.all([
    startTestNode({ host: "127.0.218.1", env }),
    startTestNode({ host: "127.0.218.2", env }),
    startTestNode({ host: "127.0.218.3", env }),
  ]);
  for (const n of [f, a, b]) stops.push(await n.node.startWorker());
  mallory = await startRemoteActor("127.0.218.9", "mallory", { type: "Organization" });
  fay = await createMember(f, { username: "fay", password: "password123", role: "admin" });
  ana = await createMember(a, { username: "ana", password: "password123", role: "admin" });
  ben = await createMember(b, { username: "ben", password: "password123", role: "admin" });
  const made = await createGroup(socialOf(f), fay, {
    name: "fed",
    kind: "federation",
    displayName: "Bakers' federation",
    visibility: "public",
    moderated: false,
  });
  assert.ok(made.ok, JSON.stringify(made));
  fed = made.value;
  groupUri = `${f.url}/groups/fed`;
  assert.ok((await joinWithOurCoop(socialOf(f), fay, { group: fed })).ok);
  for (const [n, admin] of [
    [a, ana],
    [b, ben],
  ] as const) {
    await joinFederationOn(f, n, admin, "fed");
  }
  // B hears of A's and F's offers as a follower of their co-ops (the marketplace's way).
  for (const host of [a, f]) await followRemote(b.node, ben, `coop@${host.domain}`);
  await waitFor("ben's follows of A's and F's co-ops are accepted", async () => {
    const rows = await b.node.db.db
      .selectFrom("follows")
      .select("status")
      .where("follower_account_id", "=", ben.id)
      .execute();
    return rows.length === 2 && rows.every((r) => r.status === "accepted");
  });
});
after(async () => {
  for (const stop of stops) await stop();
  mallory?.close();
  await Promise.all([f, a, b].map((n) => n?.close()));
});

test("a round with one rejection is re-solved on the host and closes on every node", async () => {
  const aBread = await publish(a, "offer", BREAD, 10, [40.0, -3.0]);
  const aFlour = await publish(a, "offer", FLOUR, 8, [40.0, -3.0]);
  const fFlour = await publish(f, "offer", FLOUR, 20, [43.0, -3.0]);
  await publish(b, "request", BREAD, 10, [40.1, -3.0]);
  await publish(b, "request", FLOUR, 8, [40.1, -3.0]);
  await waitFor("F keeps the members' proposals", async () => {
    const rows = await f.node.db.db
      .selectFrom("econ_proposals")
      .select("uri")
      .where("group_uri", "=", groupUri)
      .execute();
    return rows.length === 5;
  });

  const opened = await openRound(ctxOf(f), fay, {
    groupId: fed.id,
    round: { title: "Week 10", deadline: new Date(Date.now() + 3 * 86_400_000).toISOString() },
  });
  assert.ok(opened.ok, JSON.stringify(opened));
  await sweepPlanRounds(ctxOf(f));
  const onF = await roundByUri(f.node.db.db, opened.value.uri);
  assert.equal(onF?.status, "accepting");
  assert.deepEqual(short(await partOf(f, opened.value.id)), [
    "127.0.218.2→127.0.218.3 bread 10",
    "127.0.218.2→127.0.218.3 flour 8",
  ]);

  // The Plan reaches A and B, each with its own part.
  const copyA = await waitFor("A keeps the plan", async () => {
    const r = await copyOf(a, opened.value.uri);
    return r && (await partOf(a, r.id)).length === 2 ? r : null;
  });
  const copyB = await waitFor("B keeps the plan", async () => {
    const r = await copyOf(b, opened.value.uri);
    return r && (await partOf(b, r.id)).length === 2 ? r : null;
  });
  assert.equal(copyB.status, "accepting");
  const told = await b.node.db.db
    .selectFrom("notifications")
    .select("account_id")
    .where("type", "=", "plan_round")
    .execute();
  assert.deepEqual(
    told.map((n) => n.account_id),
    [ben.id],
  );

  // A stranger's "answer" is not taken: mallory has no part.
  const forged = await fetch(
    await mallory.signed(`${f.url}/inbox`, {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${mallory.url}/accepts/1`,
      type: "Accept",
      actor: mallory.id,
      object: `${opened.value.uri}/revisions/1`,
      to: groupUri,
    }),
  );
  assert.equal(forged.status, 202);

  assert.ok(
    (await answerPart(ctxOf(a), ana, { roundId: copyA.id, answer: { answer: "accept" } })).ok,
  );
  const flourOnB = (await partOf(b, copyB.id)).find((c) => c.spec_uri === FLOUR);
  assert.ok(flourOnB);
  const rejected = await answerPart(ctxOf(b), ben, {
    roundId: copyB.id,
    answer: { answer: "reject", rejected: [flourOnB.id], note: "A's flour is not organic" },
  });
  assert.deepEqual(rejected, { ok: true, value: { answer: "rejected" } });

  await waitFor("F hears both answers and sends the round back to the solver", async () => {
    const r = await roundByUri(f.node.db.db, opened.value.uri);
    return r?.status === "re-solving" || (r?.revision ?? 0) > 1;
  });
  const answers = await f.node.db.db
    .selectFrom("plan_part_answers")
    .select(["coop_uri", "answer", "note"])
    .where("round_id", "=", opened.value.id)
    .orderBy("coop_uri")
    .execute();
  assert.deepEqual(answers, [
    { coop_uri: coopUri(a.url), answer: "accepted", note: "" },
    { coop_uri: coopUri(b.url), answer: "rejected", note: "A's flour is not organic" },
  ]);
  assert.equal(
    (
      await f.node.db.db
        .selectFrom("plan_part_answers")
        .select("id")
        .where("coop_uri", "=", mallory.id)
        .execute()
    ).length,
    0,
  );

  await sweepPlanRounds(ctxOf(f));
  await waitFor(
    "the re-solve is published",
    async () => (await roundByUri(f.node.db.db, opened.value.uri))?.revision === 2,
  );
  assert.deepEqual(short((await partOf(f, opened.value.id)).filter((c) => c.revision === 2)), [
    "127.0.218.1→127.0.218.3 flour 8",
  ]);
  assert.ok(
    (await answerPart(ctxOf(f), fay, { roundId: opened.value.id, answer: { answer: "accept" } }))
      .ok,
  );
  const second = await waitFor("B gets the re-solved plan (Update)", async () => {
    const r = await copyOf(b, opened.value.uri);
    return r?.revision === 2 ? r : null;
  });
  assert.deepEqual(short((await partOf(b, second.id)).filter((c) => c.revision === 2)), [
    "127.0.218.1→127.0.218.3 flour 8",
  ]);
  assert.ok(
    (await answerPart(ctxOf(b), ben, { roundId: second.id, answer: { answer: "accept" } })).ok,
  );

  await waitFor(
    "the round closes on F",
    async () => (await roundByUri(f.node.db.db, opened.value.uri))?.status === "closed",
  );
  await waitFor(
    "and on A and B",
    async () =>
      (await copyOf(a, opened.value.uri))?.status === "closed" &&
      (await copyOf(b, opened.value.uri))?.status === "closed",
  );

  // The accepted commitments become agreements: B offers on A's bread and F's flour, A and F accept.
  await waitFor("B has copies of the offers", async () => {
    const rows = await b.node.db.db
      .selectFrom("econ_proposals")
      .select("uri")
      .where("uri", "in", [aBread, fFlour])
      .execute();
    return rows.length === 2;
  });
  const accepted = await waitFor("both agreements are accepted", async () => {
    for (const n of [b, a, f]) await sweepPlanRounds(ctxOf(n));
    const rows = await b.node.db.db
      .selectFrom("econ_agreements")
      .select(["proposal_uri", "quantity", "status"])
      .where("responder_uri", "=", coopUri(b.url))
      .orderBy("proposal_uri")
      .execute();
    return rows.length === 2 && rows.every((r) => r.status === "accepted") ? rows : null;
  });
  assert.deepEqual(
    accepted.map((r) => [r.proposal_uri, Number(r.quantity)]).sort(),
    [
      [aBread, 10_000],
      [fFlour, 8_000],
    ].sort(),
  );
  assert.equal(
    (
      await a.node.db.db
        .selectFrom("econ_agreements")
        .select("id")
        .where("proposal_uri", "=", aFlour)
        .execute()
    ).length,
    0,
    "no agreement on the rejected flour",
  );
});
