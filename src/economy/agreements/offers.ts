/**
 * Responding to a proposal (FEP-0837 "Responding to a proposal"): the responder
 * offers an Agreement with its commitments; the proposal's agent will accept or
 * reject it (answers.ts). `offerAgreement` is a member here responding;
 * `receiveOffer` is an Offer(Agreement) from another node for a proposal
 * published here. Nothing is taken from the proposal's available quantity until
 * the offer is accepted, so an offer is only checked against what is left now.
 */
import type { Kysely, Selectable } from "kysely";
import { recordEvent } from "../../db/outbox.ts";
import type { EconProposalsTable } from "../../db/schema/economy.ts";
import type { Schema } from "../../db/schema.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import {
  type Acting,
  type AgreementsContext,
  agreementUri,
  canActAs,
  commitmentUri,
  offerActivityUri,
} from "./context.ts";
import { tellProposer } from "./notices.ts";
import {
  type CommitmentTerms,
  commitmentsFor,
  MAX_NOTE,
  type ProposalTerms,
  priceOf,
  quantityProblem,
} from "./rules.ts";

export type OfferProblem =
  | "proposal-not-found"
  | "proposal-closed"
  | "not-allowed"
  | "own-proposal"
  | "bad-quantity"
  | "below-minimum"
  | "not-enough-available"
  | "note-too-long"
  | "unit-mismatch"
  | "price-mismatch"
  | "duplicate";

export const termsOf = (p: Selectable<EconProposalsTable>): ProposalTerms => ({
  uri: p.uri,
  purpose: p.purpose,
  agentUri: p.agent_uri,
  specUri: p.spec_uri,
  unit: p.unit,
  action: p.action,
  available: p.available,
  minimum: p.minimum,
  reciprocity: p.reciprocity,
  unitPrice: p.unit_price,
  currency: p.currency,
});

/** Open, and inside its availability window. */
export function isOpen(p: Selectable<EconProposalsTable>, now: Date): boolean {
  if (p.status !== "open") return false;
  if (p.available_until && Date.parse(p.available_until) < now.getTime()) return false;
  return true;
}

interface NewAgreement {
  id: string;
  uri: string;
  local: 0 | 1;
  proposal: Selectable<EconProposalsTable>;
  responderUri: string;
  accountId: string | null;
  quantity: number;
  note: string;
  offerActivityUri: string;
  commitments: CommitmentTerms[];
  now: string;
}

async function insertAgreement(trx: Kysely<Schema>, a: NewAgreement): Promise<void> {
  const p = a.proposal;
  await trx
    .insertInto("econ_agreements")
    .values({
      id: a.id,
      uri: a.uri,
      local: a.local,
      proposal_id: p.id,
      proposal_uri: p.uri,
      proposer_uri: p.agent_uri,
      responder_uri: a.responderUri,
      account_id: a.accountId,
      status: "offered",
      quantity: a.quantity,
      reciprocity: p.reciprocity,
      total_price: p.reciprocity === "gift" ? 0 : priceOf(a.quantity, p.unit_price),
      currency: p.currency,
      note: a.note,
      offer_activity_uri: a.offerActivityUri,
      answer_activity_uri: null,
      answer_note: "",
      transfer_id: null,
      accepted_at: null,
      fulfilled_at: null,
      created_at: a.now,
      updated_at: a.now,
    })
    .execute();
  for (const c of a.commitments)
    await trx
      .insertInto("econ_commitments")
      .values({
        id: newId(),
        uri: commitmentUri(a.uri, c.reciprocal),
        agreement_id: a.id,
        reciprocal: c.reciprocal ? 1 : 0,
        action: c.action,
        provider_uri: c.providerUri,
        receiver_uri: c.receiverUri,
        spec_uri: c.specUri,
        unit: c.unit,
        quantity: c.quantity,
        fulfilled: 0,
        due_at: null,
        created_at: a.now,
      })
      .execute();
}

