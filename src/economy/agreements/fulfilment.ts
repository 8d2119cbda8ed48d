/**
 * Fulfilling an agreement: its parties record what happened as economic events
 * (vf:EconomicEvent: transfer, deliverService, produce, consume, work), each
 * fulfilling one commitment. An event moves the stocks (econ_resources) of the
 * agents that live on this node, so each side's node keeps its own stocks; the
 * other party's node applies the same event when it arrives (federated by
 * reference, federation/economy/relay-handlers.ts). When every primary
 * commitment is fulfilled the agreement is `fulfilled` and
 * `economy.agreement.fulfilled` is recorded (the ledger settles credit on it).
 * A credit agreement's reciprocal commitment is fulfilled by the ledger alone:
 * the settlement records the payment as an event here (recordLedgerPayment),
 * told to the other party's node like any other, so both sides count it.
 */
import type { Kysely } from "kysely";
import { sql } from "kysely";
import { recordEvent } from "../../db/outbox.ts";
import type { EconAction } from "../../db/schema/economy.ts";
import type { Schema } from "../../db/schema.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import {
  type Acting,
  type AgreementsContext,
  canActAs,
  economicEventUri,
  isLocalAgent,
  resourceUri,
} from "./context.ts";
import { canFulfil, canPay, MAX_NOTE, MAX_QUANTITY, stockDeltas } from "./rules.ts";

export type FulfilProblem =
  | "agreement-not-found"
  | "commitment-not-found"
  | "not-allowed"
  | "not-accepted"
  | "bad-quantity"
  | "bad-action"
  | "note-too-long"
  | "duplicate"
  | "paid-by-ledger";

export const ECONOMIC_ACTIONS: readonly EconAction[] = [
  "transfer",
  "deliverService",
  "produce",
  "consume",
  "work",
];

interface NewEvent {
  /** The row's id (ours: the one in `uri`), or a new one for a received event. */
  id?: string;
  uri: string;
  agreementId: string;
  commitmentId: string;
  action: EconAction;
  quantity: number;
  note: string;
  recordedByUri: string;
  occurredAt: string;
  /** Recorded here (to be federated to the other party), not received. */
  announce: boolean;
}

/** Writes the event, its commitment's progress, the local stocks, and the fulfilment. */
async function applyEvent(
  trx: Kysely<Schema>,
  origin: string,
  e: NewEvent,
  now: string,
): Promise<{ id: string; fulfilled: boolean }> {
  const c = await trx
    .selectFrom("econ_commitments")
    .selectAll()
    .where("id", "=", e.commitmentId)
    .executeTakeFirstOrThrow();
  const id = e.id ?? newId();
  await trx
    .insertInto("econ_events")
    .values({
      id,
      uri: e.uri,
      agreement_id: e.agreementId,
      commitment_id: c.id,
      action: e.action,
      provider_uri: c.provider_uri,
      receiver_uri: c.receiver_uri,
      spec_uri: c.spec_uri,
      unit: c.unit,
      quantity: e.quantity,
      note: e.note,
      recorded_by_uri: e.recordedByUri,
      occurred_at: e.occurredAt,
      created_at: now,
    })
    .execute();
  await trx
    .updateTable("econ_commitments")
    .set({ fulfilled: sql`fulfilled + ${e.quantity}` })
    .where("id", "=", c.id)
    .execute();
  // Payments are the ledger's (credit) or outside Synco (money): only resources are stocked.
  if (!c.reciprocal) {
    const name = await trx
      .selectFrom("econ_agreements")
      .innerJoin("econ_proposals", "econ_proposals.id", "econ_agreements.proposal_id")
      .select("econ_proposals.name")
      .where("econ_agreements.id", "=", e.agreementId)
      .executeTakeFirst();
    for (const { ownerUri, delta } of stockDeltas(
      e.action,
      c.provider_uri,
      c.receiver_uri,
      e.quantity,
    )) {
      if (!isLocalAgent(origin, ownerUri)) continue;
      await moveStock(trx, origin, {
        ownerUri,
        specUri: c.spec_uri,
        unit: c.unit,
        name: name?.name ?? "",
        delta,
        at: now,
      });
    }
  }
  if (e.announce)
    await recordEvent(trx, {
      type: "economy.event.recorded",
      payload: { agreementId: e.agreementId, eventId: id },
    });
  const open = await trx
    .selectFrom("econ_commitments")
    .select("id")
    .where("agreement_id", "=", e.agreementId)
    .where("reciprocal", "=", 0)
    .whereRef("fulfilled", "<", "quantity")
    .executeTakeFirst();
  if (open) return { id, fulfilled: false };
  const done = await trx
    .updateTable("econ_agreements")
    .set({ status: "fulfilled", fulfilled_at: now, updated_at: now })
    .where("id", "=", e.agreementId)
    .where("status", "=", "accepted")
    .executeTakeFirst();
  if (done.numUpdatedRows === 1n)
    await recordEvent(trx, {
      type: "economy.agreement.fulfilled",
      payload: { agreementId: e.agreementId },
    });
  return { id, fulfilled: done.numUpdatedRows === 1n };
}

