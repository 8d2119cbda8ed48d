/**
 * Rows → FEP-0837 objects (converters named by direction, as social/notes.ts):
 * a Proposal with its primary and reciprocal Intents, an Agreement with its
 * Commitments (Fedify's own ValueFlows classes, so its context says what
 * `satisfies` is), the EconomicEvent a party recorded (plain JSON-LD: Fedify
 * has no class for it) and, for Mastodon, a Note that announces a proposal.
 *
 * Mastodon and GoToSocial keep only Notes, Questions and the types they convert
 * (Article, Page, Image, Audio, Video, Event) from a Create; a vf:Proposal is
 * dropped whole. So the Proposal goes to Synco and FEP-0837 nodes, and a Note
 * with the proposal's summary and link (proposalNote) to the fediverse at large.
 */
import {
  Agreement,
  Commitment,
  Hashtag,
  Intent,
  Measure,
  Note,
  Place,
  Proposal,
  PUBLIC_COLLECTION,
} from "@fedify/vocab";
import { parseDecimal } from "@fedify/vocab-runtime";
import { Temporal } from "@js-temporal/polyfill";
import type { Selectable } from "kysely";
import type {
  EconAgreementsTable,
  EconCommitmentsTable,
  EconEventsTable,
  EconProposalsTable,
} from "../../db/schema/economy.ts";
import { intentUri } from "../../economy/agreements/context.ts";
import { formatQuantity, paymentSpecUri } from "../../economy/agreements/rules.ts";
import { escapeHtml } from "../../social/content.ts";
import { AS_CONTEXT } from "../decisions/vocab.ts";

type ProposalRow = Selectable<EconProposalsTable>;

const measure = (unit: string, thousandths: number) =>
  new Measure({ unit, numericalValue: parseDecimal(formatQuantity(thousandths)) });
/** Minor units → a decimal of the currency (two places). */
const money = (minor: number) => parseDecimal((minor / 100).toFixed(2));
// Fedify types Temporal as the global one; Node 24 has none yet, so the polyfill stands in.
const instant = (iso: string) =>
  Temporal.Instant.from(iso) as unknown as globalThis.Temporal.Instant;

/** The proposal's text for people: what, how much, at what terms (HTML). */
export function proposalSummary(p: ProposalRow): string {
  const qty = `${formatQuantity(p.available)} ${p.unit}`;
  const terms =
    p.reciprocity === "gift"
      ? "gift"
      : p.reciprocity === "credit"
        ? `${(p.unit_price / 100).toFixed(2)} ${p.currency || "credit"} (mutual credit) / ${p.unit}`
        : `${(p.unit_price / 100).toFixed(2)} ${p.currency} / ${p.unit}`;
  return `<p>${p.purpose === "offer" ? "Offer" : "Request"}: ${escapeHtml(p.name)} — ${escapeHtml(qty)} (${escapeHtml(terms)})</p>${noteHtml(p)}`;
}

/** The proposal's own description, paragraphs kept (FEP-0837 carries it as `content`). */
const noteHtml = (p: ProposalRow) =>
  p.note
    .split(/\n\s*\n/)
    .map((para) => para.trim())
    .filter(Boolean)
    .map((para) => `<p>${escapeHtml(para).replace(/\n/g, "<br>")}</p>`)
    .join("");

export function proposalObject(p: ProposalRow, followers: string | null): Proposal {
  const primary = new Intent({
    id: new URL(intentUri(p.uri, false)),
    action: p.action,
    resourceConformsTo: new URL(p.spec_uri),
    // Unit-based: a responder takes any amount of the unit at the unit's price.
    resourceQuantity: measure(p.unit, 1000),
    availableQuantity: measure(p.unit, p.available),
    minimumQuantity: p.minimum > 0 ? measure(p.unit, p.minimum) : null,
  });
  const reciprocal =
    p.reciprocity === "gift"
      ? null
      : new Intent({
          id: new URL(intentUri(p.uri, true)),
          action: "transfer",
          resourceConformsTo: new URL(paymentSpecUri(p.reciprocity, p.currency)),
          resourceQuantity: new Measure({
            // Credit is counted in the unit its ledger names ("hours"); money in its currency.
            unit: p.currency || (p.reciprocity === "credit" ? "credit" : "one"),
            numericalValue: money(p.unit_price),
          }),
        });
  const place =
    p.place_name || p.latitude !== null
      ? new Place({
          name: p.place_name || null,
          latitude: p.latitude,
          longitude: p.longitude,
        })
      : null;
  return new Proposal({
    id: new URL(p.uri),
    attribution: new URL(p.agent_uri),
    name: p.name,
    // The description is the content (what a copy keeps as its note); the one-line
    // summary of what, how much and for what is for readers of unknown types.
    summary: proposalSummary({ ...p, note: "" }),
    content: noteHtml(p) || null,
    url: new URL(p.uri),
    published: instant(p.published_at),
    updated: instant(p.updated_at),
    location: place,
    purpose: p.purpose,
    publishes: primary,
    reciprocal,
    unitBased: true,
    startTime: p.available_from ? instant(p.available_from) : null,
    endTime: p.available_until ? instant(p.available_until) : null,
    tags: p.category ? [new Hashtag({ name: `#${p.category}` })] : [],
    audience: p.group_uri ? new URL(p.group_uri) : null,
    to: PUBLIC_COLLECTION,
    ccs: [followers, p.group_uri].filter((u): u is string => !!u).map((u) => new URL(u)),
  });
}

