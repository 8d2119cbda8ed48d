/**
 * The budgeting inbox handlers (docs/budgeting.md, "Federated budgeting").
 * Offered an activity after decisions and before groups (federation-gateway.ts),
 * they claim only:
 * - Create/Update by a remote Group whose object is a BudgetProcess (on a
 *   member co-op's node): the copy of the process is kept or refreshed;
 * - Create/Update of a BudgetBallot addressed to a Group hosted here (on the
 *   host): counted through castBallot (governance/budgeting/elsewhere/received.ts);
 * - Delete of a ballot received here, by the co-op that sent it: withdrawn;
 * - Create of a BudgetProject addressed to a Group hosted here (on the host):
 *   a member co-op's proposal (governance/budgeting/elsewhere/proposals.ts).
 * Documents travel by reference: each is fetched from its id (signed by this
 * node), so only the node that holds it can say what it says. Whatever is
 * refused is skipped with a log line and changes nothing.
 */
import type { InboxContext } from "@fedify/fedify";
import { type Activity, Create, Delete, Update } from "@fedify/vocab";
import { getLogger } from "@logtape/logtape";
import { receiveRemoteProcess } from "../../governance/budgeting/elsewhere/copies.ts";
import { receiveRemoteProposal } from "../../governance/budgeting/elsewhere/proposals.ts";
import {
  receiveRemoteBallot,
  withdrawRemoteBallot,
} from "../../governance/budgeting/elsewhere/received.ts";
import { groupPrefix } from "../../kernel/uris.ts";
import { type FederationDeps, socialContext } from "../deps.ts";
import { signedLoader } from "../lookup.ts";
import { parseBallotDocument, parseProcessDocument, parseProposalDocument } from "./parse.ts";

const logger = getLogger(["synco", "federation", "budgeting"]);

function skip(activity: Activity, why: string): void {
  logger.info("Skipping {id}: {why}", { id: activity.id?.href ?? "(no id)", why });
}

type Claimed =
  | { kind: "process"; document: unknown; uri: string }
  | { kind: "ballot"; document: unknown; uri: string }
  | { kind: "proposal"; document: unknown; uri: string }
  | { kind: "withdrawal"; uri: string };

export function budgetingInbox(deps: FederationDeps) {
  const { db } = deps.db;
  const ctxOf = () => socialContext(deps);
  /** What `claims` found, for `handle` (the same activity object is passed to both). */
  const claimed = new WeakMap<Activity, Claimed>();

  async function fetchDocument(ctx: InboxContext<void>, uri: string): Promise<unknown> {
    const loader = await signedLoader(ctx);
    return (await loader(uri).catch(() => null))?.document ?? null;
  }
  const typeOf = (doc: unknown) =>
    doc && typeof doc === "object" ? (doc as Record<string, unknown>).type : undefined;
  const isLocalGroup = (uri: string) => uri.startsWith(groupPrefix(deps.config.origin));

  async function claims(ctx: InboxContext<void>, activity: Activity): Promise<boolean> {
    if (!(activity instanceof Create || activity instanceof Update || activity instanceof Delete))
      return false;
    const objectId = activity.objectId?.href;
    if (!objectId || !activity.actorId) return false;
    if (activity.actorId.origin === new URL(deps.config.origin).origin) return false;
    if (activity instanceof Delete) {
      const received = await db
        .selectFrom("pb_received_ballots")
        .select("uri")
        .where("uri", "=", objectId)
        .executeTakeFirst();
      if (!received) return false;
      claimed.set(activity, { kind: "withdrawal", uri: objectId });
      return true;
    }
    // Ours are of types Fedify does not know: anything it parses is not ours.
    const object = await activity
      .getObject({ documentLoader: await signedLoader(ctx), suppressError: true })
      .catch(() => null);
    if (object) return false;
    const document = await fetchDocument(ctx, objectId);
    const type = typeOf(document);
    if (type === "BudgetProcess") {
      claimed.set(activity, { kind: "process", document, uri: objectId });
      return true;
    }
    if (type === "BudgetBallot" && activity.toIds.some((u) => isLocalGroup(u.href))) {
      claimed.set(activity, { kind: "ballot", document, uri: objectId });
      return true;
    }
    if (
      type === "BudgetProject" &&
      activity instanceof Create &&
      activity.toIds.some((u) => isLocalGroup(u.href))
    ) {
      claimed.set(activity, { kind: "proposal", document, uri: objectId });
      return true;
    }
    return false;
  }

  /** A member co-op sends a project one of its members proposed in its copy of a process hosted here. */
  async function onProposal(activity: Create, document: unknown, uri: string) {
    const coop = activity.actorId?.href ?? "";
    const parsed = parseProposalDocument(document, uri, coop);
    if (!parsed.ok) return skip(activity, `the proposal is refused: ${parsed.reason}`);
    const stored = await receiveRemoteProposal(ctxOf(), parsed.value, {
      addressedTo: activity.toIds.map((u) => u.href),
    });
    logger.info("Proposal {uri} from {coop}: {result}", {
      uri,
      coop,
      result: stored.ok ? "stored" : stored.reason,
    });
  }

  /** A Group elsewhere describes one of its processes (kept as a copy). */
  async function onProcess(activity: Activity, document: unknown, uri: string): Promise<void> {
    const parsed = parseProcessDocument(document, uri);
    if (!parsed.ok) return skip(activity, `the BudgetProcess is refused: ${parsed.reason}`);
    if (activity.actorId?.href !== parsed.value.groupUri)
      return skip(activity, "only the process's Group speaks for it");
    const kept = await receiveRemoteProcess(ctxOf(), parsed.value);
    if (!kept.ok) skip(activity, `the process is not kept: ${kept.reason}`);
  }

  /** A member co-op relays one of its members' ballots to a Group hosted here. */
  async function onBallot(activity: Create | Update, document: unknown, uri: string) {
    const parsed = parseBallotDocument(document, uri);
    if (!parsed.ok) return skip(activity, `the BudgetBallot is refused: ${parsed.reason}`);
    if (parsed.value.coopUri !== activity.actorId?.href)
      return skip(activity, "the ballot's co-op is not the activity's actor");
    const counted = await receiveRemoteBallot(ctxOf(), parsed.value, {
      change: activity instanceof Create ? "create" : "update",
      addressedTo: activity.toIds.map((u) => u.href),
    });
    logger.info("Ballot {uri} from {coop}: {result}", {
      uri,
      coop: parsed.value.coopUri,
      result: counted.ok ? "counted" : counted.reason,
    });
  }

  async function handle(ctx: InboxContext<void>, activity: Activity): Promise<void> {
    void ctx;
    const what = claimed.get(activity);
    if (!what) return skip(activity, "not a budget's");
    if (what.kind === "withdrawal") {
      const gone = await withdrawRemoteBallot(ctxOf(), what.uri, activity.actorId?.href ?? "");
      if (!gone.ok) skip(activity, `the withdrawal is refused: ${gone.reason}`);
      return;
    }
    if (!(activity instanceof Create || activity instanceof Update))
      return skip(activity, "not a Create or Update");
    if (what.kind === "process") return onProcess(activity, what.document, what.uri);
    if (what.kind === "proposal")
      return activity instanceof Create
        ? onProposal(activity, what.document, what.uri)
        : skip(activity, "a proposal is only created");
    return onBallot(activity, what.document, what.uri);
  }

  return { claims, handle };
}
