/**
 * Outbox events of the mutual-credit ledger turned into work (docs/economy.md,
 * "Mutual credit"):
 * - `economy.agreement.fulfilled` (recorded by agreements): settles a credit
 *   agreement (economy/credit/settle.ts) — here if the group's ledger is here,
 *   else by recording the request the next event sends;
 * - `credit.transfer.requested`: this co-op's Offer of the CreditTransfer (by
 *   reference: the ledger's node fetches it, signed, from serve-requests.ts)
 *   to the federation's Group. The Offer's id derives from the request, so a
 *   re-relayed event is a repeat the ledger drops.
 */
import { Offer } from "@fedify/vocab";
import { getLogger } from "@logtape/logtape";
import type { agreementEvents } from "../../economy/agreements/events.ts";
import type { creditEvents } from "../../economy/credit/events.ts";
import { settleAgreement } from "../../economy/credit/settle.ts";
import { coopUri } from "../../kernel/uris.ts";
import { recipientOf } from "../audience.ts";
import { COOP, socialContext } from "../deps.ts";
import type { EventHandlers } from "../extensions.ts";
import { findRemoteActor } from "../remote-actors.ts";

const logger = getLogger(["synco", "federation", "credit"]);

export const offerIdOf = (requestUri: string) => `${requestUri}/offer`;

export const creditEventHandlers: EventHandlers<
  typeof creditEvents & Pick<typeof agreementEvents, "economy.agreement.fulfilled">
> = {
  async "economy.agreement.fulfilled"(_ctx, deps, _event, { agreementId }) {
    const settled = await settleAgreement(socialContext(deps), { agreementId });
    logger.info("Settling agreement {agreementId}: {outcome}", {
      agreementId,
      outcome: settled.ok ? JSON.stringify(settled.value) : settled.reason,
    });
  },

  async "credit.transfer.requested"(ctx, deps, _event, { requestId }) {
    const db = deps.db.db;
    const request = await db
      .selectFrom("credit_requests")
      .selectAll()
      .where("id", "=", requestId)
      .executeTakeFirst();
    if (!request) return;
    const group = await findRemoteActor(db, { uri: request.group_uri });
    // Thrown, so the relay retries: the co-op follows the Group, whose actor is fetched then.
    if (!group) throw new Error(`The federation ${request.group_uri} is not known here yet`);
    await ctx.sendActivity(
      { identifier: COOP },
      recipientOf(group),
      new Offer({
        id: new URL(offerIdOf(request.uri)),
        actor: new URL(coopUri(deps.config.origin)),
        object: new URL(request.uri),
        to: new URL(request.group_uri),
      }),
    );
  },
};
