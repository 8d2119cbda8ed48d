import assert from "node:assert/strict";
import { test } from "node:test";
import type { ReceivedPlan } from "../../economy/plan-rounds/copies.ts";
import { planDocument } from "./objects.ts";
import { parsePlanDocument } from "./parse.ts";

const round = "https://fed.example/plan-rounds/0190a1b2-0000-7000-8000-000000000001";
const plan: ReceivedPlan = {
  uri: round,
  groupUri: "https://fed.example/groups/fed",
  title: "Week 10",
  status: "accepting",
  deadline: "2026-03-04T12:00:00.000Z",
  revision: 2,
  solverVersion: "HiGHS 1.15.1 ipm",
  weights: { food: 3 },
  diagnosis: null,
  commitments: [
    {
      uri: `${round}/commitments/0190a1b2-0000-7000-8000-000000000002`,
      revision: 1,
      providerUri: "https://a.example/users/coop",
      receiverUri: "https://b.example/users/coop",
      specUri: "https://specs.example/bread",
      name: "Bread",
      unit: "kilogram",
      quantity: 10_000,
      offerUri: "https://a.example/economy/proposals/1",
      requestUri: "https://b.example/economy/proposals/2",
      unitCost: 0.1112,
      destinationPrice: 0.28,
      marginalCost: 0.28,
      supplyPrice: 0.17,
      providerAnswer: "accepted",
      receiverAnswer: null,
    },
  ],
};
const wire = (d: unknown) => JSON.parse(JSON.stringify(d)) as Record<string, unknown>;

test("a PlanRound document round-trips", () => {
  assert.deepEqual(parsePlanDocument(wire(planDocument(plan)), round), { ok: true, value: plan });
});

test("hostile documents are refused with a named problem", () => {
  const good = () => wire(planDocument(plan));
  const commitment = () =>
    (good().commitments as Record<string, unknown>[])[0] as Record<string, unknown>;
  const cases: [string, Record<string, unknown>][] = [
    ["status", { ...good(), status: "won" }],
    ["weights", { ...good(), weights: { food: -1 } }],
    ["revision", { ...good(), revision: 1e9 }],
    ["title", { ...good(), name: "x".repeat(500) }],
    ["too many", { ...good(), commitments: Array.from({ length: 5001 }, commitment) }],
    ["quantity", { ...good(), commitments: [{ ...commitment(), quantity: 1.5 }] }],
    ["price", { ...good(), commitments: [{ ...commitment(), unitCost: Number.MAX_VALUE }] }],
    ["url", { ...good(), commitments: [{ ...commitment(), provider: "javascript:alert(1)" }] }],
    ["answer", { ...good(), commitments: [{ ...commitment(), providerAnswer: "maybe" }] }],
    [
      "foreign commitment",
      {
        ...good(),
        commitments: [
          { ...commitment(), id: "https://fed.example/plan-rounds/other/commitments/1" },
        ],
      },
    ],
    ["group elsewhere", { ...good(), attributedTo: "https://evil.example/groups/fed" }],
  ];
  for (const [what, doc] of cases) assert.equal(parsePlanDocument(doc, round).ok, false, what);
  assert.deepEqual(parsePlanDocument(good(), `${round}x`), {
    ok: false,
    reason: "id is not where it was fetched from",
  });
  assert.equal(parsePlanDocument("PlanRound", round).ok, false);
});
