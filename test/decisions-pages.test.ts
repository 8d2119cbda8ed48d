/**
 * Issue 18, the decisions pages: starting a decision in a group (bad input → 422,
 * nothing written), the decision at the top of its thread, the ballot per rule
 * (a block needs a reason: 422 with the error by the field, no vote written),
 * "Decisions waiting for me", hidden results until the close, a secret ballot's
 * receipt shown once and stored nowhere in the clear, amending (votes cleared),
 * closing early and the outcome; a non-member of a members-only group sees none
 * of it and can vote in none of it.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { receiveRemoteDecision } from "../src/governance/decisions/elsewhere.ts";
import { joinWithOurCoop, receiveDelegate } from "../src/groups/federations.ts";
import { createGroup, type Group } from "../src/groups/groups.ts";
import { joinGroup } from "../src/groups/memberships.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";
import { followedRemoteGroup } from "./support/remote-group.ts";

let node: TestNode;
let ada: SignedIn; // creates the group: its admin
let bea: SignedIn; // a member
let out: SignedIn; // not a member
let council: Group;
const PASSWORD = "password123";

const db = () => node.node.db.db;
const count = async (
  table: "decisions" | "decision_votes" | "decision_voters" | "decision_ballots",
) =>
  Number(
    (await db().selectFrom(table).select(db().fn.countAll().as("n")).executeTakeFirstOrThrow()).n,
  );
const inHours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString().slice(0, 16);

before(async () => {
  node = await startTestNode({ host: "127.0.181.1" });
  const adaRow = await createMember(node, { username: "ada", password: PASSWORD });
  const beaRow = await createMember(node, { username: "bea", password: PASSWORD });
  await createMember(node, { username: "out", password: PASSWORD });
  ada = await signIn(node, "ada", PASSWORD);
  bea = await signIn(node, "bea", PASSWORD);
  out = await signIn(node, "out", PASSWORD);
  const ctx = { ...socialOf(node), clock: systemClock };
  const made = await createGroup(ctx, adaRow, {
    name: "council",
    kind: "working_group",
    displayName: "Council",
    visibility: "members",
    moderated: false,
  });
  assert.ok(made.ok);
  council = made.value;
  assert.ok((await joinGroup(ctx, beaRow, { group: council })).ok);
});
after(() => node?.close());

/** Starts a decision through the form; returns the thread's path. */
async function start(who: SignedIn, form: Record<string, string>): Promise<string> {
  const res = await who.post("/groups/council/decisions", {
    closesAt: inHours(48),
    reminderHours: "0",
    ...form,
  });
  assert.equal(res.status, 303, await res.text());
  const to = res.headers.get("location") ?? "";
  assert.match(to, /^\/groups\/council\/threads\/[0-9a-f-]+#decision-[0-9a-f-]+$/);
  return to;
}
const decisionIdOf = (path: string) => path.split("#decision-")[1] ?? "";
const threadOf = (path: string) => path.split("#")[0] ?? "";

test("the start form refuses bad input with 422 and writes nothing", async () => {
  const form = await ada.get("/groups/council/decisions/new");
  assert.equal(form.status, 200);
  const page = await form.text();
  assert.match(page, /name="question"/);
  assert.match(page, /<select id="f-rule" name="rule"/);
  const before = await count("decisions");
  const bads: Record<string, string>[] = [
    { question: "", rule: "consent" },
    { question: "One option is no choice", rule: "single", options: "Only one" },
    { question: "Twice the same", rule: "single", options: "A\nA" },
    { question: "Past", rule: "consent", closesAt: "2001-01-01T00:00" },
    { question: "Not a time", rule: "consent", closesAt: "soon" },
    { question: "Bad rule", rule: "dictator" },
    { question: "Quorum", rule: "consent", quorum: "150" },
    { question: "Secret live", rule: "consent", ballot: "secret", results: "always" },
    { question: "Outsiders in consent", rule: "consent", outsiders: "on" },
    {
      question: "Outsiders, quorum",
      rule: "single",
      options: "A\nB",
      quorum: "50",
      outsiders: "on",
    },
  ];
  for (const bad of bads) {
    const res = await ada.post("/groups/council/decisions", {
      closesAt: inHours(24),
      ...bad,
    });
    assert.equal(res.status, 422, JSON.stringify(bad));
    const text = await res.text();
    assert.match(text, /class="field-error"/, JSON.stringify(bad));
    assert.match(text, /role="alert"/);
  }
  assert.equal(await count("decisions"), before);
  // A non-member cannot start one in the group (nothing written either).
  const refused = await out.post("/groups/council/decisions", {
    question: "Let me in",
    rule: "consent",
    closesAt: inHours(24),
  });
  assert.ok(refused.status === 403 || refused.status === 404, String(refused.status));
  assert.equal(await count("decisions"), before);
});

test("the start form offers a poll that outsiders may vote in", async () => {
  const page = await (await ada.get("/groups/council/decisions/new")).text();
  assert.match(page, /name="outsiders"/);
  const path = await start(ada, {
    question: "Which bread on Friday?",
    rule: "single",
    options: "Rye\nSpelt",
    outsiders: "on",
  });
  const d = await db()
    .selectFrom("decisions")
    .select(["outsiders", "rule"])
    .where("id", "=", decisionIdOf(path))
    .executeTakeFirstOrThrow();
  assert.deepEqual(d, { outsiders: 1, rule: "single" });
});

test("a consent proposal: in its thread, waiting for me, a block needs a reason", async () => {
  const path = await start(ada, {
    question: "Paint the door red",
    explanation: "The door is grey and sad.",
    rule: "consent",
    blocksToStop: "1",
    changeVote: "on",
  });
  const id = decisionIdOf(path);
  const waiting = await (await bea.get("/decisions")).text();
  assert.match(waiting, /Decisions waiting for me/);
  assert.match(waiting, /Paint the door red/);

  const thread = await (await bea.get(threadOf(path))).text();
  assert.match(thread, /<section class="decision" id="decision-/);
  assert.match(thread, /The door is grey and sad\./);
  assert.match(thread, /<legend>Your position<\/legend>/);
  assert.match(thread, /name="position" value="block"/);

  const votes = await count("decision_votes");
  const noReason = await bea.post(`/groups/council/decisions/${id}/votes`, { position: "block" });
  assert.equal(noReason.status, 422);
  const refusedPage = await noReason.text();
  assert.match(refusedPage, /id="e-reason">Say why you disagree or block/);
  assert.match(refusedPage, /aria-describedby="f-reason-hint e-reason"/);
  assert.equal(await count("decision_votes"), votes);

  const garbage = await bea.post(`/groups/council/decisions/${id}/votes`, { position: "maybe" });
  assert.equal(garbage.status, 422);
  assert.equal(await count("decision_votes"), votes);

  const blocked = await bea.post(`/groups/council/decisions/${id}/votes`, {
    position: "block",
    reason: "Red clashes with the wall.",
  });
  assert.equal(blocked.status, 303);
  assert.equal(await count("decision_votes"), votes + 1);
  const after = await (await bea.get(threadOf(path))).text();
  assert.match(after, /You have voted/);
  assert.match(after, /Red clashes with the wall\./);
  // Changing one's vote starts from the earlier one.
  assert.match(after, /name="position" value="block" checked/);
  assert.match(after, /<textarea id="f-reason"[^>]*>Red clashes with the wall\.<\/textarea>/);
  assert.match(after, /<svg class="stacked"/);
  // No longer waiting for bea, still waiting for ada.
  assert.doesNotMatch(
    await (await bea.get("/decisions")).text(),
    /<h2 id="waiting">[\s\S]*Paint the door red[\s\S]*<h2 id="recent">/,
  );
  assert.match(
    await (await ada.get("/decisions")).text(),
    /<h2 id="waiting">[\s\S]*Paint the door red[\s\S]*<h2 id="recent">/,
  );

  // A non-member sees nothing of it and cannot vote.
  const hidden = await out.get(threadOf(path));
  assert.ok(hidden.status === 403 || hidden.status === 404);
  assert.doesNotMatch(await hidden.text(), /Paint the door red/);
  assert.doesNotMatch(await (await out.get("/decisions")).text(), /Paint the door red/);
  const sneak = await out.post(`/groups/council/decisions/${id}/votes`, { position: "agree" });
  assert.equal(sneak.status, 404);
  assert.equal(await count("decision_votes"), votes + 1);

  // A moderator hides the reason (the vote still counts); a member may not.
  const beaVote = await db()
    .selectFrom("decision_votes")
    .select("id")
    .where("decision_id", "=", id)
    .executeTakeFirstOrThrow();
  const reasonPath = `/groups/council/decisions/${id}/votes/${beaVote.id}/reason`;
  assert.equal((await bea.post(reasonPath, { hidden: "yes" })).status, 403);
  assert.equal((await ada.post(reasonPath, { hidden: "maybe" })).status, 422);
  assert.equal((await ada.post(reasonPath, { hidden: "yes" })).status, 303);
  const hiddenReason = await (await out.get(threadOf(path))).text();
  assert.doesNotMatch(hiddenReason, /Red clashes/);
  const seen = await (await bea.get(threadOf(path))).text();
  assert.doesNotMatch(seen, /<q>Red clashes/);
  assert.match(seen, /A moderator hid the reason given\./);
  assert.equal(await count("decision_votes"), votes + 1);

  // Amend: only the proposer or a moderator; it clears the round's votes.
  const notHers = await bea.post(`/groups/council/decisions/${id}/amend`, {
    question: "Paint the door blue",
    closesAt: inHours(24),
  });
  assert.equal(notHers.status, 403);
  const amended = await ada.post(`/groups/council/decisions/${id}/amend`, {
    question: "Paint the door dark red",
    explanation: "A darker red, to suit the wall.",
    closesAt: inHours(24),
    blocksToStop: "1",
  });
  assert.equal(amended.status, 303, await amended.text());
  assert.equal(await count("decision_votes"), votes);
  for (const who of [ada, bea]) {
    const ok = await who.post(`/groups/council/decisions/${id}/votes`, { position: "agree" });
    assert.equal(ok.status, 303);
  }
  // Closing early is a moderator's; then the outcome.
  assert.equal((await bea.post(`/groups/council/decisions/${id}/close`, {})).status, 403);
  assert.equal((await ada.post(`/groups/council/decisions/${id}/close`, {})).status, 303);
  const closed = await (await bea.get(threadOf(path))).text();
  assert.match(closed, /<strong>Passed<\/strong>/);
  const empty = await ada.post(`/groups/council/decisions/${id}/outcome`, { outcome: " " });
  assert.equal(empty.status, 422);
  const badDate = await ada.post(`/groups/council/decisions/${id}/outcome`, {
    outcome: "We paint it dark red.",
    reviewAt: "next year",
  });
  assert.equal(badDate.status, 422);
  const written = await ada.post(`/groups/council/decisions/${id}/outcome`, {
    outcome: "We paint it dark red on Saturday.",
    reviewAt: "2027-06-01",
  });
  assert.equal(written.status, 303);
  const final = await (await bea.get(threadOf(path))).text();
  assert.match(final, /We paint it dark red on Saturday\./);
  assert.match(final, /To be reviewed on 2027-06-01/);
});

test("results hidden until the close hold on the page; a ranked ballot shows the rounds", async () => {
  const path = await start(ada, {
    question: "Which day for the assembly?",
    rule: "irv",
    options: "Monday | after work\nWednesday\nSaturday | morning",
    results: "after-close",
  });
  const id = decisionIdOf(path);
  const form = await (await bea.get(threadOf(path))).text();
  assert.match(form, /name="rank-0"/);
  assert.match(form, /after work/);
  const repeated = await bea.post(`/groups/council/decisions/${id}/votes`, {
    "rank-0": "1",
    "rank-1": "1",
  });
  assert.equal(repeated.status, 422);
  assert.match(await repeated.text(), /Two options have the same rank/);
  const voted = await bea.post(`/groups/council/decisions/${id}/votes`, {
    "rank-2": "1",
    "rank-0": "2",
  });
  assert.equal(voted.status, 303);
  const page = await (await bea.get(threadOf(path))).text();
  assert.match(page, /Results are shown when the decision closes/);
  assert.doesNotMatch(page, /Round 1/);
  assert.equal((await ada.post(`/groups/council/decisions/${id}/close`, {})).status, 303);
  const shown = await (await bea.get(threadOf(path))).text();
  assert.match(shown, /Round 1/);
  assert.match(shown, /Chosen: Saturday/);
});

test("a secret ballot: the receipt is shown once, no one's vote is listed, the receipt changes it", async () => {
  const path = await start(ada, {
    question: "Elect the treasurer",
    rule: "single",
    options: "Ana\nBo",
    ballot: "secret",
    results: "after-close",
    changeVote: "on",
  });
  const id = decisionIdOf(path);
  const res = await bea.post(`/groups/council/decisions/${id}/votes`, { option: "1" });
  assert.equal(res.status, 200);
  const page = await res.text();
  const receipt = /<p class="receipt">([^<]+)<\/p>/.exec(page)?.[1];
  assert.ok(receipt, "the receipt is on the page");
  assert.match(page, /This is shown once/);
  const stored = await db().selectFrom("decision_ballots").selectAll().execute();
  assert.ok(
    stored.every((r) => !JSON.stringify(r).includes(receipt)),
    "the receipt is not stored",
  );
  const again = await (await bea.get(threadOf(path))).text();
  assert.doesNotMatch(again, new RegExp(receipt));
  assert.match(again, /only the number of voters is shown/);
  assert.doesNotMatch(again, /decision-voters/);
  // Changing needs the receipt; a wrong one is refused (422), the right one accepted.
  const wrong = await bea.post(`/groups/council/decisions/${id}/votes`, {
    option: "0",
    receipt: "A".repeat(43),
  });
  assert.equal(wrong.status, 422);
  const right = await bea.post(`/groups/council/decisions/${id}/votes`, { option: "0", receipt });
  assert.equal(right.status, 303);
  assert.equal(await count("decision_ballots"), 1);
});

test("the pillar page: a visitor is asked to sign in and sees no decision", async () => {
  const res = await fetch(`${node.url}/decisions`);
  assert.equal(res.status, 200);
  const text = await res.text();
  assert.match(text, /Sign in to see the decisions of your groups/);
  assert.doesNotMatch(text, /Paint the door/);
  // Spanish catalogue.
  const es = await fetch(`${node.url}/decisions`, { headers: { "accept-language": "es" } });
  assert.match(await es.text(), /Inicia sesión para ver las decisiones/);
});

test("a decision hosted elsewhere: the page says the ballot travels; the vote is kept and sent", async () => {
  const beaRow = {
    id: (
      await db()
        .selectFrom("accounts")
        .select("id")
        .where("username", "=", "bea")
        .executeTakeFirstOrThrow()
    ).id,
    username: "bea",
  };
  const remote = await followedRemoteGroup(node, "far.example", "orchard", beaRow);
  const thread = await remote.post({ text: "Which tree first?", title: "Trees" });
  const received = await receiveRemoteDecision(
    { ...socialOf(node), clock: systemClock },
    {
      uri: "http://far.example/decisions/1",
      groupUri: remote.uri,
      threadUri: thread.uri,
      createdByUri: "http://far.example/u/ann",
      title: "Which tree first?",
      body: "We can plant one this year.",
      rule: "single",
      settings: { rule: "single", options: ["Apple", "Pear"] },
      options: [
        { label: "Apple", explanation: "" },
        { label: "Pear", explanation: "" },
      ],
      opensAt: new Date(Date.now() - 60_000).toISOString(),
      closesAt: new Date(Date.now() + 86_400_000).toISOString(),
      closedAt: null,
      ballot: "secret",
      resultsVisibility: "after-close",
      voteChanges: false,
      weighting: "per-coop",
      votersCount: 0,
      round: 0,
      tally: null,
      outcome: null,
      reviewAt: null,
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
    },
    { postId: thread.id },
  );
  assert.ok(received.ok, JSON.stringify(received));
  const page = await (await bea.get(`/groups/elsewhere/threads/${thread.id}`)).text();
  assert.match(
    page,
    /This decision is hosted on far\.example\. Your ballot travels there, so it cannot be secret from that server\./,
  );
  const sent = async () =>
    Number(
      (
        await db()
          .selectFrom("decision_sent_ballots")
          .select(db().fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const action = `/decisions/elsewhere/${received.value.id}/votes`;
  const bad = await bea.post(action, { option: "9" });
  assert.equal(bad.status, 422);
  assert.equal(await sent(), 0);
  const stranger = await out.post(action, { option: "0" });
  assert.equal(stranger.status, 422);
  assert.equal(await sent(), 0);
  const ok = await bea.post(action, { option: "1" });
  assert.equal(ok.status, 303);
  assert.equal(await sent(), 1);
  const again = await bea.post(action, { option: "0" });
  assert.equal(again.status, 422, "this decision allows no change");
  assert.equal(await sent(), 1);
});

test("a federation voting by delegates may weigh each co-op by its members; the page says so", async () => {
  const ctx = { ...socialOf(node), clock: systemClock };
  const adaRow = await db()
    .selectFrom("accounts")
    .selectAll()
    .where("username", "=", "ada")
    .executeTakeFirstOrThrow();
  // Only the node's admins start a federation (it speaks for the co-op).
  const admin = await createMember(node, { username: "fay", password: PASSWORD, role: "admin" });
  const made = await createGroup(ctx, admin, {
    name: "fedhome",
    kind: "federation",
    displayName: "Fed home",
    visibility: "public",
    moderated: false,
    votingMode: "delegates",
  });
  assert.ok(made.ok);
  assert.ok((await joinWithOurCoop(ctx, admin, { group: made.value })).ok);
  assert.ok((await joinGroup(ctx, adaRow, { group: made.value })).ok);
  const ours = `${node.url}/users/coop`;
  assert.ok(
    (
      await receiveDelegate(
        ctx,
        { uri: ours },
        { group: made.value, delegateUri: `${node.url}/users/bea`, add: true },
      )
    ).ok,
  );
  assert.match(await (await ada.get("/groups/fedhome/decisions/new")).text(), /name="weighting"/);
  assert.doesNotMatch(
    await (await ada.get("/groups/council/decisions/new")).text(),
    /name="weighting"/,
  );
  const form = {
    question: "Share one van?",
    rule: "single",
    options: "Yes\nNo",
    closesAt: inHours(48),
    reminderHours: "0",
    weighting: "members",
  };
  // A secret ballot counts one per co-op: 422 with the reason, nothing written.
  const before = await count("decisions");
  const secret = await ada.post("/groups/fedhome/decisions", {
    ...form,
    ballot: "secret",
    results: "after-close",
  });
  assert.equal(secret.status, 422);
  assert.match(await secret.text(), /id="f-weighting-error"/);
  assert.equal(await count("decisions"), before);
  const res = await ada.post("/groups/fedhome/decisions", form);
  assert.equal(res.status, 303, await res.text());
  const to = res.headers.get("location") ?? "";
  const row = await db()
    .selectFrom("decisions")
    .select("weighting")
    .where("id", "=", decisionIdOf(to))
    .executeTakeFirstOrThrow();
  assert.equal(row.weighting, "members");
  // Our co-op is the only member: its weight is this node's active members (ada, bea, out, fay).
  const page = await (await bea.get(threadOf(to))).text();
  assert.match(
    page,
    /Each co-op&#39;s vote weighs its active members: 4 members in all|Each co-op's vote weighs its active members: 4 members in all/,
  );
  // Elsewhere the choice is not offered, and a posted one is ignored.
  const plain = await start(ada, {
    question: "Tea or coffee?",
    rule: "single",
    options: "Tea\nCoffee",
    weighting: "members",
  });
  const plainRow = await db()
    .selectFrom("decisions")
    .select("weighting")
    .where("id", "=", decisionIdOf(plain))
    .executeTakeFirstOrThrow();
  assert.equal(plainRow.weighting, "per-coop");
});
