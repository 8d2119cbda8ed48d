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
 *   a member co-op's proposal (governance/budgeting/elsewhere/proposals.ts);
 *   Update of one it sent: its author's edit; Delete: its withdrawal. What the
 *   host refuses of these is answered with the Group's Reject, naming the
 *   proposal and why (`name`: "proposal|edit|withdrawal/reason");
 * - Reject by a remote Group of a proposal sent from here (on a member co-op's
 *   node): the author is told why (elsewhere/refusals.ts);
 * - comments (processes/comments.ts): on the host, a member co-op's Create of a
 *   Note in reply to a project hosted here and its Delete; in a copy, the
 *   process's Group's Announce of a Note in reply to one of the copy's projects
 *   and its Delete.
 * Documents travel by reference: each is fetched from its id (signed by this
 * node), so only the node that holds it can say what it says. Whatever is
 * refused is skipped with a log line and changes nothing.
 */
import type { InboxContext } from "@fedify/fedify";
import { type Activity, Announce, Create, Delete, Note, Reject, Update } from "@fedify/vocab";
import { getLogger } from "@logtape/logtape";
import { receiveRemoteProcess } from "../../governance/budgeting/elsewhere/copies.ts";
import {
  isReceivedProposal,
  receiveRemoteProposal,
  updateRemoteProposal,
  withdrawRemoteProposal,
} from "../../governance/budgeting/elsewhere/proposals.ts";
import {
  receiveRemoteBallot,
  withdrawRemoteBallot,
} from "../../governance/budgeting/elsewhere/received.ts";
import {
  REFUSED_CHANGES,
  type RefusedChange,
  receiveRefusal,
  sentFromHere,
} from "../../governance/budgeting/elsewhere/refusals.ts";
import {
  isKeptComment,
  receiveRemoteComment,
  removeRemoteComment,
} from "../../governance/budgeting/processes/comments.ts";
import { findGroupById } from "../../groups/groups.ts";
import { newId } from "../../kernel/ids.ts";
import { groupPrefix } from "../../kernel/uris.ts";
import { recipientOf } from "../audience.ts";
import { type FederationDeps, socialContext } from "../deps.ts";
import { groupSender, groupUrls } from "../groups/actor.ts";
import { signedLoader } from "../lookup.ts";
import { findRemoteActor } from "../remote-actors.ts";
import { commentText } from "./comments.ts";
import { parseBallotDocument, parseProcessDocument, parseProposalDocument } from "./parse.ts";

const logger = getLogger(["synco", "federation", "budgeting"]);

function skip(activity: Activity, why: string): void {
  logger.info("Skipping {id}: {why}", { id: activity.id?.href ?? "(no id)", why });
}

type Claimed =
  | { kind: "process"; document: unknown; uri: string }
  | { kind: "ballot"; document: unknown; uri: string }
  | { kind: "proposal"; document: unknown; uri: string }
  | { kind: "withdrawal"; uri: string }
  | { kind: "proposal-withdrawal"; uri: string }
  | { kind: "refusal"; uri: string }
  | { kind: "comment"; note: Note; projectUri: string }
  | { kind: "comment-removal"; uri: string };

