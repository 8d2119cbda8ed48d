/**
 * Decisions across real nodes (127.0.31.x): a group on node A hosts them; a
 * member on node B sees a ranked decision arrive, votes from B, and the ballot
 * counts at A (results come back as Update); a Mastodon-shaped vote (Mastodon's
 * VoteSerializer, fixtures/mastodon-create-vote.json) counts in a poll-shaped
 * decision, whose thread goes out as a Question. Hostile ballots (a non-member,
 * after closing, twice, a forged actor) are refused and change nothing.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { DOCUMENT_CONTEXT } from "../src/federation/decisions/vocab.ts";
import { followRemote, followStatus, waitFor } from "../src/federation/testing.ts";
import { closeDecision } from "../src/governance/decisions/closing.ts";
import { createDecision, findDecision } from "../src/governance/decisions/decisions.ts";
import { sendBallot } from "../src/governance/decisions/elsewhere.ts";
import { carryMandate, linkMandate } from "../src/governance/decisions/mandate.ts";
import { castVote } from "../src/governance/decisions/votes.ts";
import { joinFederation, setDelegates } from "../src/groups/federations.ts";
import { assembly, createGroup, type Group } from "../src/groups/groups.ts";
import { launchBrowser, logIn, newContext, screenshot } from "./support/browser.ts";
import { createMember, signIn } from "./support/login.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";
import { type RemoteActor, startRemoteActor } from "./support/remote-actor.ts";

let a: TestNode;
let b: TestNode;
let c: TestNode;
/** A Mastodon-like server's member (joins the group, votes with Mastodon's shape). */
let mia: RemoteActor;
/** A server whose actor is no member of anything. */
let mallory: RemoteActor;
const stops: (() => Promise<void>)[] = [];
let ana: { id: string; username: string };
let ben: { id: string; username: string };
let cat: { id: string; username: string };
let garden: Group;
const inAWeek = () => new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString();
const user = (n: TestNode, name: string) => `${n.url}/users/${name}`;
const groupUri = () => `${a.url}/groups/garden`;