/** A member here responds to a proposal (here or elsewhere) as themselves or for the co-op. */
export async function offerAgreement(
  ctx: AgreementsContext,
  acting: Acting,
  input: { proposalId: string; quantity: number; note: string },
): Promise<Result<{ id: string; uri: string }, OfferProblem>> {
  if (!canActAs(ctx.origin, acting)) return fail("not-allowed");
  if (input.note.length > MAX_NOTE) return fail("note-too-long");
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const p = await trx
      .selectFrom("econ_proposals")
      .selectAll()
      .where("id", "=", input.proposalId)
      .executeTakeFirst();
    if (!p || p.status === "hidden") return fail("proposal-not-found");
    if (!isOpen(p, now)) return fail("proposal-closed");
    if (p.agent_uri === acting.agentUri) return fail("own-proposal");
    const problem = quantityProblem(termsOf(p), input.quantity);
    if (problem) return fail(problem);
    const id = newId();
    const uri = agreementUri(ctx.origin, id);
    await insertAgreement(trx, {
      id,
      uri,
      local: p.local ? 1 : 0,
      proposal: p,
      responderUri: acting.agentUri,
      accountId: acting.accountId,
      quantity: input.quantity,
      note: input.note,
      offerActivityUri: offerActivityUri(ctx.origin, id),
      commitments: commitmentsFor(termsOf(p), acting.agentUri, input.quantity),
      now: now.toISOString(),
    });
    await tellProposer(trx, ctx, p, id, acting.accountId);
    await recordEvent(trx, { type: "economy.agreement.offered", payload: { agreementId: id } });
    return ok({ id, uri });
  });
}

/** What an Offer(Agreement) from another node says (federation/economy/parse.ts). */
export interface ReceivedOffer {
  offerActivityUri: string;
  /** The Agreement's id if the responder gave one (FEP-0837: optional in an Offer). */
  agreementUri: string | null;
  responderUri: string;
  /** The intent the primary commitment satisfies: `${proposalUri}#primary`. */
  satisfies: string;
  unit: string;
  quantity: number;
  /** The reciprocal commitment's amount (minor units), if the Offer carried one. */
  reciprocalQuantity: number | null;
  note: string;
}

/** An Offer(Agreement) for a proposal published here, from its responder's node. */
export async function receiveOffer(
  ctx: AgreementsContext,
  input: ReceivedOffer,
): Promise<Result<{ id: string }, OfferProblem>> {
  const proposalUri = input.satisfies.replace(/#primary$/, "");
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const seen = await trx
      .selectFrom("econ_agreements")
      .select("id")
      .where("offer_activity_uri", "=", input.offerActivityUri)
      .executeTakeFirst();
    if (seen) return fail("duplicate");
    const p = await trx
      .selectFrom("econ_proposals")
      .selectAll()
      .where("uri", "=", proposalUri)
      .where("local", "=", 1)
      .executeTakeFirst();
    if (!p || p.status === "hidden" || !input.satisfies.endsWith("#primary"))
      return fail("proposal-not-found");
    if (!isOpen(p, now)) return fail("proposal-closed");
    if (p.agent_uri === input.responderUri) return fail("own-proposal");
    if (input.unit !== p.unit) return fail("unit-mismatch");
    if (input.note.length > MAX_NOTE) return fail("note-too-long");
    const problem = quantityProblem(termsOf(p), input.quantity);
    if (problem) return fail(problem);
    const commitments = commitmentsFor(termsOf(p), input.responderUri, input.quantity);
    const reciprocal = commitments.find((c) => c.reciprocal);
    if (
      input.reciprocalQuantity !== null &&
      reciprocal &&
      input.reciprocalQuantity !== reciprocal.quantity
    )
      return fail("price-mismatch");
    const id = newId();
    const uri =
      input.agreementUri &&
      !(await trx
        .selectFrom("econ_agreements")
        .select("id")
        .where("uri", "=", input.agreementUri)
        .executeTakeFirst())
        ? input.agreementUri
        : agreementUri(ctx.origin, id);
    await insertAgreement(trx, {
      id,
      uri,
      local: 1,
      proposal: p,
      responderUri: input.responderUri,
      accountId: null,
      quantity: input.quantity,
      note: input.note,
      offerActivityUri: input.offerActivityUri,
      commitments,
      now: now.toISOString(),
    });
    await tellProposer(trx, ctx, p, id, null);
    return ok({ id });
  });
}
