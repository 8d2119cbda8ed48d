/**
 * Decisions across real nodes (127.0.31.x, test/support/decision-nodes.ts): a
 * group on node A hosts them; a member on node B sees a ranked decision arrive,
 * votes from B, and the ballot counts at A (results and closing come back as
 * Update); a Mastodon-shaped vote (Mastodon's VoteSerializer,
 * fixtures/mastodon-create-vote.json) counts in a poll-shaped decision, whose
 * thread goes out as a Question; on B's page of the remote thread a member
 * votes without JavaScript, told first that the ballot leaves for A.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { parseDecisionDocument } from "../src/federation/decisions/parse.ts";
import { waitFor } from "../src/federation/testing.ts";
import { closeDecision } from "../src/governance/decisions/closing.ts";
import { createDecision, findDecision } from "../src/governance/decisions/decisions.ts";
import { sendBallot } from "../src/governance/decisions/elsewhere.ts";
import { castVote } from "../src/governance/decisions/votes.ts";
import { createGroup } from "../src/groups/groups.ts";
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
import { signIn } from "./support/login.ts";
import { socialOf, type TestNode } from "./support/node.ts";
import { type RemoteActor, startRemoteActor } from "./support/remote-actor.ts";

let w: DecisionNodes;
let a: TestNode;
let b: TestNode;
let mia: RemoteActor;
let ana: DecisionNodes["ana"];
let ben: DecisionNodes["ben"];

before(async () => {
  w = await startDecisionNodes("127.0.31");
  ({ a, b, mia, ana, ben } = w);
});
after(async () => {
  await w?.close();
});

const groupUri = () => `${a.url}/groups/garden`;
const propose = (proposal: Record<string, unknown>) => proposeIn(w, proposal);
const votesAt = (decisionId: string) => votesAtNode(a, decisionId);
const sendAs = (who: RemoteActor, activity: Record<string, unknown>, key = who.keys.privateKey) =>
  sendAsTo(a, who, activity, key);

test("a member on another node votes in a ranked decision; it counts at the host and results come back", async () => {
  const d = await propose({
    title: "Where do we meet?",
    body: "Rank the places.",
    rule: "irv",
    options: [{ label: "Park", explanation: "Outside" }, { label: "Hall" }, { label: "Café" }],
    resultsVisibility: "always",
  });
  // The Decision is served at its id in our vocabulary (a public group: to anyone).
  const served = await fetch(d.uri, { headers: { accept: "application/activity+json" } });
  assert.equal(served.status, 200);
  const parsed = parseDecisionDocument(await served.json(), d.uri);
  assert.ok(parsed.ok, JSON.stringify(parsed));
  assert.equal(parsed.value.rule, "irv");
  // A members-only group's decision: not to an unsigned fetch.
  const closed = await createGroup(socialOf(a), ana, {
    name: "council",
    kind: "working_group",
    displayName: "Council",
    visibility: "members",
    moderated: true,
  });
  assert.ok(closed.ok);
  const hidden = await createDecision(socialOf(a), ana, {
    group: closed.value,
    proposal: {
      title: "Private",
      rule: "single",
      options: [{ label: "A" }, { label: "B" }],
      closesAt: inAWeek(),
    },
  });
  assert.ok(hidden.ok);
  const hiddenUri = `${a.url}/decisions/${hidden.value.id}`;
  assert.equal(
    (await fetch(hiddenUri, { headers: { accept: "application/activity+json" } })).status,
    404,
  );

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

test("a Mastodon user who is not a member votes where the decision lets outsiders vote, and only there", async () => {
  const zed = await startRemoteActor("127.0.31.77", "zed");
  try {
    const vote = async (decisionId: string, n: number) => {
      const d = await a.node.db.db
        .selectFrom("decisions")
        .innerJoin("posts", "posts.id", "decisions.post_id")
        .select("posts.uri")
        .where("decisions.id", "=", decisionId)
        .executeTakeFirstOrThrow();
      const fixture = readFileSync(
        join(import.meta.dirname, "../src/federation/fixtures/mastodon-create-vote.json"),
        "utf8",
      )
        .replaceAll("https://mastodon.example/users/voter", zed.id)
        .replaceAll("https://synco.example/users/author", user(a, "ana"))
        .replaceAll("https://synco.example/posts/question", d.uri)
        .replaceAll("#votes/", `#votes/${n}-`);
      assert.equal(await sendAs(zed, JSON.parse(fixture)), 202);
    };
    const members = await propose({
      title: "Members only?",
      rule: "single",
      options: [{ label: "Yellow" }, { label: "Blue" }],
    });
    const open = await propose({
      title: "Anyone?",
      rule: "single",
      options: [{ label: "Yellow" }, { label: "Blue" }],
      outsiders: true,
    });
    await vote(members.id, 1);
    await vote(open.id, 2);
    await waitFor("zed's vote counts where outsiders may vote", async () =>
      (await votesAt(open.id)).some((v) => v.voter_uri === zed.id),
    );
    await drained(a);
    assert.deepEqual(await votesAt(members.id), [], "a non-member's vote changes nothing");
  } finally {
    zed.close();
  }
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
