/**
 * The ledger's inbox (docs/economy.md, "Mutual credit"): an Offer from a member
 * co-op, addressed to a federation Group hosted here that runs a ledger, whose
 * object is a CreditTransfer (fetched from its id, signed by this node, so only
 * the co-op's node can say what it asks). The Offer is the payer's signature:
 * its actor must be the transfer's payer. The transfer is posted as any other
 * (limits, membership) with the Offer's id as the payer's activity; a refusal
 * is kept with its reason. Whatever is refused is skipped with a log line and
 * changes nothing.
 *
 * The ledger answers the payer's node (answer.ts): the Group's Accept of the
 * Offer when the transfer is in the journal, its Reject (with the reason) when
 * it was refused or cannot be posted. A repeated Offer is answered from the
 * transfer it already made.
 */
import type { InboxContext } from "@fedify/fedify";
import { type Activity, Offer } from "@fedify/vocab";
import { getLogger } from "@logtape/logtape";
import { ledgerOfGroup, ledgerUriOf } from "../../economy/credit/ledgers.ts";
import { postTransfer } from "../../economy/credit/transfers.ts";
import { findGroup, type Group } from "../../groups/groups.ts";
import { groupPrefix, groupUri } from "../../kernel/uris.ts";
import { type FederationDeps, socialContext } from "../deps.ts";
import { signedLoader } from "../lookup.ts";
import { answerPayer } from "./answer.ts";
import { parseTransferRequest } from "./parse-request.ts";

const logger = getLogger(["synco", "federation", "credit"]);

function skip(activity: Activity, why: string): void {
  logger.info("Skipping {id}: {why}", { id: activity.id?.href ?? "(no id)", why });
}

export function creditInbox(deps: FederationDeps) {
  const { db } = deps.db;
  const origin = deps.config.origin;
  const claimed = new WeakMap<
    Activity,
    { document: unknown; ledgerId: string; ledgerUri: string; group: Group }
  >();

  async function claims(ctx: InboxContext<void>, activity: Activity): Promise<boolean> {
    if (!(activity instanceof Offer) || !activity.objectId || !activity.actorId) return false;
    if (activity.actorId.origin === new URL(origin).origin) return false;
    // Addressed to a Group here that runs a ledger: only then is the object fetched.
    for (const to of activity.toIds) {
      if (!to.href.startsWith(groupPrefix(origin))) continue;
      const group = await findGroup(db, to.href.slice(groupPrefix(origin).length));
      const ledger = group && (await ledgerOfGroup(db, group.id));
      if (!group || !ledger) continue;
      const loader = await signedLoader(ctx);
      const document = (await loader(activity.objectId.href).catch(() => null))?.document ?? null;
      const type =
        document && typeof document === "object" ? (document as { type?: unknown }).type : null;
      if (type !== "CreditTransfer") return false;
      claimed.set(activity, {
        document,
        ledgerId: ledger.id,
        ledgerUri: ledgerUriOf(groupUri(origin, group.name)),
        group,
      });
      return true;
    }
    return false;
  }

  async function handle(ctx: InboxContext<void>, activity: Activity): Promise<void> {
    const what = claimed.get(activity);
    if (!what || !activity.id) return skip(activity, "not a credit transfer for a ledger here");
    const parsed = parseTransferRequest(what.document, activity.objectId?.href ?? "");
    if (!parsed.ok) return skip(activity, `the CreditTransfer is refused: ${parsed.reason}`);
    const r = parsed.value;
    if (r.payer !== activity.actorId?.href)
      return skip(activity, "only the payer offers its credit");
    if (r.ledger !== what.ledgerUri) return skip(activity, "the transfer names another ledger");
    const answer = (outcome: { transferUri: string | null; reason: string | null }) =>
      answerPayer(ctx, deps, what.group, {
        ...outcome,
        offerUri: activity.id?.href ?? "",
        payer: r.payer,
      });
    const before = await db
      .selectFrom("credit_transfers")
      .select(["uri", "status", "refused_reason"])
      .where("payer_activity_uri", "=", activity.id.href)
      .executeTakeFirst();
    if (before)
      return answer({
        transferUri: before.uri,
        reason: before.status === "refused" ? (before.refused_reason ?? "refused") : null,
      });
    const posted = await postTransfer(socialContext(deps), {
      ledgerId: what.ledgerId,
      payerUri: r.payer,
      payeeUri: r.payee,
      amount: r.amount,
      memo: r.memo,
      agreementUri: r.agreement,
      payerActivityUri: activity.id.href,
      payeeActivityUri: r.payeeActivity,
    });
    logger.info("Credit transfer {uri} from {coop}: {result}", {
      uri: r.uri,
      coop: r.payer,
      result: posted.ok ? `${posted.value.status} ${posted.value.reason ?? ""}` : posted.reason,
    });
    await answer(
      posted.ok
        ? { transferUri: posted.value.uri, reason: posted.value.reason ?? null }
        : { transferUri: null, reason: posted.reason },
    );
  }

  return { claims, handle };
}
