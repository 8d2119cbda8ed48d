/**
 * Offers and needs (ValueFlows Proposals with their primary Intent): a member
 * publishes one as themself or, with a role in the assembly, as the co-op; its
 * author (or, for the co-op's, whoever speaks for it) edits, closes, reopens or
 * withdraws it. Quantities are thousandths; what agreements already took
 * (quantity − available) stays taken when the quantity is edited, and the
 * proposal row is locked while it is read and rewritten, as agreements lock it
 * to decrement `available`. Every change records an outbox event for the
 * federation (economy.proposal.*); a new one tells the members watching its
 * category (watches.ts).
 */
import type { Kysely } from "kysely";
import { recordEvent } from "../../db/outbox.ts";
import type { Schema } from "../../db/schema.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import { econProposalUri } from "../../kernel/uris.ts";
import { ledgerByUri, ledgerUriOf } from "../credit/ledgers.ts";
import type { MarketActor, MarketContext } from "./context.ts";
import { forUpdate } from "./locking.ts";
import {
  agentOf,
  federationByUri,
  isActiveMember,
  moderatesMarket,
  speaksForCoop,
} from "./publishing.ts";
import type { Proposal } from "./reads.ts";
import { type ParsedProposal, proposalSchema } from "./rules.ts";
import { unitById } from "./units.ts";
import { notifyWatchers } from "./watches.ts";

/** Open or closed proposals one member may have at once (the co-op's count for the co-op). */
export const MAX_LIVE_PROPOSALS = 200;

export type PublishProblem =
  | "invalid"
  | "forbidden"
  | "unknown-group"
  | "unknown-spec"
  | "too-many";

/** The catalogue entry, group and images of a proposal, checked; the columns they give. */
async function resolve(
  trx: Kysely<Schema>,
  ctx: MarketContext,
  actor: MarketActor,
  p: ParsedProposal,
): Promise<Result<Resolved, PublishProblem>> {
  let groupUri = p.groupUri;
  if (groupUri && !(await federationByUri({ db: trx, origin: ctx.origin }, groupUri)))
    return fail("unknown-group");
  if (!(await ownImages(trx, actor.accountId, p.images))) return fail("invalid");
  const currency = await currencyOf(trx, p, groupUri);
  if (!p.specId)
    return ok({ groupUri, specId: null, specUri: null, category: p.category, currency });
  const spec = await trx
    .selectFrom("econ_specs")
    .select(["id", "uri", "group_uri", "category", "status"])
    .where("id", "=", p.specId)
    .executeTakeFirst();
  if (spec?.status !== "accepted") return fail("unknown-spec");
  if (groupUri && groupUri !== spec.group_uri) return fail("unknown-spec");
  groupUri = spec.group_uri;
  return ok({
    groupUri,
    specId: spec.id,
    specUri: spec.uri,
    category: spec.category,
    currency: await currencyOf(trx, p, groupUri),
  });
}

/**
 * Credit is counted in the unit its federation's ledger names: when that ledger
 * is kept here its unit wins over what was typed; a gift has no currency.
 */
async function currencyOf(trx: Kysely<Schema>, p: ParsedProposal, groupUri: string | null) {
  if (p.reciprocity === "gift") return "";
  if (p.reciprocity !== "credit" || !groupUri) return p.currency;
  const ledger = await ledgerByUri(trx, ledgerUriOf(groupUri));
  return ledger?.unit ?? p.currency;
}

/** Are these images uploads of the member (nobody shows someone else's upload by its id)? */
async function ownImages(trx: Kysely<Schema>, ownerId: string, images: { mediaId: string }[]) {
  if (images.length === 0) return true;
  const ids = [...new Set(images.map((i) => i.mediaId))];
  if (ids.length !== images.length) return false;
  const rows = await trx
    .selectFrom("uploads")
    .select("id")
    .where("id", "in", ids)
    .where("owner_id", "=", ownerId)
    .execute();
  return rows.length === ids.length;
}

interface Resolved {
  groupUri: string | null;
  specId: string | null;
  specUri: string | null;
  category: string;
  currency: string;
}

/** The columns an input writes (shared by publish and edit). */
function columns(p: ParsedProposal, r: Resolved) {
  return {
    purpose: p.purpose,
    group_uri: r.groupUri,
    spec_id: r.specId,
    name: p.name,
    note: p.note,
    category: r.category,
    unit: p.unit,
    minimum: p.minimum,
    hours_per_unit: p.hoursPerUnit,
    place_name: p.placeName,
    latitude: p.latitude,
    longitude: p.longitude,
    available_from: p.availableFrom,
    available_until: p.availableUntil,
    reciprocity: p.reciprocity,
    unit_price: p.unitPrice,
    currency: r.currency,
    // Time and work are delivered as a service; goods are transferred (ValueFlows actions).
    action: unitById(p.unit)?.service ? ("deliverService" as const) : ("transfer" as const),
    images: JSON.stringify(p.images),
  };
}

