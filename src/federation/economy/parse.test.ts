/**
 * Interop with FEP-0837's published examples (fixtures/economy, SOURCES.md):
 * each parses into what the agreements capability needs, and the documents we
 * produce for the same proposal and agreement parse into the same important
 * fields (and Fedify itself reads ours back). Hostile input is refused.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { Accept, Offer, Proposal } from "@fedify/vocab";
import type { Selectable } from "kysely";
import type { EconCommitmentsTable, EconProposalsTable } from "../../db/schema/economy.ts";
import { agreementObject, economicEventDocument, proposalObject } from "./objects.ts";
import {
  parseAgreement,
  parseAnswer,
  parseEconomicEvent,
  parseOffer,
  parseProposal,
  plainActivity,
} from "./parse.ts";

const fixture = (name: string) =>
  JSON.parse(
    readFileSync(new URL(`../fixtures/economy/${name}.json`, import.meta.url), "utf8"),
  ) as Record<string, unknown>;

const P = "https://market.example/proposals/ddde9d6f-6f3b-4770-a966-3a18ef006930";
const OFFER = "https://social.example/objects/fc4af0d2-c3a1-409b-947c-3c5be29f49b0/offer";
const AGREEMENT = "https://market.example/agreements/edc374aa-e580-4a58-9404-f3e8bf8556b2";

/** The fields that matter to a responder, for comparing two parses. */
const important = (p: ReturnType<typeof parseProposal>) => {
  assert.ok(p.ok, p.ok ? "" : p.reason);
  const v = p.value;
  return {
    uri: v.uri,
    purpose: v.purpose,
    agent: v.agentUri,
    name: v.name,
    action: v.action,
    unit: v.unit,
    quantity: v.quantity,
    available: v.available,
    minimum: v.minimum,
    reciprocity: v.reciprocity,
    unitPrice: v.unitPrice,
    latitude: v.latitude,
    longitude: v.longitude,
    spec: v.specUri,
  };
};

test("FEP-0837's minimal and full proposals parse", () => {
  const minimal = important(parseProposal(fixture("fep-0837-proposal-minimal"), "person"));
  assert.deepEqual(minimal, {
    uri: P,
    purpose: "offer",
    agent: "https://market.example/users/alice",
    name: "—",
    action: "transfer",
    unit: "one",
    quantity: 1000,
    available: 1000,
    // unitBased false: the stated amount is the whole deal.
    minimum: 1000,
    reciprocity: "gift",
    unitPrice: 0,
    latitude: null,
    longitude: null,
    spec: `${P}#resource`,
  });
  const full = parseProposal(fixture("fep-0837-proposal-full"), "person");
  assert.deepEqual(important(full), {
    uri: P,
    purpose: "offer",
    agent: "https://market.example/users/alice",
    name: "Offering used bike",
    action: "transfer",
    unit: "one",
    quantity: 1000,
    available: 1000,
    minimum: 1000,
    reciprocity: "money",
    unitPrice: 3000,
    latitude: 25,
    longitude: -71,
    spec: "https://www.wikidata.org/wiki/Q11442",
  });
  assert.ok(full.ok);
  assert.equal(full.value.note, "Blue one-speed bike, 15 years old, some rust");
  assert.equal(full.value.published, "2023-06-18T19:22:03.918Z");
});

test("FEP-0837's Offer, Accept (with its typo) and Reject parse", () => {
  const offer = parseOffer(fixture("fep-0837-offer"));
  assert.deepEqual(offer, {
    ok: true,
    value: {
      offerActivityUri: OFFER,
      actorUri: "https://social.example/users/bob",
      agreementUri: null,
      satisfies: `${P}#primary`,
      unit: "one",
      quantity: 1000,
      reciprocalQuantity: 3000,
      note: "",
    },
  });
  assert.deepEqual(parseAnswer(fixture("fep-0837-accept")), {
    ok: true,
    value: {
      id: "https://market.example/activities/059f08fa-31b1-4136-8d76-5987d705a0ab",
      kind: "Accept",
      actorUri: "https://market.example/users/alice",
      offerUri: OFFER,
      finalUri: AGREEMENT,
      reason: "",
    },
  });
  const reject = parseAnswer(fixture("fep-0837-reject"));
  assert.ok(reject.ok);
  assert.equal(reject.value.kind, "Reject");
  assert.equal(reject.value.reason, "Not available");
});

const bikeRow = (): Selectable<EconProposalsTable> => ({
  id: "p1",
  uri: P,
  local: 1,
  purpose: "offer",
  agent_uri: "https://market.example/users/alice",
  agent_kind: "person",
  account_id: null,
  group_uri: null,
  spec_id: null,
  spec_uri: "https://www.wikidata.org/wiki/Q11442",
  name: "Offering used bike",
  note: "Blue one-speed bike, 15 years old, some rust",
  category: "bikes",
  unit: "one",
  quantity: 1000,
  available: 1000,
  minimum: 1000,
  hours_per_unit: null,
  place_name: "",
  latitude: 25,
  longitude: -71,
  available_from: null,
  available_until: null,
  reciprocity: "money",
  unit_price: 3000,
  currency: "USD",
  action: "transfer",
  images: "[]",
  status: "open",
  published_at: "2023-06-18T19:22:03.918Z",
  created_at: "2023-06-18T19:22:03.918Z",
  updated_at: "2023-06-18T19:22:03.918Z",
});

