/**
 * The mutual-credit ledger's federation (docs/economy.md, "Mutual credit"),
 * plugged in through the extension points (federation/extensions.ts): the
 * settlement of fulfilled credit agreements and this co-op's transfer requests
 * (relay-handlers.ts), and, on the ledger's node, Offers of CreditTransfers
 * from member co-ops (inbox.ts), answered to the payer (answer.ts); on the
 * payer's node, those answers (payer-answers.ts). The journal itself is
 * served by serve.ts.
 */
import { Accept, Offer, Reject } from "@fedify/vocab";
import { agreementEvents } from "../../economy/agreements/events.ts";
import { creditEvents } from "../../economy/credit/events.ts";
import { type AreaExtension, areaExtension, perDeps } from "../extensions.ts";
import { creditInbox } from "./inbox.ts";
import { payerAnswers } from "./payer-answers.ts";
import { creditEventHandlers } from "./relay-handlers.ts";

const inboxFor = perDeps(creditInbox);
const answersFor = perDeps(payerAnswers);

export const creditExtension: AreaExtension = areaExtension({
  area: "credit",
  events: {
    ...creditEvents,
    "economy.agreement.fulfilled": agreementEvents["economy.agreement.fulfilled"],
  },
  eventHandlers: creditEventHandlers,
  inbox: [
    {
      types: [Offer],
      claims: (ctx, activity, deps) => inboxFor(deps).claims(ctx, activity),
      handle: (ctx, activity, deps) => inboxFor(deps).handle(ctx, activity),
    },
    {
      types: [Accept, Reject],
      claims: (ctx, activity, deps) => answersFor(deps).claims(ctx, activity),
      handle: (ctx, activity, deps) => answersFor(deps).handle(ctx, activity),
    },
  ],
});
