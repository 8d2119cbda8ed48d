/**
 * Decisions across real nodes (127.0.32.x, test/support/decision-nodes.ts):
 * hostile ballots (a non-member, twice, a forged actor, after closing, a
 * document naming another voter) are refused and change nothing; two co-ops'
 * delegates decide in a federation hosted on A, B's delegate carrying the
 * result of B's own assembly.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { DOCUMENT_CONTEXT } from "../src/federation/decisions/vocab.ts";
import { waitFor } from "../src/federation/testing.ts";
import { closeDecision } from "../src/governance/decisions/closing.ts";
import { createDecision, findDecision } from "../src/governance/decisions/decisions.ts";
import { sendBallot } from "../src/governance/decisions/elsewhere.ts";
import { carryMandate, linkMandate } from "../src/governance/decisions/mandate.ts";
import { castVote } from "../src/governance/decisions/votes.ts";
import { joinFederation, setDelegates } from "../src/groups/federations.ts";
import { assembly, createGroup } from "../src/groups/groups.ts";
import { launchBrowser, logIn, newContext, screenshot } from "./support/browser.ts";
import {
  copyOn,
  type DecisionNodes,
  drained,
  inAWeek,
  propose as proposeIn,
  sendAs as sendAsTo,
  startDecisionNodes,
  user,
  votesAt as votesAtNode,
} from "./support/decision-nodes.ts";
import { createMember, signIn } from "./support/login.ts";
import { socialOf, type TestNode } from "./support/node.ts";
import type { RemoteActor } from "./support/remote-actor.ts";

let w: DecisionNodes;
let a: TestNode;
let b: TestNode;
let c: TestNode;
let mia: RemoteActor;
let mallory: RemoteActor;
let ana: DecisionNodes["ana"];
let ben: DecisionNodes["ben"];
let cat: DecisionNodes["cat"];

before(async () => {
  w = await startDecisionNodes("127.0.32");
  ({ a, b, c, mia, mallory, ana, ben, cat } = w);
});
after(async () => {
  await w?.close();
});

const groupUri = () => `${a.url}/groups/garden`;
const propose = (proposal: Record<string, unknown>) => proposeIn(w, proposal);
const votesAt = (decisionId: string) => votesAtNode(a, decisionId);
const sendAs = (who: RemoteActor, activity: Record<string, unknown>, key = who.keys.privateKey) =>
  sendAsTo(a, who, activity, key);

test("hostile ballots — a non-member, twice, a forged actor, after closing — are refused and change nothing", async () => {
  const d = await propose({
    title: "Budget order",
    rule: "schulze",
    options: [{ label: "Roof" }, { label: "Paint" }],
  });
  let n = 0;
  /** `who` serves a Ballot for the decision and sends its Create (or Update) to the Group. */
  async function ballotFrom(
    who: RemoteActor,
    choice: unknown,
    options: {
      type?: string;
      actor?: string;
      attributedTo?: string;
      key?: typeof who.keys.privateKey;
      decision?: string;
    } = {},
  ) {
    const path = `/ballots/${++n}`;
    who.documents.set(path, {
      "@context": DOCUMENT_CONTEXT,
      id: `${who.url}${path}`,
      type: "Ballot",
      attributedTo: options.attributedTo ?? who.id,
      to: [groupUri()],
      decision: options.decision ?? d.uri,
      choice,
      published: new Date().toISOString(),
    });
    return sendAs(
      who,
      {
        id: `${who.url}/activities/${n}`,
        type: options.type ?? "Create",
        actor: options.actor ?? who.id,
        object: `${who.url}${path}`,
        to: groupUri(),
      },
      options.key,
    );
  }
  // A member's ballot from a server that is not Synco's counts (our vocabulary is open).
  assert.equal(await ballotFrom(mia, { ranking: [1, 0] }), 202);
  await waitFor("mia's ballot counts", async () => (await votesAt(d.id)).length === 1);
  const before = await votesAt(d.id);

  // Twice: a second Create (a new ballot) is refused; the first stands.
  assert.equal(await ballotFrom(mia, { ranking: [0, 1] }), 202);
  // A non-member.
  assert.equal(await ballotFrom(mallory, { ranking: [0] }), 202);
  // A forged actor: mallory signs an activity that says it is mia's (the inbox refuses it).
  assert.notEqual(
    await ballotFrom(mia, { ranking: [0] }, { type: "Update", key: mallory.keys.privateKey }),
    202,
  );
  // A ballot whose document names another voter than the activity's actor.
  assert.equal(await ballotFrom(mallory, { ranking: [0] }, { attributedTo: mia.id }), 202);
  // A choice the rule refuses, and a ballot for a decision that is not here.
  assert.equal(await ballotFrom(mia, { ranking: [5] }, { type: "Update" }), 202);
  assert.equal(
    await ballotFrom(
      mia,
      { ranking: [0] },
      { type: "Update", decision: `${a.url}/decisions/nope` },
    ),
    202,
  );
  await drained(a);
  assert.deepEqual(await votesAt(d.id), before);

  // After closing, even an Update (a change) is refused.
  assert.ok((await closeDecision(socialOf(a), ana, { decisionId: d.id })).ok);
  assert.equal(await ballotFrom(mia, { ranking: [0, 1] }, { type: "Update" }), 202);
  await drained(a);
  assert.deepEqual(await votesAt(d.id), before);
  // The proof that these ballots were looked at: the honest change would have counted while open.
  const open = await propose({
    title: "Again",
    rule: "schulze",
    options: [{ label: "A" }, { label: "B" }],
  });
  assert.equal(await ballotFrom(mia, { ranking: [1, 0] }, { decision: open.uri }), 202);
  assert.equal(
    await ballotFrom(mia, { ranking: [0, 1] }, { type: "Update", decision: open.uri }),
    202,
  );
  await waitFor(
    "mia's change counts in an open decision",
    async () => (await votesAt(open.id))[0]?.choice === JSON.stringify({ ranking: [0, 1] }),
  );
});

