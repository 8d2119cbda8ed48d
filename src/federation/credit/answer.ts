/**
 * The ledger's answer to a co-op that asked it for a transfer (docs/economy.md,
 * "Mutual credit"): the federation Group's Accept of the payer's Offer, its
 * `result` the transfer in the journal; or its Reject, `content` the reason
 * (a limit, not a member, already settled…). Sent to the payer's co-op, whose
 * node records the outcome on its request and, for a settlement, the payment
 * as what was given in return (payer-answers.ts). The answer's id derives from
 * the Offer, so a repeated answer is a repeat.
 */
import type { InboxContext } from "@fedify/fedify";
import { Accept, Reject } from "@fedify/vocab";
import { getLogger } from "@logtape/logtape";
import type { Group } from "../../groups/groups.ts";
import { recipientOf } from "../audience.ts";
import type { FederationDeps } from "../deps.ts";
import { groupSender, groupUrls } from "../groups/actor.ts";
import { findRemoteActor } from "../remote-actors.ts";

const logger = getLogger(["synco", "federation", "credit"]);

/** The answer's id: under the Group, named by the Offer it answers. */
export const answerIdOf = (origin: string, group: string, offerUri: string) =>
  `${groupUrls(origin, group).id}/credit-answers/${encodeURIComponent(offerUri)}`;

export async function answerPayer(
  ctx: InboxContext<void>,
  deps: FederationDeps,
  group: Group,
  outcome: { offerUri: string; payer: string; transferUri: string | null; reason: string | null },
): Promise<void> {
  const payer = await findRemoteActor(deps.db.db, { uri: outcome.payer });
  if (!payer) {
    logger.info("No answer to {offer}: the payer {payer} is not known here", {
      offer: outcome.offerUri,
      payer: outcome.payer,
    });
    return;
  }
  const urls = groupUrls(deps.config.origin, group.name);
  const common = {
    id: new URL(answerIdOf(deps.config.origin, group.name, outcome.offerUri)),
    actor: new URL(urls.id),
    object: new URL(outcome.offerUri),
    to: new URL(outcome.payer),
    ...(outcome.transferUri ? { result: new URL(outcome.transferUri) } : {}),
  };
  const activity =
    outcome.reason === null
      ? new Accept(common)
      : new Reject({ ...common, content: outcome.reason });
  await ctx.sendActivity(await groupSender(deps, group), recipientOf(payer), activity);
}