/** Adds `delta` to an agent's stock of a resource, creating the stock at zero first. */
async function moveStock(
  trx: Kysely<Schema>,
  origin: string,
  s: { ownerUri: string; specUri: string; unit: string; name: string; delta: number; at: string },
): Promise<void> {
  const id = newId();
  await trx
    .insertInto("econ_resources")
    .values({
      id,
      uri: resourceUri(origin, id),
      owner_uri: s.ownerUri,
      spec_uri: s.specUri,
      name: s.name,
      unit: s.unit,
      on_hand: 0,
      updated_at: s.at,
    })
    .onConflict((oc) => oc.columns(["owner_uri", "spec_uri", "unit"]).doNothing())
    .execute();
  await trx
    .updateTable("econ_resources")
    .set({ on_hand: sql`on_hand + ${s.delta}`, updated_at: s.at })
    .where("owner_uri", "=", s.ownerUri)
    .where("spec_uri", "=", s.specUri)
    .where("unit", "=", s.unit)
    .execute();
}

/**
 * A party here (provider or receiver of the commitment) records an event on an
 * accepted agreement. More than the commitment's quantity may be recorded (the
 * event says what happened); the commitment is fulfilled once it is reached.
 */
export async function recordEconomicEvent(
  ctx: AgreementsContext,
  acting: Acting,
  input: {
    agreementId: string;
    commitmentId: string;
    action?: EconAction;
    quantity: number;
    note: string;
  },
): Promise<Result<{ id: string; fulfilled: boolean }, FulfilProblem>> {
  if (!canActAs(ctx.origin, acting)) return fail("not-allowed");
  if (!Number.isSafeInteger(input.quantity) || input.quantity <= 0 || input.quantity > MAX_QUANTITY)
    return fail("bad-quantity");
  if (input.note.length > MAX_NOTE) return fail("note-too-long");
  if (input.action && !ECONOMIC_ACTIONS.includes(input.action)) return fail("bad-action");
  const now = ctx.clock.now().toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    const a = await trx
      .selectFrom("econ_agreements")
      .select(["id", "status", "proposer_uri", "responder_uri", "reciprocity"])
      .where("id", "=", input.agreementId)
      .executeTakeFirst();
    if (!a) return fail("agreement-not-found");
    if (acting.agentUri !== a.proposer_uri && acting.agentUri !== a.responder_uri)
      return fail("not-allowed");
    if (!canFulfil(a.status)) return fail("not-accepted");
    const c = await trx
      .selectFrom("econ_commitments")
      .select(["id", "action", "reciprocal"])
      .where("id", "=", input.commitmentId)
      .where("agreement_id", "=", a.id)
      .executeTakeFirst();
    if (!c) return fail("commitment-not-found");
    // Credit moves only in the ledger: a party's word would count a payment twice, or one never made.
    if (c.reciprocal && a.reciprocity === "credit") return fail("paid-by-ledger");
    const id = newId();
    const applied = await applyEvent(
      trx,
      ctx.origin,
      {
        id,
        uri: economicEventUri(ctx.origin, id),
        agreementId: a.id,
        commitmentId: c.id,
        action: input.action ?? c.action,
        quantity: input.quantity,
        note: input.note,
        recordedByUri: acting.agentUri,
        occurredAt: now,
        announce: true,
      },
      now,
    );
    return ok(applied);
  });
}