before(async () => {
  [a, b, c] = await Promise.all([
    startTestNode({
      host: "127.0.31.1",
      env: { SYNCO_LOG_LEVEL: process.env.DECISIONS_LOG ?? "error" },
    }),
    startTestNode({
      host: "127.0.31.2",
      env: { SYNCO_LOG_LEVEL: process.env.DECISIONS_LOG ?? "error" },
    }),
    startTestNode({ host: "127.0.31.3" }),
  ]);
  for (const n of [a, b, c]) stops.push(await n.node.startWorker());
  [mia, mallory] = await Promise.all([
    startRemoteActor("127.0.31.9", "mia"),
    startRemoteActor("127.0.31.10", "mallory"),
  ]);
  ana = await createMember(a, { username: "ana", password: "password123", role: "admin" });
  ben = await createMember(b, { username: "ben", password: "password123", role: "admin" });
  cat = await createMember(c, { username: "cat", password: "password123", role: "admin" });
  const made = await createGroup(socialOf(a), ana, {
    name: "garden",
    kind: "working_group",
    displayName: "Garden",
    visibility: "public",
    moderated: false,
  });
  assert.ok(made.ok);
  garden = made.value;
  await followRemote(b.node, ben, `garden@${a.domain}`);
  await waitFor(
    "ben is in garden",
    async () => (await followStatus(b.node, user(b, "ben"), groupUri())) === "accepted",
  );
  // mia joins from her (Mastodon-like) server: a signed Follow of the Group.
  const res = await fetch(
    await mia.signed(`${a.url}/inbox`, {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${mia.id}/follows/1`,
      type: "Follow",
      actor: mia.id,
      object: groupUri(),
    }),
  );
  assert.equal(res.status, 202);
  await waitFor("mia is in garden", async () => !!(await memberRow(mia.id)));
});
after(async () => {
  for (const stop of stops) await stop();
  mia?.close();
  mallory?.close();
  await Promise.all([a?.close(), b?.close(), c?.close()]);
});

const memberRow = (uri: string) =>
  a.node.db.db
    .selectFrom("group_members")
    .select("id")
    .where("group_id", "=", garden.id)
    .where("actor_uri", "=", uri)
    .where("status", "=", "active")
    .executeTakeFirst();

async function propose(proposal: Record<string, unknown>) {
  const made = await createDecision(socialOf(a), ana, {
    group: garden,
    proposal: { closesAt: inAWeek(), ...proposal },
  });
  assert.ok(made.ok, JSON.stringify(made));
  const d = await findDecision(a.node.db.db, made.value.id);
  assert.ok(d);
  return d;
}

const copyOn = (n: TestNode, uri: string) =>
  n.node.db.db.selectFrom("decisions").selectAll().where("uri", "=", uri).executeTakeFirst();

const votesAt = (decisionId: string) =>
  a.node.db.db
    .selectFrom("decision_votes")
    .select(["voter_uri", "cast_by_uri", "choice"])
    .where("decision_id", "=", decisionId)
    .orderBy("voter_uri")
    .execute();

test("a member on another node votes in a ranked decision; it counts at the host and results come back", async () => {
  const d = await propose({
    title: "Where do we meet?",
    body: "Rank the places.",
    rule: "irv",
    options: [{ label: "Park", explanation: "Outside" }, { label: "Hall" }, { label: "Café" }],
    resultsVisibility: "always",
  });
  await waitFor("the decision reaches B", async () => !!(await copyOn(b, d.uri)));
  const copy = await copyOn(b, d.uri);
  assert.equal(copy?.local, 0);
  assert.equal(copy?.rule, "irv");
  assert.deepEqual(JSON.parse(copy?.options ?? "[]"), [
    { label: "Park", explanation: "Outside" },
    { label: "Hall", explanation: "" },
    { label: "Café", explanation: "" },
  ]);
  // The copy sits in the thread as B has it.
  const thread = await b.node.db.db
    .selectFrom("posts")
    .select(["uri", "audience_uri"])
    .where("id", "=", copy?.post_id ?? "")
    .executeTakeFirst();
  assert.equal(thread?.audience_uri, groupUri());

  // A bad choice is refused on B and sends nothing.
  assert.deepEqual(
    await sendBallot(socialOf(b), ben, { decisionId: copy?.id ?? "", choice: { ranking: [7] } }),
    { ok: false, reason: "invalid-choice" },
  );
  const sent = await sendBallot(socialOf(b), ben, {
    decisionId: copy?.id ?? "",
    choice: { ranking: [2, 0] },
  });
  assert.ok(sent.ok);
  await waitFor("ben's ballot counts at A", async () => (await votesAt(d.id)).length === 1);
  assert.deepEqual(await votesAt(d.id), [
    {
      voter_uri: user(b, "ben"),
      cast_by_uri: user(b, "ben"),
      choice: JSON.stringify({ ranking: [2, 0] }),
    },
  ]);
  // The ballot is served to the host only.
  const ballotUrl = `${b.url}/decision-ballots/${sent.value.id}`;
  const unsigned = await fetch(ballotUrl, { headers: { accept: "application/activity+json" } });
  assert.equal(unsigned.status, 404);

  const voted = await castVote(
    socialOf(a),
    { uri: user(a, "ana"), accountId: ana.id },
    {
      decisionId: d.id,
      choice: { ranking: [0, 2] },
    },
  );
  assert.ok(voted.ok);
  await waitFor("B hears of both votes", async () => (await copyOn(b, d.uri))?.voters_count === 2);
  assert.ok((await closeDecision(socialOf(a), ana, { decisionId: d.id })).ok);
  await waitFor("B hears it closed", async () => (await copyOn(b, d.uri))?.status === "closed");
  const tally = JSON.parse((await copyOn(b, d.uri))?.tally ?? "null");
  assert.equal(tally.rule, "irv");
  assert.equal(tally.ballots, 2);

  // After closing, a ballot from B is refused there, and one sent anyway changes nothing.
  assert.deepEqual(
    await sendBallot(socialOf(b), ben, { decisionId: copy?.id ?? "", choice: { ranking: [1] } }),
    { ok: false, reason: "closed" },
  );
});

/** Signs `activity` as `who` (or with `key`, to forge) and posts it to A's shared inbox. */
async function sendAs(
  who: RemoteActor,
  activity: Record<string, unknown>,
  key = who.keys.privateKey,
) {
  const res = await fetch(
    await who.signed(
      `${a.url}/inbox`,
      { "@context": "https://www.w3.org/ns/activitystreams", ...activity },
      key,
    ),
  );
  return res.status;
}

const drained = (n: TestNode) =>
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

test("a Mastodon vote (a Note with name, in reply to the Question) counts in a poll-shaped decision", async () => {
  const d = await propose({
    title: "Which colour?",
    body: "For the shed.",
    rule: "single",
    options: [{ label: "Yellow" }, { label: "Blue" }],
  });
  const post = await a.node.db.db
    .selectFrom("posts")
    .select("uri")
    .where("id", "=", d.post_id)
    .executeTakeFirstOrThrow();
  // The thread goes out as the Question Mastodon knows.
  const served = (await (
    await fetch(post.uri, { headers: { accept: "application/activity+json" } })
  ).json()) as { type: string; oneOf: { name: string }[] };
  assert.equal(served.type, "Question");
  assert.deepEqual(
    served.oneOf.map((o: { name: string }) => o.name),
    ["Yellow", "Blue"],
  );
  const fixture = readFileSync(
    join(import.meta.dirname, "../src/federation/fixtures/mastodon-create-vote.json"),
    "utf8",
  )
    .replaceAll("https://mastodon.example/users/voter", mia.id)
    .replaceAll("https://synco.example/users/author", user(a, "ana"))
    .replaceAll("https://synco.example/posts/question", post.uri);
  const vote = JSON.parse(fixture);
  assert.equal(await sendAs(mia, vote), 202);
  await waitFor("mia's vote counts", async () => (await votesAt(d.id)).length === 1);
  assert.deepEqual(await votesAt(d.id), [
    { voter_uri: mia.id, cast_by_uri: mia.id, choice: JSON.stringify({ option: 0 }) },
  ]);
  // An option that does not exist changes nothing.
  vote.id = `${mia.id}#votes/2/activity`;
  vote.object.id = `${mia.id}#votes/2`;
  vote.object.name = "Purple";
  assert.equal(await sendAs(mia, vote), 202);
  await drained(a);
  assert.deepEqual(
    (await votesAt(d.id)).map((v) => v.choice),
    [JSON.stringify({ option: 0 })],
  );
});

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
  const carried = await carryMandate(socialOf(b), ben, { decisionId: copyB });
  assert.ok(carried.ok, JSON.stringify(carried));
  // The assembly ranked Hydro, Wind, Solar: in the federation's order of options, 2, 1, 0.
  assert.deepEqual(carried.value.choice, { ranking: [2, 1, 0] });
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
});

test("on the member's node, the remote thread shows the decision; one votes without JavaScript, told first that the ballot leaves", async () => {
  const d = await propose({
    title: "Who keeps the keys?",
    body: "A secret ballot.",
    rule: "single",
    options: [{ label: "Rosa", explanation: "Lives next door" }, { label: "Tomás" }],
    ballot: "secret",
    resultsVisibility: "after-close",
  });
  await waitFor("the decision reaches B", async () => !!(await copyOn(b, d.uri)));
  const copy = await copyOn(b, d.uri);
  const page = `/groups/elsewhere/threads/${copy?.post_id}`;
  const session = await signIn(b, "ben", "password123");
  const shown = await (await session.get(page)).text();
  assert.match(shown, /Who keeps the keys\?/);
  assert.match(shown, /Lives next door/);
  assert.match(shown, /cannot be secret from that server/);
  assert.match(shown, new RegExp(`action="/decisions/elsewhere/${copy?.id}/votes"`));

  // A choice out of range: 422 with the problem, nothing kept or sent.
  const bad = await session.post(`/decisions/elsewhere/${copy?.id}/votes`, { option: "9" });
  assert.equal(bad.status, 422);
  assert.match(await bad.text(), /does not fit this decision/);
  const sentRows = () =>
    b.node.db.db
      .selectFrom("decision_sent_ballots")
      .select("id")
      .where("decision_id", "=", copy?.id ?? "")
      .execute();
  assert.deepEqual(await sentRows(), []);
  // Another node's decision id, or none: 404.
  assert.equal(
    (await session.post(`/decisions/elsewhere/${d.id}/votes`, { option: "0" })).status,
    404,
  );

  const good = await session.post(`/decisions/elsewhere/${copy?.id}/votes`, { option: "1" });
  assert.equal(good.status, 303);
  await waitFor(
    "the secret ballot counts at A",
    async () => (await findDecision(a.node.db.db, d.id))?.voters_count === 1,
  );
  const voter = await a.node.db.db
    .selectFrom("decision_voters")
    .select("voter_uri")
    .where("decision_id", "=", d.id)
    .execute();
  assert.deepEqual(voter, [{ voter_uri: user(b, "ben") }]);
  await waitFor("B hears of the vote", async () => (await copyOn(b, d.uri))?.voters_count === 1);
  // Sent once, a secret ballot stands (its receipt stays with the host): no form to change it.
  const after = await (await session.get(page)).text();
  assert.match(after, /Your vote was sent to/);
  assert.doesNotMatch(after, /action="\/decisions\/elsewhere\//);
  // The thread keeps no poll of its own beside the decision.
  assert.equal(
    await b.node.db.db
      .selectFrom("polls")
      .select("post_id")
      .where("post_id", "=", copy?.post_id ?? "")
      .executeTakeFirst(),
    undefined,
  );

  // What a member sees, at phone and desktop widths.
  const browser = await launchBrowser();
  try {
    for (const mobile of [true, false]) {
      const context = await newContext(browser, { mobile });
      const tab = await context.newPage();
      await logIn(tab, b.url, "ben", "password123");
      await tab.goto(`${b.url}${page}`);
      await tab.locator("section.decision").waitFor();
      await screenshot(tab, `decisions-elsewhere-${mobile ? 390 : 1280}`);
      await context.close();
    }
  } finally {
    await browser.close();
  }
});