/** A member publishes an offer or a need, as themself or for the co-op. */
export async function publishProposal(
  ctx: MarketContext,
  actor: MarketActor,
  input: unknown,
): Promise<Result<{ id: string; uri: string }, PublishProblem>> {
  const parsed = proposalSchema.safeParse(input);
  if (!parsed.success) return fail("invalid");
  const p = parsed.data;
  return ctx.db.transaction().execute(async (trx) => {
    const c = { db: trx, origin: ctx.origin };
    if (!(await isActiveMember(c, actor))) return fail("forbidden" as const);
    if (p.asCoop && !(await speaksForCoop(c, actor))) return fail("forbidden" as const);
    const resolved = await resolve(trx, ctx, actor, p);
    if (!resolved.ok) return resolved;
    const agent = agentOf(ctx.origin, actor, p.asCoop);
    const live = await trx
      .selectFrom("econ_proposals")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("agent_uri", "=", agent.uri)
      .where("local", "=", 1)
      .where("status", "in", ["open", "closed"])
      .executeTakeFirstOrThrow();
    if (Number(live.n) >= MAX_LIVE_PROPOSALS) return fail("too-many" as const);
    const id = newId();
    const uri = econProposalUri(ctx.origin, id);
    const at = ctx.clock.now().toISOString();
    const row = {
      id,
      uri,
      local: 1,
      agent_uri: agent.uri,
      agent_kind: agent.kind,
      account_id: actor.accountId,
      // A resource named only here is described by the proposal itself.
      spec_uri: resolved.value.specUri ?? `${uri}#resource`,
      quantity: p.quantity,
      available: p.quantity,
      status: "open" as const,
      published_at: at,
      created_at: at,
      updated_at: at,
      ...columns(p, resolved.value),
    };
    await trx.insertInto("econ_proposals").values(row).execute();
    await recordEvent(trx, { type: "economy.proposal.created", payload: { proposalId: id } });
    await notifyWatchers(trx, ctx, row);
    return ok({ id, uri });
  });
}

export type EditProblem = PublishProblem | "not-found" | "wrong-status";

/** The proposal (locked) if the actor may change it: its author, or for the co-op's, who speaks for it. */
async function ownProposal(
  trx: Kysely<Schema>,
  ctx: MarketContext,
  actor: MarketActor,
  id: string,
): Promise<Result<Proposal, "not-found" | "forbidden">> {
  const row = await trx
    .selectFrom("econ_proposals")
    .selectAll()
    .where("id", "=", id)
    .$call(forUpdate(trx))
    .executeTakeFirst();
  if (!row?.local) return fail("not-found");
  const c = { db: trx, origin: ctx.origin };
  const mine =
    row.agent_kind === "coop"
      ? await speaksForCoop(c, actor)
      : row.agent_uri === actor.uri && (await isActiveMember(c, actor));
  return mine ? ok(row) : fail("forbidden");
}

/** The author edits a proposal that is open or closed; what agreements took stays taken. */
export async function editProposal(
  ctx: MarketContext,
  actor: MarketActor,
  input: { proposalId: string; proposal: unknown },
): Promise<Result<{ id: string }, EditProblem>> {
  const parsed = proposalSchema.safeParse(input.proposal);
  if (!parsed.success) return fail("invalid");
  const p = parsed.data;
  return ctx.db.transaction().execute(async (trx) => {
    const found = await ownProposal(trx, ctx, actor, input.proposalId);
    if (!found.ok) return found;
    const row = found.value;
    if (row.status !== "open" && row.status !== "closed") return fail("wrong-status" as const);
    // Who publishes it (member or co-op) is fixed once published: agreements name that agent.
    if (p.asCoop !== (row.agent_kind === "coop")) return fail("invalid" as const);
    const resolved = await resolve(trx, ctx, actor, p);
    if (!resolved.ok) return resolved;
    const taken = Number(row.quantity) - Number(row.available);
    if (p.quantity < taken) return fail("invalid" as const);
    await trx
      .updateTable("econ_proposals")
      .set({
        ...columns(p, resolved.value),
        spec_uri: resolved.value.specUri ?? `${row.uri}#resource`,
        quantity: p.quantity,
        available: p.quantity - taken,
        updated_at: ctx.clock.now().toISOString(),
      })
      .where("id", "=", row.id)
      .execute();
    await recordEvent(trx, { type: "economy.proposal.updated", payload: { proposalId: row.id } });
    return ok({ id: row.id });
  });
}

export type StatusChange = "close" | "reopen" | "withdraw";

/** Close (no more agreements), reopen, or withdraw (gone from the marketplace and its copies). */
export async function changeProposalStatus(
  ctx: MarketContext,
  actor: MarketActor,
  input: { proposalId: string; change: StatusChange },
): Promise<Result<{ id: string }, "not-found" | "forbidden" | "wrong-status">> {
  return ctx.db.transaction().execute(async (trx) => {
    const found = await ownProposal(trx, ctx, actor, input.proposalId);
    if (!found.ok) return found;
    const row = found.value;
    const to = { close: "closed", reopen: "open", withdraw: "withdrawn" }[
      input.change
    ] as Proposal["status"];
    const from: Proposal["status"][] =
      input.change === "close"
        ? ["open"]
        : input.change === "reopen"
          ? ["closed"]
          : ["open", "closed"];
    if (!from.includes(row.status)) return fail("wrong-status" as const);
    await trx
      .updateTable("econ_proposals")
      .set({ status: to, updated_at: ctx.clock.now().toISOString() })
      .where("id", "=", row.id)
      .execute();
    await recordEvent(trx, {
      type: input.change === "withdraw" ? "economy.proposal.deleted" : "economy.proposal.updated",
      payload: { proposalId: row.id },
    });
    return ok({ id: row.id });
  });
}

/** May the actor change this proposal (for pages deciding which buttons to show)? */
export async function canChange(ctx: MarketContext, actor: MarketActor, row: Proposal) {
  if (!row.local) return false;
  const c = { db: ctx.db, origin: ctx.origin };
  return row.agent_kind === "coop"
    ? speaksForCoop(c, actor)
    : row.agent_uri === actor.uri && isActiveMember(c, actor);
}

export { moderatesMarket };