/** What an EconomicEvent from the other party's node says (federation/economy/parse.ts). */
export interface ReceivedEvent {
  uri: string;
  actorUri: string;
  /** The commitment it fulfils (`${agreementUri}#primary` or `#reciprocal`). */
  fulfils: string;
  action: EconAction;
  quantity: number;
  note: string;
  occurredAt: string;
}

/** The other party recorded an event on an agreement we hold: apply it here too. */
export async function receiveEconomicEvent(
  ctx: AgreementsContext,
  input: ReceivedEvent,
): Promise<Result<{ id: string; fulfilled: boolean }, FulfilProblem>> {
  if (input.quantity <= 0 || input.quantity > MAX_QUANTITY) return fail("bad-quantity");
  const now = ctx.clock.now().toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    const seen = await trx
      .selectFrom("econ_events")
      .select("id")
      .where("uri", "=", input.uri)
      .executeTakeFirst();
    if (seen) return fail("duplicate");
    const c = await trx
      .selectFrom("econ_commitments")
      .innerJoin("econ_agreements", "econ_agreements.id", "econ_commitments.agreement_id")
      .select([
        "econ_commitments.id as commitmentId",
        "econ_commitments.reciprocal",
        "econ_agreements.id as agreementId",
        "econ_agreements.status",
        "econ_agreements.proposer_uri",
        "econ_agreements.responder_uri",
      ])
      .where("econ_commitments.uri", "=", input.fulfils)
      .executeTakeFirst();
    if (!c) return fail("commitment-not-found");
    // Only the other party's node speaks for it, and never for an agent of ours.
    const parties = [c.proposer_uri, c.responder_uri];
    if (!parties.includes(input.actorUri) || isLocalAgent(ctx.origin, input.actorUri))
      return fail("not-allowed");
    if (!(c.reciprocal ? canPay(c.status) : canFulfil(c.status))) return fail("not-accepted");
    const applied = await applyEvent(
      trx,
      ctx.origin,
      {
        uri: input.uri,
        agreementId: c.agreementId,
        commitmentId: c.commitmentId,
        action: input.action,
        quantity: input.quantity,
        note: input.note.slice(0, MAX_NOTE),
        recordedByUri: input.actorUri,
        occurredAt: input.occurredAt,
        announce: false,
      },
      now,
    );
    return ok(applied);
  });
}

/**
 * The ledger here paid a credit agreement (credit/settle.ts, in the caller's
 * transaction with the agreement's transfer_id): the payment fulfils what is
 * given in return. Our party records it (this node saw the ledger's journal)
 * and it is told to the other party's node as any event. Only the part still
 * open is recorded, so a settlement seen twice counts once.
 */
export async function recordLedgerPayment(
  trx: Kysely<Schema>,
  origin: string,
  input: { agreementId: string; amount: number; note: string; now: string },
): Promise<{ id: string } | null> {
  const c = await trx
    .selectFrom("econ_commitments as c")
    .innerJoin("econ_agreements as a", "a.id", "c.agreement_id")
    .select(["c.id", "c.quantity", "c.fulfilled", "a.proposer_uri", "a.responder_uri"])
    .where("c.agreement_id", "=", input.agreementId)
    .where("c.reciprocal", "=", 1)
    .executeTakeFirst();
  if (!c) return null;
  const quantity = Math.min(input.amount, c.quantity - c.fulfilled);
  const ours = [c.proposer_uri, c.responder_uri].find((uri) => isLocalAgent(origin, uri));
  if (quantity <= 0 || !ours) return null;
  const id = newId();
  await applyEvent(
    trx,
    origin,
    {
      id,
      uri: economicEventUri(origin, id),
      agreementId: input.agreementId,
      commitmentId: c.id,
      action: "transfer",
      quantity,
      note: input.note.slice(0, MAX_NOTE),
      recordedByUri: ours,
      occurredAt: input.now,
      announce: true,
    },
    input.now,
  );
  return { id };
}