/** What the host answers (an author can act on it); other refusals are only logged. */
const ANSWERED = new Set(["not-eligible", "wrong-phase", "invalid", "too-many"]);
const REFUSAL_TEXT: Record<string, string> = {
  "not-eligible": "The proposer does not take part in this process.",
  "wrong-phase": "The process no longer takes this change.",
  invalid: "The proposal does not fit the process's rules.",
  "too-many": "Too many proposals.",
};

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

  /** A project of a process hosted here (host) or of a copy (local = 0), by its id. */
  async function projectOfUri(uri: string) {
    return db
      .selectFrom("pb_projects")
      .innerJoin("pb_processes", "pb_processes.id", "pb_projects.process_id")
      .select(["pb_processes.local", "pb_processes.group_uri"])
      .where("pb_projects.uri", "=", uri)
      .executeTakeFirst();
  }

  async function claims(ctx: InboxContext<void>, activity: Activity): Promise<boolean> {
    if (
      !(
        activity instanceof Create ||
        activity instanceof Update ||
        activity instanceof Delete ||
        activity instanceof Reject ||
        activity instanceof Announce
      )
    )
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
      if (received) {
        claimed.set(activity, { kind: "withdrawal", uri: objectId });
        return true;
      }
      if (await isReceivedProposal(db, objectId)) {
        claimed.set(activity, { kind: "proposal-withdrawal", uri: objectId });
        return true;
      }
      if (await isKeptComment(db, objectId)) {
        claimed.set(activity, { kind: "comment-removal", uri: objectId });
        return true;
      }
      return false;
    }
    if (activity instanceof Reject) {
      // Only a Reject naming a proposal sent from here, by that process's Group.
      if (!objectId.startsWith(`${deps.config.origin}/pb-proposals/`)) return false;
      if (!(await sentFromHere(db, objectId, activity.actorId.href))) return false;
      claimed.set(activity, { kind: "refusal", uri: objectId });
      return true;
    }
    // A comment: a Note in reply to a project. On the host from a member co-op (Create,
    // to the Group); in a copy from the process's Group (Announce; the Group speaks for
    // its process's threads, so a Note from a third node is taken as the Group gives it).
    // Any boost arrives as an Announce: only a Group of a copy here is looked at.
    if (activity instanceof Announce) {
      const copy = await db
        .selectFrom("pb_processes")
        .select("id")
        .where("group_uri", "=", activity.actorId.href)
        .where("local", "=", 0)
        .executeTakeFirst();
      if (!copy) return false;
    }
    if (activity instanceof Create || activity instanceof Announce) {
      const note = await activity
        .getObject({
          documentLoader: await signedLoader(ctx),
          suppressError: true,
          crossOrigin: activity instanceof Announce ? "trust" : "ignore",
        })
        .catch(() => null);
      const target = note instanceof Note ? note.replyTargetId?.href : undefined;
      if (note instanceof Note && target) {
        const project = await projectOfUri(target);
        const fits =
          project &&
          (activity instanceof Create
            ? project.local === 1 && activity.toIds.some((u) => u.href === project.group_uri)
            : project.local === 0 && project.group_uri === activity.actorId.href);
        if (fits) {
          claimed.set(activity, { kind: "comment", note, projectUri: target });
          return true;
        }
      }
      if (activity instanceof Announce) return false;
      // Ours are of types Fedify does not know: anything it parses is not ours.
      if (note) return false;
    }
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
      (activity instanceof Create || activity instanceof Update) &&
      activity.toIds.some((u) => isLocalGroup(u.href))
    ) {
      claimed.set(activity, { kind: "proposal", document, uri: objectId });
      return true;
    }
    return false;
  }

  /**
   * The host's Reject of what a member co-op sent about a proposal, from the
   * process's Group to the co-op alone: the proposal's id and why.
   */
  async function refuse(
    ctx: InboxContext<void>,
    to: { coopUri: string; proposalUri: string; processUri: string },
    change: RefusedChange,
    reason: string,
  ) {
    if (!ANSWERED.has(reason)) return;
    const p = await db
      .selectFrom("pb_processes")
      .select(["group_id"])
      .where("uri", "=", to.processUri)
      .where("local", "=", 1)
      .executeTakeFirst();
    const group = p?.group_id ? await findGroupById(db, p.group_id) : undefined;
    const coop = await findRemoteActor(db, { uri: to.coopUri });
    if (!group || !coop) return;
    const urls = groupUrls(deps.config.origin, group.name);
    await ctx.sendActivity(
      await groupSender(deps, group),
      recipientOf(coop),
      new Reject({
        id: new URL(`/activities/pb-refusals/${newId()}`, deps.config.origin),
        actor: new URL(urls.id),
        object: new URL(to.proposalUri),
        name: `${change}/${reason}`,
        content: REFUSAL_TEXT[reason] ?? null,
        to: new URL(to.coopUri),
      }),
    );
  }

  /**
   * A member co-op sends a project one of its members proposed in its copy of a
   * process hosted here (Create), or its author's edit (Update).
   */
  async function onProposal(
    ctx: InboxContext<void>,
    activity: Create | Update,
    document: unknown,
    uri: string,
  ) {
    const coop = activity.actorId?.href ?? "";
    const parsed = parseProposalDocument(document, uri, coop);
    if (!parsed.ok) return skip(activity, `the proposal is refused: ${parsed.reason}`);
    const addressedTo = activity.toIds.map((u) => u.href);
    const create = activity instanceof Create;
    let stored = create
      ? await receiveRemoteProposal(ctxOf(), parsed.value, { addressedTo })
      : await updateRemoteProposal(ctxOf(), parsed.value, { addressedTo });
    // An edit that overtook its Create (inboxes run in parallel): the document fetched
    // now is the edited proposal, so it is stored as new (the Create then finds it stored).
    if (!create && !stored.ok && stored.reason === "not-found")
      stored = await receiveRemoteProposal(ctxOf(), parsed.value, { addressedTo });
    logger.info("Proposal {uri} from {coop}: {result}", {
      uri,
      coop,
      result: stored.ok ? (create ? "stored" : "changed") : stored.reason,
    });
    // Only a member co-op hears why (a stranger's proposal is refused without a word).
    if (!stored.ok && stored.reason !== "not-a-member-coop" && stored.reason !== "not-addressed")
      await refuse(
        ctx,
        { coopUri: coop, proposalUri: uri, processUri: parsed.value.processUri },
        create ? "proposal" : "edit",
        stored.reason,
      );
  }

  /** A member co-op withdraws a proposal it sent (its author withdrew it in the copy). */
  async function onProposalWithdrawal(ctx: InboxContext<void>, activity: Activity, uri: string) {
    const coop = activity.actorId?.href ?? "";
    const gone = await withdrawRemoteProposal(ctxOf(), uri, coop);
    logger.info("Withdrawal of proposal {uri} from {coop}: {result}", {
      uri,
      coop,
      result: gone.ok ? "withdrawn" : gone.reason,
    });
    if (gone.ok || gone.reason !== "wrong-phase") return;
    const row = await db
      .selectFrom("pb_projects")
      .innerJoin("pb_processes", "pb_processes.id", "pb_projects.process_id")
      .select("pb_processes.uri")
      .where("pb_projects.proposal_uri", "=", uri)
      .executeTakeFirst();
    if (row)
      await refuse(
        ctx,
        { coopUri: coop, proposalUri: uri, processUri: row.uri },
        "withdrawal",
        gone.reason,
      );
  }

  /** The host's Group refused what our co-op sent about a member's proposal. */
  async function onRefusal(activity: Reject, uri: string) {
    const [change, reason] = (activity.name?.toString() ?? "").split("/");
    if (!(REFUSED_CHANGES as readonly string[]).includes(change ?? ""))
      return skip(activity, "a refusal of nothing we know");
    const told = await receiveRefusal(ctxOf(), {
      proposalUri: uri,
      groupUri: activity.actorId?.href ?? "",
      change: change as RefusedChange,
      reason: (reason ?? "").slice(0, 40),
    });
    if (!told.ok) skip(activity, `the refusal is not ours: ${told.reason}`);
  }

  /** A comment on a project: from a member co-op (host) or the process's Group (copy). */
  async function onComment(activity: Create | Announce, note: Note, projectUri: string) {
    const actor = activity.actorId?.href ?? "";
    const author = note.attributionId?.href;
    if (!note.id || !author) return skip(activity, "a comment needs an id and an author");
    const input = {
      uri: note.id.href,
      authorUri: author,
      projectUri,
      content: commentText(note),
      publishedAt: note.published?.toString() ?? "",
    };
    const kept = await receiveRemoteComment(
      ctxOf(),
      input,
      activity instanceof Create ? { coopUri: actor } : { groupUri: actor },
    );
    logger.info("Comment {uri} from {actor}: {result}", {
      uri: input.uri,
      actor,
      result: kept.ok ? "kept" : kept.reason,
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
    const what = claimed.get(activity);
    if (!what) return skip(activity, "not a budget's");
    if (what.kind === "withdrawal") {
      const gone = await withdrawRemoteBallot(ctxOf(), what.uri, activity.actorId?.href ?? "");
      if (!gone.ok) skip(activity, `the withdrawal is refused: ${gone.reason}`);
      return;
    }
    if (what.kind === "proposal-withdrawal") return onProposalWithdrawal(ctx, activity, what.uri);
    if (what.kind === "comment-removal") {
      const gone = await removeRemoteComment(ctxOf(), what.uri, activity.actorId?.href ?? "");
      if (!gone.ok) skip(activity, `the comment's removal is refused: ${gone.reason}`);
      return;
    }
    if (what.kind === "refusal")
      return activity instanceof Reject ? onRefusal(activity, what.uri) : undefined;
    if (what.kind === "comment")
      return activity instanceof Create || activity instanceof Announce
        ? onComment(activity, what.note, what.projectUri)
        : undefined;
    if (!(activity instanceof Create || activity instanceof Update))
      return skip(activity, "not a Create or Update");
    if (what.kind === "process") return onProcess(activity, what.document, what.uri);
    if (what.kind === "proposal") return onProposal(ctx, activity, what.document, what.uri);
    return onBallot(activity, what.document, what.uri);
  }

  return { claims, handle };
}
