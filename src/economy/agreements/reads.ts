/**
 * Reads of agreements, in fixed query counts: one agreement with its proposal's
 * name and unit, commitments, events and messages (four queries); the
 * agreements of a proposal or of a member's agents; an agent's stocks. Who may
 * see an agreement: its two parties (a member sees those of the agents they act
 * as) and the node's moderators (reports).
 */
import type { Selectable } from "kysely";
import type {
  EconAgreementsTable,
  EconCommitmentsTable,
  EconEventsTable,
  EconMessagesTable,
  EconResourcesTable,
} from "../../db/schema/economy.ts";
import type { AgreementsContext } from "./context.ts";

export type AgreementRow = Selectable<EconAgreementsTable> & {
  proposal_name: string;
  proposal_unit: string;
  proposal_purpose: "offer" | "request";
};

export interface AgreementView {
  agreement: AgreementRow;
  commitments: Selectable<EconCommitmentsTable>[];
  events: Selectable<EconEventsTable>[];
  messages: Selectable<EconMessagesTable>[];
}

export interface Viewer {
  /** The agents the member acts as (context.ts agentsOf). */
  agents: string[];
  role: "admin" | "moderator" | "member";
}

export const isParty = (a: { proposer_uri: string; responder_uri: string }, agents: string[]) =>
  agents.includes(a.proposer_uri) || agents.includes(a.responder_uri);

export const canSee = (a: { proposer_uri: string; responder_uri: string }, viewer: Viewer) =>
  isParty(a, viewer.agents) || viewer.role !== "member";

const withProposal = (ctx: AgreementsContext) =>
  ctx.db
    .selectFrom("econ_agreements")
    .innerJoin("econ_proposals", "econ_proposals.id", "econ_agreements.proposal_id")
    .selectAll("econ_agreements")
    .select([
      "econ_proposals.name as proposal_name",
      "econ_proposals.unit as proposal_unit",
      "econ_proposals.purpose as proposal_purpose",
    ]);

export async function agreementView(
  ctx: AgreementsContext,
  id: string,
): Promise<AgreementView | null> {
  const agreement = await withProposal(ctx).where("econ_agreements.id", "=", id).executeTakeFirst();
  if (!agreement) return null;
  const [commitments, events, messages] = await Promise.all([
    ctx.db
      .selectFrom("econ_commitments")
      .selectAll()
      .where("agreement_id", "=", id)
      .orderBy("reciprocal")
      .execute(),
    ctx.db
      .selectFrom("econ_events")
      .selectAll()
      .where("agreement_id", "=", id)
      .orderBy("occurred_at")
      .orderBy("id")
      .execute(),
    ctx.db
      .selectFrom("econ_messages")
      .selectAll()
      .where("agreement_id", "=", id)
      .orderBy("created_at")
      .orderBy("id")
      .limit(500)
      .execute(),
  ]);
  return { agreement, commitments, events, messages };
}

export const agreementByUri = (ctx: AgreementsContext, uri: string) =>
  withProposal(ctx).where("econ_agreements.uri", "=", uri).executeTakeFirst();

/**
 * The agreements on a proposal a viewer may see: all of them for its agent,
 * otherwise the viewer's own responses.
 */
export async function agreementsOnProposal(
  ctx: AgreementsContext,
  proposalId: string,
  viewer: Viewer,
): Promise<AgreementRow[]> {
  if (viewer.agents.length === 0) return [];
  const rows = await withProposal(ctx)
    .where("econ_agreements.proposal_id", "=", proposalId)
    .orderBy("econ_agreements.created_at", "desc")
    .limit(200)
    .execute();
  return rows.filter((a) => isParty(a, viewer.agents));
}

/** The agreements of the agents a member acts as, most recently changed first. */
export async function agreementsOf(
  ctx: AgreementsContext,
  agents: string[],
  options: { status?: string; limit?: number } = {},
): Promise<AgreementRow[]> {
  if (agents.length === 0) return [];
  let q = withProposal(ctx).where((eb) =>
    eb.or([
      eb("econ_agreements.proposer_uri", "in", agents),
      eb("econ_agreements.responder_uri", "in", agents),
    ]),
  );
  if (options.status)
    q = q.where("econ_agreements.status", "=", options.status as AgreementRow["status"]);
  return q
    .orderBy("econ_agreements.updated_at", "desc")
    .orderBy("econ_agreements.id", "desc")
    .limit(Math.min(options.limit ?? 50, 200))
    .execute();
}

/** An agent's stocks (resources this node keeps for it). */
export function stocksOf(
  ctx: AgreementsContext,
  ownerUri: string,
): Promise<Selectable<EconResourcesTable>[]> {
  return ctx.db
    .selectFrom("econ_resources")
    .selectAll()
    .where("owner_uri", "=", ownerUri)
    .orderBy("name")
    .execute();
}
