/**
 * Decision and Ballot documents: the converters round-trip, and the parser
 * refuses hostile documents (wrong types, another id, non-http(s) links, a node
 * speaking for another's group or people, oversize lists, prototype keys).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_OPTIONS } from "../../governance/decisions/types.ts";
import { type BallotView, ballotDocument, type DecisionView, decisionDocument } from "./objects.ts";
import { parseBallotDocument, parseDecisionDocument, plainJson } from "./parse.ts";
import { DECISIONS_CONTEXT, DECISIONS_NS } from "./vocab.ts";

const host = "https://a.example";
const decision: DecisionView = {
  uri: `${host}/decisions/0190a000-0000-7000-8000-000000000001`,
  groupUri: `${host}/groups/fednet`,
  threadUri: `${host}/posts/0190a000-0000-7000-8000-000000000002`,
  createdByUri: `${host}/users/ana`,
  title: "Where do we meet?",
  body: "Pick the places in order.",
  rule: "irv",
  settings: { rule: "irv", options: ["Park", "Hall", "Café"], quorum: 0.5 },
  options: [
    { label: "Park", explanation: "Outside, free" },
    { label: "Hall", explanation: "" },
    { label: "Café", explanation: "Coffee" },
  ],
  opensAt: "2026-12-01T10:00:00.000Z",
  closesAt: "2026-12-08T10:00:00.000Z",
  closedAt: null,
  ballot: "secret",
  resultsVisibility: "after-close",
  voteChanges: true,
  weighting: "members",
  votersCount: 2,
  round: 0,
  tally: null,
  outcome: null,
  reviewAt: null,
  createdAt: "2026-12-01T09:00:00.000Z",
  updatedAt: "2026-12-01T09:30:00.000Z",
};
const ballot: BallotView = {
  uri: "https://b.example/decision-ballots/0190b000-0000-7000-8000-000000000003",
  actorUri: "https://b.example/users/ben",
  decisionUri: decision.uri,
  groupUri: decision.groupUri,
  choice: { ranking: [2, 0] },
  onBehalfOf: "https://b.example/users/coop",
  coopMembers: 12,
  createdAt: "2026-12-02T09:00:00.000Z",
  updatedAt: "2026-12-02T09:00:00.000Z",
};

/** As it crosses the wire. */
const wire = (doc: unknown) => JSON.parse(JSON.stringify(doc));

test("a Decision round-trips through its document", () => {
  const parsed = parseDecisionDocument(wire(decisionDocument(decision)), decision.uri);
  assert.ok(parsed.ok, JSON.stringify(parsed));
  const { tally: _t, ...rest } = parsed.value;
  const { tally: _u, ...expected } = decision;
  assert.deepEqual(rest, expected);
  assert.equal(parsed.value.tally, null);
});

test("a hidden tally stays home until closing, then travels", () => {
  const tally = { rule: "single", votes: [1, 0], outcome: { winners: [0] } };
  const open = { ...decision, rule: "single" as const, tally: tally as never };
  assert.equal(decisionDocument(open).tally, undefined);
  const closed = { ...open, closedAt: "2026-12-08T10:00:00.000Z" };
  const parsed = parseDecisionDocument(wire(decisionDocument(closed)), decision.uri);
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.value.tally, tally);
  assert.equal(parsed.value.closedAt, closed.closedAt);
  // Shown to everyone: it travels while open.
  assert.deepEqual(decisionDocument({ ...open, resultsVisibility: "always" }).tally, tally);
});

test("a Ballot round-trips through its document, addressed to the Group alone", () => {
  const doc = wire(ballotDocument(ballot));
  assert.deepEqual(doc.to, [decision.groupUri]);
  assert.equal(doc.cc, undefined);
  const parsed = parseBallotDocument(doc, ballot.uri);
  assert.ok(parsed.ok, JSON.stringify(parsed));
  assert.deepEqual(parsed.value, {
    uri: ballot.uri,
    actorUri: ballot.actorUri,
    decisionUri: ballot.decisionUri,
    choice: ballot.choice,
    onBehalfOf: ballot.onBehalfOf,
    coopMembers: 12,
    updatedAt: ballot.updatedAt,
  });
  // A co-op's size means nothing without the co-op: not read from a person's own ballot.
  const own = wire(ballotDocument({ ...ballot, onBehalfOf: null }));
  assert.equal(own.coopMembers, undefined);
  const claimed = parseBallotDocument({ ...own, coopMembers: 50 }, ballot.uri);
  assert.ok(claimed.ok);
  assert.equal(claimed.value.coopMembers, null);
});

test("a Decision from a node that predates weighting counts one per co-op", () => {
  const { weighting: _w, ...old } = wire(decisionDocument(decision));
  const parsed = parseDecisionDocument(old, decision.uri);
  assert.ok(parsed.ok);
  assert.equal(parsed.value.weighting, "per-coop");
  assert.deepEqual(parseDecisionDocument({ ...old, weighting: "by-wealth" }, decision.uri), {
    ok: false,
    reason: "bad-field",
  });
});

test("every term of the documents is ActivityStreams' or defined by our context", () => {
  const activityStreams = new Set([
    "id",
    "type",
    "attributedTo",
    "audience",
    "to",
    "context",
    "name",
    "content",
    "mediaType",
    "published",
    "updated",
  ]);
  const ours = new Set(Object.keys(DECISIONS_CONTEXT));
  const full = {
    ...decision,
    closedAt: decision.closesAt,
    tally: { rule: "irv" } as never,
    outcome: "Park",
    reviewAt: decision.closesAt,
  };
  for (const doc of [
    decisionDocument(full),
    ballotDocument(ballot),
    ...(decisionDocument(full).options as object[]),
  ])
    for (const key of Object.keys(doc))
      if (key !== "@context") assert.ok(activityStreams.has(key) || ours.has(key), key);
  for (const value of [decisionDocument(full).type, ballotDocument(ballot).type, "DecisionOption"])
    assert.ok(ours.has(value as string));
  assert.equal(DECISIONS_CONTEXT.synco, DECISIONS_NS);
});

