/**
 * On the payer's node: the federation Group's Accept or Reject of an Offer
 * this co-op sent a ledger elsewhere (relay-handlers.ts). Claimed only when
 * the object is one of our requests' Offers and the actor is the very Group
 * the request was sent to; anything else is left to the other areas. The
 * outcome goes to economy/credit/answers.ts.
 */
import type { InboxContext } from "@fedify/fedify";
import { Accept, type Activity, Reject } from "@fedify/vocab";
import { getLogger } from "@logtape/logtape";
import { receiveLedgerAnswer } from "../../economy/credit/answers.ts";
import { type FederationDeps, socialContext } from "../deps.ts";

const logger = getLogger(["synco", "federation", "credit"]);

const MAX_REASON = 200;

export function payerAnswers(deps: FederationDeps) {
  const { db } = deps.db;
  const prefix = `${deps.config.origin}/credit-requests/`;
  const claimed = new WeakMap<Activity, string>();

  async function claims(_ctx: InboxContext<void>, activity: Activity): Promise<boolean> {
    if (!(activity instanceof Accept || activity instanceof Reject)) return false;
    const object = activity.objectId?.href ?? "";
    const m = object.startsWith(prefix)
      ? /^([^/?#]+)\/offer$/.exec(object.slice(prefix.length))
      : null;
    if (!m?.[1]) return false;
    const request = await db
      .selectFrom("credit_requests")
      .select(["id", "group_uri"])
      .where("id", "=", m[1])
      .executeTakeFirst();
    if (!request || request.group_uri !== activity.actorId?.href) return false;
    claimed.set(activity, request.id);
    return true;
  }

  async function handle(_ctx: InboxContext<void>, activity: Activity): Promise<void> {
    const requestId = claimed.get(activity);
    if (!requestId) return;
    const result = activity.resultId?.href ?? null;
    const answered = await receiveLedgerAnswer(socialContext(deps), {
      requestId,
      status: activity instanceof Accept ? "completed" : "refused",
      reason:
        activity instanceof Reject
          ? (activity.content?.toString() ?? "refused").slice(0, MAX_REASON)
          : null,
      transferUri: result && /^https?:\/\//.test(result) ? result : null,
    });
    logger.info("The ledger answered request {requestId}: {outcome}", {
      requestId,
      outcome: JSON.stringify(answered.ok ? answered.value : answered),
    });
  }

  return { claims, handle };
}