/** The id of the Note that announces a proposal (served at it, serve.ts). */
export const proposalNoteUri = (proposalUri: string) => `${proposalUri}/note`;

/** What Mastodon shows: the summary and a link to the proposal's page. */
export function proposalNote(p: ProposalRow, followers: string | null): Note {
  const link = `<p><a href="${escapeHtml(p.uri)}">${escapeHtml(p.uri)}</a></p>`;
  return new Note({
    id: new URL(proposalNoteUri(p.uri)),
    attribution: new URL(p.agent_uri),
    name: null,
    content: `${proposalSummary(p)}${link}`,
    url: new URL(p.uri),
    published: instant(p.published_at),
    tags: p.category ? [new Hashtag({ name: `#${p.category}` })] : [],
    to: PUBLIC_COLLECTION,
    ccs: followers ? [new URL(followers)] : [],
  });
}

type CommitmentRow = Selectable<EconCommitmentsTable>;

/** The agreement with its commitments, each satisfying the proposal's intent. */
export function agreementObject(
  a: Pick<Selectable<EconAgreementsTable>, "uri" | "proposal_uri">,
  commitments: CommitmentRow[],
  withIds: boolean,
): Agreement {
  const commitment = (c: CommitmentRow | undefined) =>
    c
      ? new Commitment({
          id: withIds ? new URL(c.uri) : null,
          satisfies: new URL(intentUri(a.proposal_uri, c.reciprocal === 1)),
          resourceQuantity: c.reciprocal
            ? new Measure({ unit: c.unit, numericalValue: money(c.quantity) })
            : measure(c.unit, c.quantity),
        })
      : null;
  return new Agreement({
    id: new URL(a.uri),
    stipulates: commitment(commitments.find((c) => c.reciprocal === 0)),
    stipulatesReciprocal: commitment(commitments.find((c) => c.reciprocal === 1)),
  });
}

/** ValueFlows terms of the EconomicEvent document (Fedify has no class for it). */
export const EVENT_CONTEXT = [
  AS_CONTEXT,
  {
    vf: "https://w3id.org/valueflows/ont/vf#",
    om2: "http://www.ontology-of-units-of-measure.org/resource/om-2/",
    xsd: "http://www.w3.org/2001/XMLSchema#",
    EconomicEvent: "vf:EconomicEvent",
    action: "vf:action",
    provider: { "@id": "vf:provider", "@type": "@id" },
    receiver: { "@id": "vf:receiver", "@type": "@id" },
    fulfills: { "@id": "vf:fulfills", "@type": "@id" },
    resourceConformsTo: { "@id": "vf:resourceConformsTo", "@type": "@id" },
    resourceQuantity: "vf:resourceQuantity",
    hasUnit: "om2:hasUnit",
    hasNumericalValue: "om2:hasNumericalValue",
    hasPointInTime: { "@id": "vf:hasPointInTime", "@type": "xsd:dateTime" },
    note: "vf:note",
  },
] as const;

export function economicEventDocument(
  e: Selectable<EconEventsTable>,
  refs: { commitmentUri: string; agreementUri: string; reciprocal: boolean },
) {
  return {
    "@context": EVENT_CONTEXT,
    id: e.uri,
    type: "EconomicEvent",
    action: e.action,
    provider: e.provider_uri,
    receiver: e.receiver_uri,
    resourceConformsTo: e.spec_uri,
    resourceQuantity: {
      hasUnit: e.unit,
      hasNumericalValue: refs.reciprocal
        ? (e.quantity / 100).toFixed(2)
        : formatQuantity(e.quantity),
    },
    fulfills: refs.commitmentUri,
    hasPointInTime: e.occurred_at,
    note: e.note,
    attributedTo: e.recorded_by_uri,
    context: refs.agreementUri,
  };
}