test("hostile Decision documents are refused with a named problem", () => {
  const good = () => wire(decisionDocument(decision));
  const cases: [string, (d: Record<string, unknown>) => unknown, string][] = [
    ["not an object", () => "Decision", "not-an-object"],
    ["an array", () => [], "not-an-object"],
    [
      "without our context",
      (d) => ({ ...d, "@context": "https://www.w3.org/ns/activitystreams" }),
      "not-our-vocabulary",
    ],
    ["another type", (d) => ({ ...d, type: "Note" }), "wrong-type"],
    ["another id", (d) => ({ ...d, id: `${host}/decisions/other` }), "wrong-id"],
    [
      "a group elsewhere",
      (d) => ({ ...d, audience: "https://evil.example/groups/x" }),
      "wrong-origin",
    ],
    [
      "a thread elsewhere",
      (d) => ({ ...d, context: "https://evil.example/posts/1" }),
      "wrong-origin",
    ],
    ["a javascript: author", (d) => ({ ...d, attributedTo: "javascript:alert(1)" }), "bad-field"],
    ["an ftp group", (d) => ({ ...d, audience: "ftp://a.example/g" }), "bad-field"],
    ["an unknown rule", (d) => ({ ...d, rule: "borda" }), "bad-field"],
    ["a numeric title", (d) => ({ ...d, name: 42 }), "bad-field"],
    ["a huge title", (d) => ({ ...d, name: "x".repeat(501) }), "bad-field"],
    [
      "too many options",
      (d) => ({
        ...d,
        options: Array.from({ length: MAX_OPTIONS + 1 }, (_, i) => ({ name: `o${i}` })),
      }),
      "bad-field",
    ],
    ["a bad date", (d) => ({ ...d, closes: "next tuesday" }), "bad-field"],
    ["negative voters", (d) => ({ ...d, votersCount: -1 }), "bad-field"],
    ["a quorum of 3", (d) => ({ ...d, settings: { quorum: 3 } }), "bad-settings"],
    ["a settings list", (d) => ({ ...d, settings: [1] }), "unsafe-json"],
    [
      "a __proto__ in settings",
      (d) => ({ ...d, settings: JSON.parse('{"__proto__":{"quorum":0}}') }),
      "unsafe-json",
    ],
    [
      "a __proto__ in the tally",
      (d) => ({ ...d, tally: JSON.parse('{"a":{"__proto__":{"x":1}}}') }),
      "unsafe-json",
    ],
    [
      "a too deep tally",
      (d) => ({ ...d, tally: JSON.parse(`${"[".repeat(20)}${"]".repeat(20)}`) }),
      "unsafe-json",
    ],
    ["a string tally", (d) => ({ ...d, tally: "won" }), "unsafe-json"],
  ];
  for (const [name, change, problem] of cases)
    assert.deepEqual(
      parseDecisionDocument(change(good()), decision.uri),
      { ok: false, reason: problem },
      name,
    );
});

test("hostile Ballot documents are refused with a named problem", () => {
  const good = () => wire(ballotDocument(ballot));
  const cases: [string, (d: Record<string, unknown>) => unknown, string][] = [
    ["a Decision", (d) => ({ ...d, type: "Decision" }), "wrong-type"],
    ["another id", (d) => ({ ...d, id: "https://b.example/decision-ballots/x" }), "wrong-id"],
    [
      "a voter elsewhere",
      (d) => ({ ...d, attributedTo: "https://c.example/users/cat" }),
      "wrong-origin",
    ],
    [
      "a co-op elsewhere",
      (d) => ({ ...d, onBehalfOf: "https://c.example/users/coop" }),
      "wrong-origin",
    ],
    ["a data: decision", (d) => ({ ...d, decision: "data:text/plain,x" }), "bad-field"],
    ["a co-op of no one", (d) => ({ ...d, coopMembers: 0 }), "bad-field"],
    ["a fractional co-op", (d) => ({ ...d, coopMembers: 2.5 }), "bad-field"],
    ["a co-op too large", (d) => ({ ...d, coopMembers: 1e9 }), "bad-field"],
    ["a size as text", (d) => ({ ...d, coopMembers: "12" }), "bad-field"],
    ["a choice that is a number", (d) => ({ ...d, choice: 3 }), "unsafe-json"],
    [
      "a choice with __proto__",
      (d) => ({ ...d, choice: JSON.parse('{"__proto__":{"ranking":[0]}}') }),
      "unsafe-json",
    ],
    [
      "a huge choice",
      (d) => ({ ...d, choice: { ranking: Array.from({ length: 2000 }, (_, i) => i) } }),
      "unsafe-json",
    ],
  ];
  for (const [name, change, problem] of cases)
    assert.deepEqual(
      parseBallotDocument(change(good()), ballot.uri),
      { ok: false, reason: problem },
      name,
    );
});

test("plainJson copies plain JSON and nothing else", () => {
  assert.deepEqual(plainJson({ a: [1, "x", null, true] }, 10), { a: [1, "x", null, true] });
  assert.equal(plainJson({ a: Number.NaN }, 10), null);
  assert.equal(plainJson(new Date(), 10), null);
  assert.equal(plainJson({ constructor: 1 }, 10), null);
  assert.equal(plainJson([1, 2, 3], 3), null);
});
