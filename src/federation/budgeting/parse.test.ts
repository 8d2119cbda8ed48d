import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import type {
  RemoteBallotInput,
  RemoteProcessInput,
} from "../../governance/budgeting/elsewhere/types.ts";
import { ballotDocument, districtUri, processDocument, withoutVoterIds } from "./objects.ts";
import { MAX_CHOICES, MAX_PROJECTS, parseBallotDocument, parseProcessDocument } from "./parse.ts";
import { BUDGETING_CONTEXT, BUDGETING_NS } from "./vocab.ts";

const host = "https://a.example";
const coopNode = "https://b.example";
const uri = `${host}/budgets/0190-p`;
const d1 = districtUri(uri, "d1");
const d2 = districtUri(uri, "d2");
const t = "2026-12-01T10:00:00.000Z";

const project = (n: number, district = d1) => ({
  uri: `${uri}/projects/p${n}`,
  districtUri: district,
  categoryUri: null,
  title: `Project ${n}`,
  description: "A bench",
  cost: 1000 * n,
  location: "",
  latitude: null,
  longitude: null,
  proposedByUri: `${host}/users/ana`,
  proposalUri: null,
  images: [],
  status: "feasible" as const,
  reviewNote: "",
  progress: 0,
  createdAt: t,
  updatedAt: t,
});

const process: RemoteProcessInput = {
  uri,
  groupUri: `${host}/groups/fednet`,
  createdByUri: `${host}/users/ana`,
  title: "Parks 2027",
  description: "What to build",
  currency: "EUR",
  rule: "mes-add1",
  ballotKind: "approval",
  secrecy: "secret",
  minProjects: 1,
  maxProjects: 3,
  spendingCap: true,
  points: null,
  eligibility: "federation",
  phase: "voting",
  phaseChangedAt: t,
  proposingEndsAt: null,
  reviewEndsAt: null,
  votingEndsAt: "2026-12-08T10:00:00.000Z",
  seed: "42",
  districts: [
    { uri: d1, name: "North", budget: 5000 },
    { uri: d2, name: "South", budget: 3000 },
  ],
  categories: [{ uri: `${uri}#categories/c1`, name: "Green" }],
  projects: [
    { ...project(1), categoryUri: `${uri}#categories/c1`, latitude: 40.4, longitude: -3.7 },
    project(2),
    project(3, d2),
  ],
  results: [
    {
      districtUri: d1,
      result: {
        rule: "mes-add1",
        selected: ["p1"],
        projects: [{ id: "p1", payments: [{ amount: 1, voters: 2, voterIds: ["x", "y"] }] }],
      },
      greedy: { rule: "greedy", selected: ["p1"], projects: [] },
      ballotsCount: 2,
      computedAt: t,
    },
  ],
  createdAt: t,
  updatedAt: t,
};

const ballot: RemoteBallotInput = {
  uri: `${coopNode}/pb-ballots/0190-b`,
  coopUri: `${coopNode}/users/coop`,
  processUri: uri,
  districtUri: d1,
  voterUri: null,
  choices: [
    { projectUri: `${uri}/projects/p1`, points: 1 },
    { projectUri: `${uri}/projects/p2`, points: 1 },
  ],
  publishedAt: t,
  updatedAt: t,
};

/** As it crosses the wire. */
const wire = (doc: unknown) => JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;

test("a process and a ballot survive the round trip; results leave without voter ids", () => {
  const parsed = parseProcessDocument(wire(processDocument(process)), uri);
  assert.ok(parsed.ok, JSON.stringify(parsed));
  const expected = {
    ...process,
    results: process.results.map((r) => ({ ...r, result: withoutVoterIds(r.result) })),
  };
  assert.deepEqual(parsed.value, expected);
  type Paid = { projects: { payments: { voterIds: string[]; voters: number }[] }[] };
  const payments = (parsed.value.results[0]?.result as Paid | undefined)?.projects[0]?.payments[0];
  assert.deepEqual(payments?.voterIds, []);
  assert.equal(payments?.voters, 2);

  const b = parseBallotDocument(wire(ballotDocument(ballot, process.groupUri)), ballot.uri);
  assert.ok(b.ok, JSON.stringify(b));
  assert.deepEqual(b.value, ballot);
  const named = { ...ballot, voterUri: `${coopNode}/users/ben` };
  const n = parseBallotDocument(wire(ballotDocument(named, process.groupUri)), ballot.uri);
  assert.ok(n.ok);
  assert.equal(n.value.voterUri, named.voterUri);
});