test("the Proposal we produce for the same offer carries the same terms", async () => {
  const ours = await proposalObject(bikeRow(), null).toJsonLd();
  assert.deepEqual(
    important(parseProposal(ours, "person")),
    important(parseProposal(fixture("fep-0837-proposal-full"), "person")),
  );
  const doc = ours as Record<string, unknown>;
  // Readers of unknown types get a name, a one-line summary, the description and a link.
  assert.equal(doc.name, "Offering used bike");
  assert.match(String(doc.summary), /Offering used bike.*1 one.*30\.00 USD/);
  assert.equal(doc.content, "<p>Blue one-speed bike, 15 years old, some rust</p>");
  // A copy keeps the description alone as its note, and the category from the hashtag.
  const copy = parseProposal(ours, "person");
  assert.ok(copy.ok);
  assert.equal(copy.value.note, "Blue one-speed bike, 15 years old, some rust");
  assert.equal(copy.value.category, "bikes");
  assert.equal(doc.url, P);
  // And Fedify reads it back as a Proposal.
  const back = await Proposal.fromJsonLd(ours);
  assert.equal(back.purpose, "offer");
  assert.equal(back.publishes?.availableQuantity?.numericalValue, "1");
});

test("an offer for mutual credit comes back as credit, the CURIE our context makes included", async () => {
  const ours = await proposalObject(
    { ...bikeRow(), reciprocity: "credit", currency: "hours", unit_price: 300 },
    null,
  ).toJsonLd();
  // Compacted with our context, the credit's IRI becomes `vf:MutualCredit`.
  assert.match(JSON.stringify(ours), /"vf:MutualCredit"/);
  const parsed = parseProposal(ours, "coop");
  assert.ok(parsed.ok, parsed.ok ? "" : parsed.reason);
  assert.equal(parsed.value.reciprocity, "credit");
  assert.equal(parsed.value.unitPrice, 300);
  // The ledger's unit travels as the payment's unit, so the copy prices it in hours.
  assert.equal(parsed.value.currency, "hours");
  // Another server's expanded IRI means the same.
  const expanded = JSON.parse(
    JSON.stringify(ours).replace(
      '"vf:MutualCredit"',
      '"https://w3id.org/valueflows/ont/vf#MutualCredit"',
    ),
  );
  const again = parseProposal(expanded, "coop");
  assert.ok(again.ok && again.value.reciprocity === "credit");
});

const commitments: Selectable<EconCommitmentsTable>[] = [
  {
    id: "c1",
    uri: `${AGREEMENT}#primary`,
    agreement_id: "a1",
    reciprocal: 0,
    action: "transfer",
    provider_uri: "https://market.example/users/alice",
    receiver_uri: "https://social.example/users/bob",
    spec_uri: "https://www.wikidata.org/wiki/Q11442",
    unit: "one",
    quantity: 1000,
    fulfilled: 0,
    due_at: null,
    created_at: "2023-06-18T19:22:03.918Z",
  },
  {
    id: "c2",
    uri: `${AGREEMENT}#reciprocal`,
    agreement_id: "a1",
    reciprocal: 1,
    action: "transfer",
    provider_uri: "https://social.example/users/bob",
    receiver_uri: "https://market.example/users/alice",
    spec_uri: "urn:iso:std:iso:4217:USD",
    unit: "one",
    quantity: 3000,
    fulfilled: 0,
    due_at: null,
    created_at: "2023-06-18T19:22:03.918Z",
  },
];

test("our Offer and Accept say what FEP-0837's do", async () => {
  const agreement = { uri: AGREEMENT, proposal_uri: P };
  // The responder names the agreement on its own server (Fedify trusts an embedded
  // object only from the activity's origin).
  const responderAgreement = { uri: "https://social.example/agreements/1", proposal_uri: P };
  // As sendActivity serialises it, and as the receiving inbox parses it.
  const wire = await new Offer({
    id: new URL(OFFER),
    actor: new URL("https://social.example/users/bob"),
    object: agreementObject(responderAgreement, commitments, false),
    to: new URL("https://market.example/users/alice"),
  }).toJsonLd({ format: "compact" });
  const offer = await plainActivity(await Offer.fromJsonLd(wire));
  const theirs = parseOffer(fixture("fep-0837-offer"));
  const mine = parseOffer(offer);
  assert.ok(theirs.ok, theirs.ok ? "" : theirs.reason);
  assert.ok(mine.ok, mine.ok ? "" : `${mine.reason} ${JSON.stringify(offer)}`);
  assert.deepEqual({ ...mine.value, agreementUri: null }, theirs.value);
  const acceptWire = await new Accept({
    id: new URL("https://market.example/activities/059f08fa-31b1-4136-8d76-5987d705a0ab"),
    actor: new URL("https://market.example/users/alice"),
    object: new URL(OFFER),
    result: agreementObject(agreement, commitments, true),
    to: new URL("https://social.example/users/bob"),
  }).toJsonLd({ format: "compact" });
  const accept = await plainActivity(await Accept.fromJsonLd(acceptWire));
  assert.deepEqual(parseAnswer(accept), parseAnswer(fixture("fep-0837-accept")));
  const result = parseAgreement((accept as { result: unknown }).result);
  assert.ok(result.ok);
  assert.equal(result.value.primary.id, `${AGREEMENT}#primary`);
  // Ours carries the agreement's id (FEP-0837: optional in an Offer, required once final).
  assert.equal(mine.value.agreementUri, responderAgreement.uri);
});

