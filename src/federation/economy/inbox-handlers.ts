/**
 * The economy's inbox (FEP-0837). Offered an activity before groups and social
 * (federation-gateway.ts), it claims only:
 * - Create/Update(Proposal) and Delete of a proposal copy kept here: by the
 *   proposal's agent (`attributedTo` = actor, same origin as the proposal);
 * - Offer(Agreement): for a proposal published here, by the responder;
 * - Accept/Reject/Undo whose object is an Offer we know (by its id): by the
 *   party whose answer it is (checked in answers.ts);
 * - Create whose `context` is an agreement we hold: an EconomicEvent (fetched
 *   from its id, signed) or a message Note, by one of its parties;
 * - Flag naming a proposal published here: a report forwarded by another node
 *   (reports.ts).
 * Whatever is refused is skipped with a log line and changes nothing; an event
 * that arrives before the Accept it depends on is refused with an error, so the
 * sender retries it.
 */
import type { InboxContext } from "@fedify/fedify";
import {
  Accept,
  type Activity,
  Agreement,
  Create,
  Delete,
  Flag,
  Note,
  Offer,
  Organization,
  Proposal,
  Reject,
  Undo,
  Update,
} from "@fedify/vocab";
import { getLogger } from "@logtape/logtape";
import { receiveAnswer } from "../../economy/agreements/answers.ts";
import type { AgreementsContext } from "../../economy/agreements/context.ts";
import { receiveEconomicEvent } from "../../economy/agreements/fulfilment.ts";
import { receiveMessage } from "../../economy/agreements/messages.ts";
import { receiveOffer } from "../../economy/agreements/offers.ts";
import {
  receiveRemoteProposal,
  withdrawRemoteProposal,
} from "../../economy/agreements/remote-proposals.ts";
import type { FederationDeps } from "../deps.ts";
import { signedLoader } from "../lookup.ts";
import {
  parseAnswer,
  parseEconomicEvent,
  parseOffer,
  parseProposal,
  plainActivity,
  textOf,
} from "./parse.ts";
import { onProposalFlag, reportedProposal } from "./reports.ts";

const logger = getLogger(["synco", "federation", "economy"]);

function skip(activity: Activity, why: string): void {
  logger.info("Skipping {id}: {why}", { id: activity.id?.href ?? "(no id)", why });
}

type Claimed =
  | { kind: "proposal"; proposal: Proposal }
  | { kind: "withdrawal"; uri: string }
  | { kind: "offer" }
  | { kind: "answer" }
  | { kind: "thread"; agreementUri: string }
  | { kind: "report"; proposalUri: string };

const sameOrigin = (a: string | undefined, b: string | undefined) =>
  !!a && !!b && URL.canParse(a) && URL.canParse(b) && new URL(a).origin === new URL(b).origin;

