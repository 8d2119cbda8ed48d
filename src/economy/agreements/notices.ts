/**
 * Notifications of agreements (docs/economy.md, Agreements): the member who
 * published a proposal here is told when someone offers an agreement on it
 * ("economy_agreement_offered"), and the member who responded from here is
 * told when the proposer elsewhere accepts or rejects it
 * ("economy_agreement_answered"). from_uri is the agreement's page here.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../../db/schema.ts";
import type { Clock } from "../../kernel/clock.ts";
import { notify } from "../../social/notifications.ts";

const agreementPage = (origin: string, id: string) => `${origin}/economy/agreements/${id}`;

/** On the proposer's node: an agreement was offered on a proposal published here. */
export async function tellProposer(
  trx: Kysely<Schema>,
  ctx: { origin: string; clock: Clock },
  proposal: { local: number; account_id: string | null },
  agreementId: string,
  responderAccountId: string | null,
): Promise<void> {
  // Not the member's own response (a member here responding for the co-op).
  if (!proposal.local || !proposal.account_id || proposal.account_id === responderAccountId) return;
  await notify(
    trx,
    {
      accountId: proposal.account_id,
      type: "economy_agreement_offered",
      fromUri: agreementPage(ctx.origin, agreementId),
    },
    ctx.clock,
  );
}

/** On the responder's node: the proposer elsewhere accepted or rejected the agreement. */
export async function tellResponder(
  trx: Kysely<Schema>,
  ctx: { origin: string; clock: Clock },
  agreement: { id: string; account_id: string | null },
): Promise<void> {
  if (!agreement.account_id) return;
  await notify(
    trx,
    {
      accountId: agreement.account_id,
      type: "economy_agreement_answered",
      fromUri: agreementPage(ctx.origin, agreement.id),
    },
    ctx.clock,
  );
}
