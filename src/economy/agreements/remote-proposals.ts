/**
 * Copies of proposals published on other nodes (FEP-0837 Create/Update(Proposal)
 * from their agent), kept so members here can browse and respond to them. Only
 * the proposal's agent (its `attributedTo`) may create, change or withdraw it.
 * The copy's `available` is the publisher's word; accepting is always decided on
 * the publisher's node.
 */

import type { EconAction, EconPurpose, EconReciprocity } from "../../db/schema/economy.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import { notifyWatchers } from "../market/watches.ts";
import type { AgreementsContext } from "./context.ts";

/** A Proposal document from another node, as parse.ts reads it. */
export interface RemoteProposal {
  uri: string;
  purpose: EconPurpose;
  agentUri: string;
  agentKind: "person" | "coop";
  groupUri: string | null;
  specUri: string;
  name: string;
  note: string;
  category: string;
  unit: string;
  quantity: number;
  available: number;
  minimum: number;
  placeName: string;
  latitude: number | null;
  longitude: number | null;
  availableFrom: string | null;
  availableUntil: string | null;
  reciprocity: EconReciprocity;
  unitPrice: number;
  currency: string;
  action: EconAction;
  published: string;
}

export type RemoteProposalProblem = "local-proposal" | "not-the-agent";

/** Keeps or refreshes the copy (the actor must be the proposal's agent). */
export async function receiveRemoteProposal(
  ctx: AgreementsContext,
  actorUri: string,
  p: RemoteProposal,
): Promise<Result<{ id: string; created: boolean }, RemoteProposalProblem>> {
  if (p.agentUri !== actorUri) return fail("not-the-agent");
  const now = ctx.clock.now().toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom("econ_proposals")
      .select(["id", "local", "agent_uri", "status"])
      .where("uri", "=", p.uri)
      .executeTakeFirst();
    if (existing?.local) return fail("local-proposal");
    if (existing && existing.agent_uri !== actorUri) return fail("not-the-agent");
    const values = {
      purpose: p.purpose,
      agent_uri: p.agentUri,
      agent_kind: p.agentKind,
      group_uri: p.groupUri,
      spec_uri: p.specUri,
      name: p.name,
      note: p.note,
      category: p.category,
      unit: p.unit,
      quantity: p.quantity,
      available: p.available,
      minimum: p.minimum,
      place_name: p.placeName,
      latitude: p.latitude,
      longitude: p.longitude,
      available_from: p.availableFrom,
      available_until: p.availableUntil,
      reciprocity: p.reciprocity,
      unit_price: p.unitPrice,
      currency: p.currency,
      action: p.action,
      updated_at: now,
    };
    if (existing) {
      // A moderator's hiding here outlasts the publisher's updates.
      const status = existing.status === "hidden" ? "hidden" : p.available > 0 ? "open" : "closed";
      await trx
        .updateTable("econ_proposals")
        .set({ ...values, status })
        .where("id", "=", existing.id)
        .execute();
      return ok({ id: existing.id, created: false });
    }
    const id = newId();
    await trx
      .insertInto("econ_proposals")
      .values({
        ...values,
        id,
        uri: p.uri,
        local: 0,
        account_id: null,
        spec_id: null,
        images: "[]",
        status: p.available > 0 ? "open" : "closed",
        published_at: p.published,
        created_at: now,
      })
      .execute();
    // Members watching its category hear of it as of a local one.
    await notifyWatchers(trx, ctx, {
      ...values,
      uri: p.uri,
      account_id: null,
      status: p.available > 0 ? "open" : "closed",
    });
    return ok({ id, created: true });
  });
}

/** The agent withdrew its proposal (Delete): the copy is kept, withdrawn, for its agreements. */
export async function withdrawRemoteProposal(
  ctx: AgreementsContext,
  actorUri: string,
  uri: string,
): Promise<Result<{ id: string }, RemoteProposalProblem>> {
  const p = await ctx.db
    .selectFrom("econ_proposals")
    .select(["id", "local", "agent_uri"])
    .where("uri", "=", uri)
    .executeTakeFirst();
  if (!p || p.local) return fail("local-proposal");
  if (p.agent_uri !== actorUri) return fail("not-the-agent");
  await ctx.db
    .updateTable("econ_proposals")
    .set({ status: "withdrawn", updated_at: ctx.clock.now().toISOString() })
    .where("id", "=", p.id)
    .execute();
  return ok({ id: p.id });
}