test("every term our documents use is defined, and the documented context is the code's", () => {
  const activityStreams = new Set([
    "id",
    "type",
    "attributedTo",
    "audience",
    "to",
    "name",
    "content",
    "mediaType",
    "published",
    "updated",
  ]);
  const ours = new Set(Object.keys(BUDGETING_CONTEXT));
  const doc = processDocument(process);
  const nested = [
    ...(doc.districts as object[]),
    ...(doc.categories as object[]),
    ...(doc.projects as object[]),
    ...(doc.results as object[]),
  ];
  const b = ballotDocument({ ...ballot, voterUri: `${coopNode}/users/ben` }, process.groupUri);
  for (const d of [doc, b, ...nested, ...(b.choices as object[])])
    for (const key of Object.keys(d))
      if (key !== "@context") assert.ok(activityStreams.has(key) || ours.has(key), key);
  for (const d of [doc, b, ...nested, ...(b.choices as object[])])
    assert.ok(ours.has((d as { type: string }).type));
  assert.equal(BUDGETING_CONTEXT.pb, BUDGETING_NS);
  const file = JSON.parse(readFileSync("docs/budgeting-context.jsonld", "utf8"));
  assert.deepEqual(file["@context"], BUDGETING_CONTEXT);
});

test("hostile BudgetProcess documents are refused with a named problem", () => {
  const good = () => wire(processDocument(process));
  const at = (d: Record<string, unknown>, key: string) => d[key] as Record<string, unknown>[];
  const cases: [string, (d: Record<string, unknown>) => unknown, string][] = [
    ["not an object", () => "BudgetProcess", "not-an-object"],
    ["an array", () => [], "not-an-object"],
    [
      "without our context",
      (d) => ({ ...d, "@context": "https://www.w3.org/ns/activitystreams" }),
      "not-our-vocabulary",
    ],
    ["another type", (d) => ({ ...d, type: "Decision" }), "wrong-type"],
    ["another id", (d) => ({ ...d, id: `${host}/budgets/other` }), "wrong-id"],
    [
      "a Group elsewhere",
      (d) => ({ ...d, audience: "https://evil.example/groups/x" }),
      "wrong-origin",
    ],
    [
      "a project elsewhere",
      (d) => ({ ...d, projects: [{ ...at(d, "projects")[0], id: "https://evil.example/p" }] }),
      "wrong-origin",
    ],
    [
      "a district elsewhere",
      (d) => ({ ...d, districts: [{ ...at(d, "districts")[0], id: "https://evil.example/d" }] }),
      "wrong-origin",
    ],
    [
      "a project in an unknown district",
      (d) => ({ ...d, projects: [{ ...at(d, "projects")[0], district: `${uri}#districts/nope` }] }),
      "bad-field",
    ],
    [
      "a result for an unknown district",
      (d) => ({ ...d, results: [{ ...at(d, "results")[0], district: `${uri}#districts/nope` }] }),
      "bad-field",
    ],
    [
      "two projects with one id",
      (d) => ({ ...d, projects: [at(d, "projects")[0], at(d, "projects")[0]] }),
      "bad-field",
    ],
    ["no district", (d) => ({ ...d, districts: [] }), "bad-field"],
    ["an unknown rule", (d) => ({ ...d, rule: "borda" }), "bad-field"],
    [
      "a negative cost",
      (d) => ({ ...d, projects: [{ ...at(d, "projects")[0], cost: -5 }] }),
      "bad-field",
    ],
    [
      "a fractional budget",
      (d) => ({ ...d, districts: [{ ...at(d, "districts")[0], budget: 1.5 }] }),
      "bad-field",
    ],
    ["a javascript: link", (d) => ({ ...d, attributedTo: "javascript:alert(1)" }), "bad-field"],
    ["a 501-character title", (d) => ({ ...d, name: "x".repeat(501) }), "bad-field"],
    ["cumulative without points", (d) => ({ ...d, ballotKind: "cumulative" }), "bad-field"],
    [
      "too many projects",
      (d) => ({
        ...d,
        projects: Array.from({ length: MAX_PROJECTS + 1 }, (_, i) => ({
          ...at(d, "projects")[0],
          id: `${uri}/projects/x${i}`,
        })),
      }),
      "bad-field",
    ],
    ["a document over 4 MB", (d) => ({ ...d, content: "x".repeat(4_000_001) }), "too-large"],
    [
      "__proto__ in a result",
      (d) => ({
        ...d,
        results: [{ ...at(d, "results")[0], result: JSON.parse('{"__proto__": {"polluted": 1}}') }],
      }),
      "unsafe-json",
    ],
    [
      "a result nested too deep",
      (d) => {
        let deep: unknown = 1;
        for (let i = 0; i < 20; i++) deep = [deep];
        return { ...d, results: [{ ...at(d, "results")[0], greedy: { x: deep } }] };
      },
      "unsafe-json",
    ],
  ];
  for (const [name, mutate, problem] of cases) {
    const parsed = parseProcessDocument(mutate(good()), uri);
    assert.ok(!parsed.ok, name);
    assert.equal(parsed.reason, problem, name);
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test("hostile BudgetBallot documents are refused with a named problem", () => {
  const good = () => wire(ballotDocument(ballot, process.groupUri));
  const choice = (project: string, points = 1) => ({ type: "BudgetChoice", project, points });
  const cases: [string, (d: Record<string, unknown>) => unknown, string][] = [
    ["not an object", () => null, "not-an-object"],
    ["another type", (d) => ({ ...d, type: "Ballot" }), "wrong-type"],
    ["another id", (d) => ({ ...d, id: `${coopNode}/pb-ballots/other` }), "wrong-id"],
    [
      "a co-op on another node",
      (d) => ({ ...d, attributedTo: "https://c.example/users/coop" }),
      "wrong-origin",
    ],
    [
      "a voter on another node",
      (d) => ({ ...d, voter: "https://c.example/users/eve" }),
      "wrong-origin",
    ],
    [
      "a project on another node than the process",
      (d) => ({ ...d, choices: [choice("https://evil.example/p")] }),
      "wrong-origin",
    ],
    [
      "one project twice",
      (d) => ({ ...d, choices: [choice(`${uri}/projects/p1`), choice(`${uri}/projects/p1`)] }),
      "bad-field",
    ],
    ["zero points", (d) => ({ ...d, choices: [choice(`${uri}/projects/p1`, 0)] }), "bad-field"],
    [
      "fractional points",
      (d) => ({ ...d, choices: [choice(`${uri}/projects/p1`, 1.5)] }),
      "bad-field",
    ],
    [
      "a string for points",
      (d) => ({ ...d, choices: [choice(`${uri}/projects/p1`, "1" as never)] }),
      "bad-field",
    ],
    [
      "too many choices",
      (d) => ({
        ...d,
        choices: Array.from({ length: MAX_CHOICES + 1 }, (_, i) => choice(`${uri}/projects/x${i}`)),
      }),
      "bad-field",
    ],
    ["a document over 100 kB", (d) => ({ ...d, junk: "x".repeat(100_001) }), "too-large"],
    ["no choices list", (d) => ({ ...d, choices: "p1" }), "bad-field"],
  ];
  for (const [name, mutate, problem] of cases) {
    const parsed = parseBallotDocument(mutate(good()), ballot.uri);
    assert.ok(!parsed.ok, name);
    assert.equal(parsed.reason, problem, name);
  }
});