test("hostile or broken documents are refused", () => {
  const full = fixture("fep-0837-proposal-full");
  const bad: [string, unknown][] = [
    ["javascript: id", { ...full, id: "javascript:alert(1)" }],
    ["ftp agent", { ...full, attributedTo: "ftp://x.example/u" }],
    ["unknown purpose", { ...full, purpose: "steal" }],
    ["unknown action", { ...full, publishes: { ...(full.publishes as object), action: "nuke" } }],
    [
      "four decimals",
      {
        ...full,
        publishes: {
          ...(full.publishes as object),
          availableQuantity: { hasUnit: "one", hasNumericalValue: "1.0001" },
        },
      },
    ],
    [
      "negative",
      {
        ...full,
        publishes: {
          ...(full.publishes as object),
          resourceQuantity: { hasUnit: "one", hasNumericalValue: "-1" },
          availableQuantity: undefined,
        },
      },
    ],
    ["huge name", { ...full, name: "x".repeat(201) }],
    ["not a proposal", { ...full, type: "Note" }],
    ["array bomb", { ...full, tag: Array.from({ length: 51 }, () => ({})) }],
  ];
  for (const [why, doc] of bad) assert.equal(parseProposal(doc, "person").ok, false, why);
  const offer = fixture("fep-0837-offer");
  assert.equal(parseOffer({ ...offer, object: { type: "Agreement" } }).ok, false);
  assert.equal(parseOffer({ ...offer, object: "https://social.example/a" }).ok, false);
  assert.equal(
    parseEconomicEvent(
      { id: "https://a.example/e/1", type: "EconomicEvent" },
      "https://a.example/e/1",
    ).ok,
    false,
  );
});

test("an EconomicEvent we serve parses back; another id than asked is refused", () => {
  const doc = economicEventDocument(
    {
      id: "e1",
      uri: "https://market.example/economy/events/e1",
      agreement_id: "a1",
      commitment_id: "c1",
      action: "transfer",
      provider_uri: "https://market.example/users/alice",
      receiver_uri: "https://social.example/users/bob",
      spec_uri: "https://www.wikidata.org/wiki/Q11442",
      unit: "kilogram",
      quantity: 2_500,
      note: "first crate",
      recorded_by_uri: "https://market.example/users/alice",
      occurred_at: "2026-03-02T09:00:00.000Z",
      created_at: "2026-03-02T09:00:00.000Z",
    },
    { commitmentUri: `${AGREEMENT}#primary`, agreementUri: AGREEMENT, reciprocal: false },
  );
  assert.deepEqual(parseEconomicEvent(doc, "https://market.example/economy/events/e1"), {
    ok: true,
    value: {
      uri: "https://market.example/economy/events/e1",
      fulfils: `${AGREEMENT}#primary`,
      action: "transfer",
      quantity: 2_500,
      note: "first crate",
      occurredAt: "2026-03-02T09:00:00.000Z",
    },
  });
  assert.equal(parseEconomicEvent(doc, "https://market.example/economy/events/e2").ok, false);
});

test("a payment event we serve parses back in hundredths, as its commitment counts it", () => {
  const row = {
    id: "e2",
    uri: "https://market.example/economy/events/e2",
    agreement_id: "a1",
    commitment_id: "c2",
    action: "transfer" as const,
    provider_uri: "https://social.example/users/coop",
    receiver_uri: "https://market.example/users/coop",
    spec_uri: "https://w3id.org/valueflows/ont/vf#MutualCredit",
    unit: "credit",
    quantity: 600,
    note: "",
    recorded_by_uri: "https://market.example/users/coop",
    occurred_at: "2026-03-02T09:00:00.000Z",
    created_at: "2026-03-02T09:00:00.000Z",
  };
  const doc = economicEventDocument(row, {
    commitmentUri: `${AGREEMENT}#reciprocal`,
    agreementUri: AGREEMENT,
    reciprocal: true,
  });
  assert.equal(doc.resourceQuantity.hasNumericalValue, "6.00");
  const parsed = parseEconomicEvent(doc, row.uri);
  assert.ok(parsed.ok);
  assert.equal(parsed.value.quantity, 600);
  // Less than a hundredth is no payment.
  const dust = { ...doc, resourceQuantity: { hasUnit: "credit", hasNumericalValue: "0.004" } };
  assert.equal(parseEconomicEvent(dust, row.uri).ok, false);
});
