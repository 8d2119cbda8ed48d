/**
 * Issue 18, the decisions API: /api/synco/v1/decisions (list, waiting, show with
 * the tally as results-visibility allows, start, vote, secret receipt, close,
 * outcome) and the Mastodon poll routes for a poll-shaped decision, driven by a
 * real Mastodon client library (masto). Bad input is a 4xx and writes nothing;
 * a members-only group's decision is 404 to others; scopes are enforced.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createOAuthAPIClient, createRestAPIClient, type mastodon } from "masto";
import { createGroup, type Group } from "../src/groups/groups.ts";
import { joinGroup } from "../src/groups/memberships.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { authorize, memberClient, pkce, REDIRECT, registerApp, statusOf } from "./api-helpers.ts";
import { createMember } from "./support/login.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
type Who = { id: string; token: string; client: mastodon.rest.Client };
let ada: Who; // the group's admin
let bea: Who; // a member
let out: Who; // not a member
let readOnly: Who; // a member whose token may only read
let board: Group;

const db = () => node.node.db.db;
const count = async (table: "decisions" | "decision_votes" | "decision_ballots") =>
  Number(
    (await db().selectFrom(table).select(db().fn.countAll().as("n")).executeTakeFirstOrThrow()).n,
  );
const inHours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();

async function api(
  who: Who | null,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${node.url}${path}`, {
    method,
    headers: {
      ...(who ? { authorization: `Bearer ${who.token}` } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** A member whose token was granted "read" only. */
async function readOnlyClient(username: string): Promise<Who> {
  const password = "correct horse battery";
  const member = await createMember(node, { username, password });
  const app = await registerApp(node);
  const { verifier, challenge } = pkce();
  const code = await authorize(node, { username, password }, app, { scope: "read", challenge });
  const token = await createOAuthAPIClient({ url: node.url }).token.create({
    grantType: "authorization_code",
    clientId: app.clientId ?? "",
    clientSecret: app.clientSecret ?? "",
    redirectUri: REDIRECT,
    code,
    codeVerifier: verifier,
  } as never);
  return {
    id: member.id,
    token: token.accessToken,
    client: createRestAPIClient({ url: node.url, accessToken: token.accessToken }),
  };
}

before(async () => {
  node = await startTestNode({ host: "127.0.182.1" });
  ada = await memberClient(node, "ada");
  bea = await memberClient(node, "bea");
  out = await memberClient(node, "out");
  readOnly = await readOnlyClient("rae");
  const ctx = { ...socialOf(node), clock: systemClock };
  const made = await createGroup(
    ctx,
    { id: ada.id, username: "ada" },
    {
      name: "board",
      kind: "working_group",
      displayName: "Board",
      visibility: "members",
      moderated: false,
    },
  );
  assert.ok(made.ok);
  board = made.value;
  for (const [id, username] of [
    [bea.id, "bea"],
    [readOnly.id, "rae"],
  ] as const)
    assert.ok((await joinGroup(ctx, { id, username }, { group: board })).ok);
});
after(() => node?.close());

const proposal = (extra: Record<string, unknown> = {}) => ({
  group: "board",
  title: "Which supplier?",
  body: "We need flour.",
  rule: "single",
  options: [
    { label: "Mill A", explanation: "local" },
    { label: "Mill B", explanation: "" },
  ],
  closesAt: inHours(24),
  resultsVisibility: "after-vote",
  ...extra,
});

test("starting a decision: bad input is 4xx and writes nothing; scopes and membership hold", async () => {
  const before = await count("decisions");
  for (const [who, body, status] of [
    [ada, proposal({ title: "" }), 422],
    [ada, proposal({ options: [{ label: "Only" }] }), 422],
    [ada, proposal({ rule: "dictator" }), 422],
    [ada, proposal({ closesAt: "tomorrow" }), 422],
    [ada, proposal({ extra: "field" }), 422],
    [ada, proposal({ group: "nowhere" }), 404],
    [out, proposal(), 404],
    [readOnly, proposal(), 403],
    [ada, '{"group":"board","__proto__":{"x":1}}', 400],
    [null, proposal(), 401],
  ] as const) {
    const res = await api(who, "POST", "/api/synco/v1/decisions", body);
    assert.equal(res.status, status, `${JSON.stringify(body)} → ${JSON.stringify(res.json)}`);
    assert.equal(typeof res.json.error, "string");
  }
  assert.equal(await count("decisions"), before);
});