test("two co-ops' delegates decide in a federation; one carries its assembly's result", async () => {
  const made = await createGroup(socialOf(a), ana, {
    name: "fednet",
    kind: "federation",
    displayName: "Federation",
    visibility: "public",
    moderated: false,
    votingMode: "delegates",
  });
  assert.ok(made.ok);
  const fednet = made.value;
  for (const [n, admin] of [
    [b, ben],
    [c, cat],
  ] as const) {
    const actor = await n.node.federation.lookup(`fednet@${a.domain}`);
    assert.ok(actor);
    const joined = await joinFederation(socialOf(n), admin, {
      groupUri: actor.uri,
      remoteId: actor.id,
    });
    assert.ok(joined.ok);
    await waitFor(
      "the federation accepts the co-op",
      async () =>
        (
          await n.node.db.db
            .selectFrom("coop_affiliations")
            .select("status")
            .where("id", "=", joined.value.id)
            .executeTakeFirst()
        )?.status === "active",
    );
    assert.ok(
      (
        await setDelegates(socialOf(n), admin, {
          affiliationId: joined.value.id,
          accountIds: [admin.id],
        })
      ).ok,
    );
  }
  await waitFor(
    "both delegates are named",
    async () =>
      (
        await a.node.db.db
          .selectFrom("group_delegates")
          .select("delegate_uri")
          .where("group_id", "=", fednet.id)
          .execute()
      ).length === 2,
  );
  const made2 = await createDecision(socialOf(a), ana, {
    group: fednet,
    proposal: {
      title: "Which energy first?",
      rule: "schulze",
      options: [{ label: "Solar" }, { label: "Wind" }, { label: "Hydro" }],
      closesAt: inAWeek(),
    },
  });
  assert.ok(made2.ok, JSON.stringify(made2));
  const d = await findDecision(a.node.db.db, made2.value.id);
  assert.ok(d);
  for (const n of [b, c])
    await waitFor("the decision reaches the co-op", async () => !!(await copyOn(n, d.uri)));
  const copyB = (await copyOn(b, d.uri))?.id ?? "";
  const copyC = (await copyOn(c, d.uri))?.id ?? "";

  // B's assembly decides its position first.
  const ourAssembly = await assembly(b.node.db.db);
  const local = await createDecision(socialOf(b), ben, {
    group: ourAssembly,
    proposal: {
      title: "Our position: which energy first?",
      rule: "schulze",
      options: [{ label: "Wind" }, { label: "Solar" }, { label: "Hydro" }],
      closesAt: inAWeek(),
    },
  });
  assert.ok(local.ok, JSON.stringify(local));
  assert.ok(
    (
      await castVote(
        socialOf(b),
        { uri: user(b, "ben"), accountId: ben.id },
        { decisionId: local.value.id, choice: { ranking: [2, 0, 1] } },
      )
    ).ok,
  );
  assert.ok(
    (await linkMandate(socialOf(b), ben, { decisionId: copyB, assemblyDecisionId: local.value.id }))
      .ok,
  );
  // Not before the assembly has decided.
  assert.deepEqual(await carryMandate(socialOf(b), ben, { decisionId: copyB }), {
    ok: false,
    reason: "not-closed",
  });
  assert.ok((await closeDecision(socialOf(b), ben, { decisionId: local.value.id })).ok);
  // Only a delegate carries it; ben votes for the co-op, not for himself (he is no member).
  const bob = await createMember(b, { username: "bob", password: "password123" });
  assert.deepEqual(await carryMandate(socialOf(b), bob, { decisionId: copyB }), {
    ok: false,
    reason: "not-a-delegate",
  });
  assert.deepEqual(
    await sendBallot(socialOf(b), ben, { decisionId: copyB, choice: { ranking: [0] } }),
    { ok: false, reason: "not-a-member" },
  );
  // ben carries it from the decision's page on B (no JavaScript); bob, no delegate, gets none.
  const session = await signIn(b, "ben", "password123");
  const page = await (await session.get(`/decisions/elsewhere/${copyB}`)).text();
  assert.match(page, /Carry our assembly&#39;s result|Carry our assembly's result/);
  assert.match(page, /Our position: which energy first\?/);
  const browser = await launchBrowser();
  try {
    for (const mobile of [true, false]) {
      const context = await newContext(browser, { mobile });
      const tab = await context.newPage();
      await logIn(tab, b.url, "ben", "password123");
      await tab.goto(`${b.url}/decisions/elsewhere/${copyB}`);
      await tab.locator("details.mandate summary").click();
      await tab.locator("#f-assembly").waitFor();
      await screenshot(tab, `decisions-mandate-${mobile ? 390 : 1280}`);
      await context.close();
    }
  } finally {
    await browser.close();
  }
  // A decision that is not ours: 422, nothing sent.
  const wrong = await session.post(`/decisions/elsewhere/${copyB}/mandate`, {
    assemblyDecisionId: copyB,
  });
  assert.equal(wrong.status, 422);
  assert.equal(
    (
      await b.node.db.db
        .selectFrom("decision_sent_ballots")
        .select("id")
        .where("decision_id", "=", copyB)
        .execute()
    ).length,
    0,
  );
  const bobs = await signIn(b, "bob", "password123");
  assert.equal((await bobs.get(`/decisions/elsewhere/${copyB}`)).status, 404);
  const carried = await session.post(`/decisions/elsewhere/${copyB}/mandate`, {
    assemblyDecisionId: local.value.id,
  });
  assert.equal(carried.status, 303);
  const sent = await b.node.db.db
    .selectFrom("decision_sent_ballots")
    .select(["choice", "on_behalf_of"])
    .where("decision_id", "=", copyB)
    .executeTakeFirstOrThrow();
  // The assembly ranked Hydro, Wind, Solar: in the federation's order of options, 2, 1, 0.
  assert.deepEqual(JSON.parse(sent.choice), { ranking: [2, 1, 0] });
  assert.equal(sent.on_behalf_of, `${b.url}/users/coop`);
  // C's delegate votes by hand.
  assert.ok(
    (
      await sendBallot(socialOf(c), cat, {
        decisionId: copyC,
        choice: { ranking: [0, 1, 2] },
        forCoop: true,
      })
    ).ok,
  );

  await waitFor("both co-ops' votes count", async () => (await votesAt(d.id)).length === 2);
  assert.deepEqual(
    (await votesAt(d.id)).map((v) => [v.voter_uri, v.cast_by_uri]),
    [
      [`${b.url}/users/coop`, user(b, "ben")],
      [`${c.url}/users/coop`, user(c, "cat")],
    ].sort(),
  );
  assert.ok((await closeDecision(socialOf(a), ana, { decisionId: d.id })).ok);
  const tally = JSON.parse((await findDecision(a.node.db.db, d.id))?.tally ?? "null");
  assert.equal(tally.ballots, 2);
  assert.equal(tally.eligibleWeight, 2);
  for (const n of [b, c])
    await waitFor(
      "the co-ops hear the result",
      async () => (await copyOn(n, d.uri))?.status === "closed",
    );

  // The same co-ops decide again, each weighing its active members, as its own node counts them.
  for (const username of ["cal", "cora", "cid"])
    await createMember(c, { username, password: "password123" });
  const size = async (n: TestNode) =>
    Number(
      (
        await n.node.db.db
          .selectFrom("accounts")
          .select((eb) => eb.fn.countAll<number>().as("n"))
          .where("status", "=", "active")
          .executeTakeFirstOrThrow()
      ).n,
    );
  const [sizeB, sizeC] = [await size(b), await size(c)];
  assert.ok(sizeC > sizeB && sizeB > 1, `${sizeB} < ${sizeC}`);
  const weighted = await createDecision(socialOf(a), ana, {
    group: fednet,
    proposal: {
      title: "Share one van?",
      rule: "single",
      options: [{ label: "Yes" }, { label: "No" }],
      closesAt: inAWeek(),
      weighting: "members",
    },
  });
  assert.ok(weighted.ok, JSON.stringify(weighted));
  const wd = await findDecision(a.node.db.db, weighted.value.id);
  assert.ok(wd);
  for (const n of [b, c])
    await waitFor(
      "the copy says the votes weigh members",
      async () => (await copyOn(n, wd.uri))?.weighting === "members",
    );
  const pageB = await (
    await session.get(`/decisions/elsewhere/${(await copyOn(b, wd.uri))?.id}`)
  ).text();
  assert.match(pageB, /weighs its active members/);
  for (const [n, who, option] of [
    [b, ben, 0],
    [c, cat, 1],
  ] as const)
    assert.ok(
      (
        await sendBallot(socialOf(n), who, {
          decisionId: (await copyOn(n, wd.uri))?.id ?? "",
          choice: { option },
          forCoop: true,
        })
      ).ok,
    );
  await waitFor("both weighted votes count", async () => (await votesAt(wd.id)).length === 2);
  const weights = await a.node.db.db
    .selectFrom("decision_votes")
    .select(["voter_uri", "weight"])
    .where("decision_id", "=", wd.id)
    .orderBy("voter_uri")
    .execute();
  assert.deepEqual(weights, [
    { voter_uri: `${b.url}/users/coop`, weight: sizeB },
    { voter_uri: `${c.url}/users/coop`, weight: sizeC },
  ]);
  const closedW = await closeDecision(socialOf(a), ana, { decisionId: wd.id });
  assert.ok(closedW.ok);
  assert.equal(closedW.value.tally.eligibleWeight, sizeB + sizeC);
  assert.deepEqual(closedW.value.tally.outcome.winners, [1], "the larger co-op's choice wins");
});