export function economyInbox(deps: FederationDeps) {
  const { db } = deps.db;
  const ctxOf = (): AgreementsContext => ({ db, origin: deps.config.origin, clock: deps.clock });
  const claimed = new WeakMap<Activity, Claimed>();
  const ours = (uri: string) => sameOrigin(uri, deps.config.origin);

  async function knownOffer(uri: string | undefined) {
    if (!uri) return false;
    return !!(await db
      .selectFrom("econ_agreements")
      .select("id")
      .where("offer_activity_uri", "=", uri)
      .executeTakeFirst());
  }

  async function claims(ctx: InboxContext<void>, activity: Activity): Promise<boolean> {
    const actor = activity.actorId?.href;
    if (!actor || ours(actor)) return false;
    if (activity instanceof Flag) {
      const proposalUri = await reportedProposal(deps, activity);
      if (!proposalUri) return false;
      claimed.set(activity, { kind: "report", proposalUri });
      return true;
    }
    if (activity instanceof Accept || activity instanceof Reject || activity instanceof Undo) {
      if (!(await knownOffer(activity.objectId?.href))) return false;
      claimed.set(activity, { kind: "answer" });
      return true;
    }
    const loader = await signedLoader(ctx);
    if (activity instanceof Offer) {
      const object = await activity
        .getObject({ documentLoader: loader, suppressError: true })
        .catch(() => null);
      if (!(object instanceof Agreement)) return false;
      claimed.set(activity, { kind: "offer" });
      return true;
    }
    if (activity instanceof Delete) {
      const uri = activity.objectId?.href;
      if (!uri) return false;
      const copy = await db
        .selectFrom("econ_proposals")
        .select("id")
        .where("uri", "=", uri)
        .where("local", "=", 0)
        .executeTakeFirst();
      if (!copy) return false;
      claimed.set(activity, { kind: "withdrawal", uri });
      return true;
    }
    if (!(activity instanceof Create || activity instanceof Update)) return false;
    // Messages and events name the agreement as the activity's context.
    for (const context of activity.contextIds) {
      const a = await db
        .selectFrom("econ_agreements")
        .select("uri")
        .where("uri", "=", context.href)
        .executeTakeFirst();
      if (a && activity instanceof Create) {
        claimed.set(activity, { kind: "thread", agreementUri: a.uri });
        return true;
      }
    }
    const object = await activity
      .getObject({ documentLoader: loader, suppressError: true })
      .catch(() => null);
    if (!(object instanceof Proposal)) return false;
    claimed.set(activity, { kind: "proposal", proposal: object });
    return true;
  }

  async function onProposal(ctx: InboxContext<void>, activity: Activity, proposal: Proposal) {
    const actor = await activity
      .getActor({ documentLoader: await signedLoader(ctx), suppressError: true })
      .catch(() => null);
    const parsed = parseProposal(
      await proposal.toJsonLd(),
      actor instanceof Organization ? "coop" : "person",
    );
    if (!parsed.ok) return skip(activity, `the Proposal is refused: ${parsed.reason}`);
    if (!sameOrigin(parsed.value.uri, activity.actorId?.href))
      return skip(activity, "a proposal from another server than its agent's");
    const kept = await receiveRemoteProposal(ctxOf(), activity.actorId?.href ?? "", parsed.value);
    if (!kept.ok) skip(activity, `the proposal is not kept: ${kept.reason}`);
  }

  async function onOffer(ctx: InboxContext<void>, activity: Offer) {
    const parsed = parseOffer(await plainActivity(activity, await signedLoader(ctx)));
    if (!parsed.ok) return skip(activity, `the Offer is refused: ${parsed.reason}`);
    const { actorUri, ...offer } = parsed.value;
    if (offer.agreementUri && !sameOrigin(offer.agreementUri, actorUri))
      return skip(activity, "an agreement named on another server than the responder's");
    const r = await receiveOffer(ctxOf(), { ...offer, responderUri: actorUri });
    logger.info("Offer {id}: {result}", {
      id: offer.offerActivityUri,
      result: r.ok ? "kept" : r.reason,
    });
  }

  async function onAnswer(ctx: InboxContext<void>, activity: Activity) {
    const actorUri = activity.actorId?.href ?? "";
    let input: Parameters<typeof receiveAnswer>[1];
    if (activity instanceof Undo) {
      input = {
        offerActivityUri: activity.objectId?.href ?? "",
        answerActivityUri: activity.id?.href ?? "",
        actorUri,
        status: "cancelled",
        finalUri: null,
        reason: "",
      };
    } else {
      const parsed = parseAnswer(await plainActivity(activity, await signedLoader(ctx)));
      if (!parsed.ok) return skip(activity, `the answer is refused: ${parsed.reason}`);
      // The finalized agreement keeps our id, or takes one on the proposer's server.
      const final = parsed.value.finalUri;
      if (final && !sameOrigin(final, actorUri) && !ours(final))
        return skip(activity, "a finalized agreement named on a third server");
      input = {
        offerActivityUri: parsed.value.offerUri,
        answerActivityUri: parsed.value.id,
        actorUri,
        status: parsed.value.kind === "Accept" ? "accepted" : "rejected",
        finalUri: parsed.value.finalUri,
        reason: parsed.value.reason,
      };
    }
    const r = await receiveAnswer(ctxOf(), input);
    if (!r.ok) skip(activity, `the answer is refused: ${r.reason}`);
  }

  async function onThread(ctx: InboxContext<void>, activity: Create, agreementUri: string) {
    const actorUri = activity.actorId?.href ?? "";
    const loader = await signedLoader(ctx);
    const objectId = activity.objectId?.href;
    if (!objectId || !sameOrigin(objectId, actorUri))
      return skip(activity, "an object from another server than its actor's");
    const object = await activity
      .getObject({ documentLoader: loader, suppressError: true })
      .catch(() => null);
    if (object instanceof Note) {
      if (object.attributionId?.href !== actorUri) return skip(activity, "not the author's");
      const r = await receiveMessage(ctxOf(), {
        uri: objectId,
        agreementUri,
        authorUri: actorUri,
        body: textOf(object.content?.toString() ?? ""),
        published: object.published?.toString() ?? deps.clock.now().toISOString(),
      });
      if (!r.ok) skip(activity, `the message is refused: ${r.reason}`);
      return;
    }
    // An EconomicEvent (a type Fedify does not know): read the document from its server.
    const document = (await loader(objectId).catch(() => null))?.document ?? null;
    const parsed = parseEconomicEvent(document, objectId);
    if (!parsed.ok) return skip(activity, `the EconomicEvent is refused: ${parsed.reason}`);
    const r = await receiveEconomicEvent(ctxOf(), { ...parsed.value, actorUri });
    if (r.ok || r.reason === "duplicate") return;
    if (r.reason === "not-accepted") {
      const a = await db
        .selectFrom("econ_agreements")
        .select("status")
        .where("uri", "=", agreementUri)
        .executeTakeFirst();
      // The Accept is still on its way: refuse for now, so the sender retries.
      if (a?.status === "offered") throw new Error(`Event ${objectId} came before its Accept`);
    }
    skip(activity, `the event is refused: ${r.reason}`);
  }

  async function handle(ctx: InboxContext<void>, activity: Activity): Promise<void> {
    const what = claimed.get(activity);
    if (!what) return skip(activity, "not the economy's");
    switch (what.kind) {
      case "proposal":
        return onProposal(ctx, activity, what.proposal);
      case "withdrawal": {
        const r = await withdrawRemoteProposal(ctxOf(), activity.actorId?.href ?? "", what.uri);
        if (!r.ok) skip(activity, `the withdrawal is refused: ${r.reason}`);
        return;
      }
      case "offer":
        return activity instanceof Offer ? onOffer(ctx, activity) : undefined;
      case "answer":
        return onAnswer(ctx, activity);
      case "report":
        return activity instanceof Flag
          ? onProposalFlag(ctx, deps, activity, what.proposalUri)
          : undefined;
      case "thread":
        return activity instanceof Create
          ? onThread(ctx, activity, what.agreementUri)
          : skip(activity, "not a Create");
    }
  }

  return { claims, handle };
}