test("a poll-shaped decision: Mastodon's poll routes count into it; hidden results stay hidden", async () => {
  const made = await api(ada, "POST", "/api/synco/v1/decisions", proposal());
  assert.equal(made.status, 201, JSON.stringify(made.json));
  const id = made.json.id as string;
  const pollId = made.json.status_id as string;
  assert.equal(made.json.tally, null, "after-vote: the proposer has not voted");

  // Waiting for both members; a non-member sees nothing.
  const waiting = await api(bea, "GET", "/api/synco/v1/decisions?filter=waiting");
  assert.ok((waiting.json as unknown as { id: string }[]).some((d) => d.id === id));
  assert.equal((await api(out, "GET", `/api/synco/v1/decisions/${id}`)).status, 404);
  assert.equal((await api(null, "GET", `/api/synco/v1/decisions/${id}`)).status, 404);
  assert.equal((await api(out, "GET", `/api/v1/polls/${pollId}`)).status, 404);
  const outList = await api(out, "GET", "/api/synco/v1/decisions");
  assert.deepEqual(outList.json, []);

  // The thread's Status carries the poll, so apps find it; totals hidden until the close.
  const status = await bea.client.v1.statuses.$select(pollId).fetch();
  assert.equal(status.poll?.id, pollId);
  assert.deepEqual(
    status.poll?.options.map((o) => [o.title, o.votesCount]),
    [
      ["Mill A", null],
      ["Mill B", null],
    ],
  );
  // Before voting, Mastodon's poll has hidden totals.
  const hidden = await bea.client.v1.polls.$select(pollId).fetch();
  assert.equal(hidden.votesCount, null);
  assert.equal(hidden.options.length, 2);
  assert.equal(hidden.voted, false);

  // A bad vote is 422 and writes nothing.
  const votes = await count("decision_votes");
  await assert.rejects(
    () => bea.client.v1.polls.$select(pollId).votes.create({ choices: [7] }),
    (e) => statusOf(e) === 422,
  );
  const badApi = await api(bea, "POST", `/api/synco/v1/decisions/${id}/votes`, {
    choice: { option: "zero" },
  });
  assert.equal(badApi.status, 422);
  assert.equal(await count("decision_votes"), votes);
  assert.equal(
    (await api(out, "POST", `/api/synco/v1/decisions/${id}/votes`, { choice: { option: 0 } }))
      .status,
    404,
  );
  assert.equal(await count("decision_votes"), votes);

  // A Mastodon-shaped vote counts in the decision.
  const voted = await bea.client.v1.polls.$select(pollId).votes.create({ choices: [1] });
  assert.equal(voted.voted, true);
  assert.deepEqual(voted.ownVotes, [1]);
  assert.equal(voted.votesCount, 1);
  assert.equal(voted.options[1]?.votesCount, 1);
  assert.equal(await count("decision_votes"), votes + 1);
  const shown = await api(bea, "GET", `/api/synco/v1/decisions/${id}`);
  assert.deepEqual((shown.json.tally as { votes: number[] }).votes, [0, 1]);
  assert.equal((shown.json.viewer as { has_voted: boolean }).has_voted, true);
  // Still hidden from ada, who has not voted.
  const adaView = await api(ada, "GET", `/api/synco/v1/decisions/${id}`);
  assert.equal(adaView.json.tally, null);
  assert.equal((await ada.client.v1.polls.$select(pollId).fetch()).votesCount, null);
  // Named ballot: who chose what is listed.
  assert.deepEqual(shown.json.voters, [{ uri: `${node.url}/users/bea`, choice: { option: 1 } }]);

  // Closing is a moderator's; then everyone sees the tally; then the outcome.
  assert.equal((await api(bea, "POST", `/api/synco/v1/decisions/${id}/close`)).status, 403);
  const closed = await api(ada, "POST", `/api/synco/v1/decisions/${id}/close`);
  assert.equal(closed.status, 200);
  assert.equal(closed.json.state, "closed");
  assert.deepEqual((closed.json.tally as { outcome: { winners: number[] } }).outcome.winners, [1]);
  await assert.rejects(
    () => bea.client.v1.polls.$select(pollId).votes.create({ choices: [0] }),
    (e) => statusOf(e) === 422,
  );
  const closedStatus = await ada.client.v1.statuses.$select(pollId).fetch();
  assert.equal(closedStatus.poll?.expired, true);
  assert.deepEqual(
    closedStatus.poll?.options.map((o) => o.votesCount),
    [0, 1],
  );
  const early = await api(ada, "POST", `/api/synco/v1/decisions/${id}/outcome`, { outcome: "" });
  assert.equal(early.status, 422);
  const outcome = await api(ada, "POST", `/api/synco/v1/decisions/${id}/outcome`, {
    outcome: "We buy from Mill B.",
    review_at: "2027-03-01",
  });
  assert.equal(outcome.status, 200, JSON.stringify(outcome.json));
  assert.equal((outcome.json.outcome as { text: string }).text, "We buy from Mill B.");
});

test("a secret ballot through the API: a receipt once, no voters, no tally before the close", async () => {
  const made = await api(ada, "POST", "/api/synco/v1/decisions", {
    group: "board",
    title: "Adopt the new statutes",
    rule: "consent",
    closesAt: inHours(24),
    ballot: "secret",
    resultsVisibility: "after-close",
  });
  assert.equal(made.status, 201, JSON.stringify(made.json));
  const id = made.json.id as string;
  const needsReason = await api(bea, "POST", `/api/synco/v1/decisions/${id}/votes`, {
    choice: { position: "block" },
  });
  assert.equal(needsReason.status, 422);
  assert.equal(await count("decision_ballots"), 0);
  const cast = await api(bea, "POST", `/api/synco/v1/decisions/${id}/votes`, {
    choice: { position: "agree" },
  });
  assert.equal(cast.status, 200, JSON.stringify(cast.json));
  const receipt = cast.json.receipt as string;
  assert.match(receipt, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(cast.json.voters, null);
  assert.equal(cast.json.tally, null);
  const rows = await db().selectFrom("decision_ballots").selectAll().execute();
  assert.ok(rows.every((r) => !JSON.stringify(r).includes(receipt)));
  const again = await api(bea, "GET", `/api/synco/v1/decisions/${id}`);
  assert.equal(again.json.receipt, undefined);
  assert.equal(again.json.voters_count, 1);
});
