/**
 * The pure rules of agreements (no database): what an agreement on a proposal
 * commits each side to, its price, which quantities a responder may ask for,
 * and how an economic event moves the stocks of its provider and receiver.
 * Quantities are thousandths of the unit; money is minor units.
 */
import type {
  EconAction,
  EconAgreementStatus,
  EconPurpose,
  EconReciprocity,
} from "../../db/schema/economy.ts";

/** The most a single agreement, event or proposal quantity may be (10^12 thousandths). */
export const MAX_QUANTITY = 1_000_000_000_000;
export const MAX_NOTE = 2000;
export const MAX_MESSAGE = 5000;

export interface ProposalTerms {
  uri: string;
  purpose: EconPurpose;
  agentUri: string;
  specUri: string;
  unit: string;
  action: EconAction;
  available: number;
  minimum: number;
  reciprocity: EconReciprocity;
  unitPrice: number;
  currency: string;
}

export interface CommitmentTerms {
  reciprocal: boolean;
  action: EconAction;
  providerUri: string;
  receiverUri: string;
  specUri: string;
  unit: string;
  quantity: number;
}

/** Minor units for `quantity` thousandths at `unitPrice` per whole unit, rounded down. */
export const priceOf = (quantity: number, unitPrice: number) =>
  Math.floor((quantity * unitPrice) / 1000);

/** The resource a reciprocal payment conforms to: the currency, or the group's credit. */
export const paymentSpecUri = (reciprocity: EconReciprocity, currency: string) =>
  reciprocity === "credit"
    ? "https://w3id.org/valueflows/ont/vf#MutualCredit"
    : `urn:iso:std:iso:4217:${currency || "XXX"}`;

/**
 * Why a responder may not ask for `quantity`, or null. Less than the minimum is
 * refused unless it is all that is left.
 */
export function quantityProblem(
  terms: Pick<ProposalTerms, "available" | "minimum">,
  quantity: number,
): "bad-quantity" | "below-minimum" | "not-enough-available" | null {
  if (!Number.isSafeInteger(quantity) || quantity <= 0 || quantity > MAX_QUANTITY)
    return "bad-quantity";
  if (quantity > terms.available) return "not-enough-available";
  if (quantity < terms.minimum && quantity !== terms.available) return "below-minimum";
  return null;
}

/**
 * The commitments of an agreement: the primary one (the proposal's resource,
 * from whoever has it to whoever needs it) and, unless it is a gift, the
 * reciprocal payment the other way.
 */
export function commitmentsFor(
  terms: ProposalTerms,
  responderUri: string,
  quantity: number,
): CommitmentTerms[] {
  const offer = terms.purpose === "offer";
  const provider = offer ? terms.agentUri : responderUri;
  const receiver = offer ? responderUri : terms.agentUri;
  const primary: CommitmentTerms = {
    reciprocal: false,
    action: terms.action,
    providerUri: provider,
    receiverUri: receiver,
    specUri: terms.specUri,
    unit: terms.unit,
    quantity,
  };
  if (terms.reciprocity === "gift") return [primary];
  return [
    primary,
    {
      reciprocal: true,
      action: "transfer",
      providerUri: receiver,
      receiverUri: provider,
      specUri: paymentSpecUri(terms.reciprocity, terms.currency),
      unit: terms.reciprocity === "credit" ? "credit" : terms.currency || "XXX",
      quantity: priceOf(quantity, terms.unitPrice),
    },
  ];
}

/**
 * How an event changes stocks: a transfer moves the resource from provider to
 * receiver; producing adds to the provider's, consuming takes from it; services
 * and work leave no stock.
 */
export function stockDeltas(
  action: EconAction,
  providerUri: string,
  receiverUri: string,
  quantity: number,
): { ownerUri: string; delta: number }[] {
  switch (action) {
    case "transfer":
      return [
        { ownerUri: providerUri, delta: -quantity },
        { ownerUri: receiverUri, delta: quantity },
      ];
    case "produce":
      return [{ ownerUri: providerUri, delta: quantity }];
    case "consume":
      return [{ ownerUri: providerUri, delta: -quantity }];
    default:
      return [];
  }
}

/** The statuses from which each change may happen. */
export const canAnswer = (status: EconAgreementStatus) => status === "offered";
export const canFulfil = (status: EconAgreementStatus) => status === "accepted";
/**
 * A payment may follow the delivery: a credit agreement is paid by the ledger
 * once it is fulfilled (credit/settle.ts), so what is given in return may be
 * recorded on a fulfilled agreement too.
 */
export const canPay = (status: EconAgreementStatus) =>
  status === "accepted" || status === "fulfilled";
export const canTalk = (status: EconAgreementStatus) => status !== "cancelled";

/** Quantities to and from text: "2.5" ⇄ 2500 thousandths (at most three decimals). */
export function parseQuantity(text: string): number | null {
  const m = /^\s*(\d{1,13})(?:[.,](\d{1,3}))?\s*$/.exec(text);
  if (!m) return null;
  const value = Number(m[1]) * 1000 + Number((m[2] ?? "").padEnd(3, "0"));
  return Number.isSafeInteger(value) ? value : null;
}
export function formatQuantity(thousandths: number): string {
  const whole = Math.trunc(thousandths / 1000);
  const rest = Math.abs(thousandths % 1000);
  const sign = thousandths < 0 && whole === 0 ? "-" : "";
  return rest === 0
    ? `${sign}${whole}`
    : `${sign}${whole}.${String(rest).padStart(3, "0").replace(/0+$/, "")}`;
}
