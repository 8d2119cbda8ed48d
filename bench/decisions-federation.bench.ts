/**
 * Decisions across nodes (issue 18): the edge where other nodes' documents are
 * checked. The largest Decision a node accepts (100 options with explanations
 * and a closed Schulze tally: two 100×100 matrices) built, sent as JSON and
 * parsed (target < 20 ms p95), and 10,000 ranked Ballot documents parsed (the
 * host's work per vote before counting; target > 10,000 per second).
 */

import {
  ballotDocument,
  type DecisionView,
  decisionDocument,
} from "../src/federation/decisions/objects.ts";
import { parseBallotDocument, parseDecisionDocument } from "../src/federation/decisions/parse.ts";
import { count } from "../src/governance/decisions/types.ts";

const N = 100;
const labels = Array.from({ length: N }, (_, i) => `Option ${i + 1}`);
const settings = { rule: "schulze" as const, options: labels };
const ballots = Array.from({ length: 2_000 }, (_, v) => ({
  choice: { ranking: Array.from({ length: 10 }, (_, k) => (v * 7 + k * 13) % N) },
}));
const tally = count(settings, ballots, { eligibleWeight: 2_000, seed: "bench" });
const at = "2026-12-01T10:00:00.000Z";
const view: DecisionView = {
  uri: "https://a.example/decisions/0190a000-0000-7000-8000-000000000001",
  groupUri: "https://a.example/groups/fednet",
  threadUri: "https://a.example/posts/0190a000-0000-7000-8000-000000000002",
  createdByUri: "https://a.example/users/ana",
  title: "Which projects first?",
  body: "x".repeat(5_000),
  rule: "schulze",
  settings,
  options: labels.map((label) => ({ label, explanation: "y".repeat(500) })),
  opensAt: at,
  closesAt: at,
  closedAt: at,
  ballot: "secret",
  resultsVisibility: "after-close",
  voteChanges: true,
  weighting: "per-coop",
  votersCount: 2_000,
  round: 0,
  tally,
  outcome: null,
  reviewAt: null,
  createdAt: at,
  updatedAt: at,
};

const times: number[] = [];
let size = 0;
for (let r = 0; r < 200; r++) {
  const start = performance.now();
  const wire = JSON.stringify(decisionDocument(view));
  const parsed = parseDecisionDocument(JSON.parse(wire), view.uri);
  times.push(performance.now() - start);
  if (!parsed.ok) throw new Error(parsed.reason);
  size = wire.length;
}
times.sort((a, b) => a - b);
const p = (q: number) => (times[Math.floor(q * (times.length - 1))] as number).toFixed(2);
console.log(
  `largest Decision (${N} options, Schulze tally, ${(size / 1024).toFixed(0)} KiB): build+send+parse p50 ${p(0.5)} ms, p95 ${p(0.95)} ms (target < 20 ms)`,
);

const docs = Array.from({ length: 10_000 }, (_, i) =>
  JSON.stringify(
    ballotDocument({
      uri: `https://b.example/decision-ballots/${i}`,
      actorUri: `https://b.example/users/m${i}`,
      decisionUri: view.uri,
      groupUri: view.groupUri,
      choice: { ranking: Array.from({ length: 20 }, (_, k) => (i + k * 3) % N) },
      onBehalfOf: null,
      coopMembers: null,
      createdAt: at,
      updatedAt: at,
    }),
  ),
);
const parseAll = () => {
  for (let i = 0; i < docs.length; i++) {
    const uri = `https://b.example/decision-ballots/${i}`;
    const parsed = parseBallotDocument(JSON.parse(docs[i] as string), uri);
    if (!parsed.ok) throw new Error(parsed.reason);
  }
};
// Once to warm the JIT, as in a running node; then measured.
parseAll();
const start = performance.now();
parseAll();
const seconds = (performance.now() - start) / 1000;
console.log(
  `10,000 ranked Ballot documents parsed in ${(seconds * 1000).toFixed(0)} ms: ${Math.round(10_000 / seconds).toLocaleString("en")} per second (target > 10,000)`,
);
