/**
 * Outbox events of budgeting turned into activities (docs/budgeting.md,
 * "Federated budgeting"). On the host, the Group tells its remote members (in a
 * federation: the member co-ops' Organization actors, so every co-op's node)
 * of a process — Create when it opens, Update when its phase, projects or
 * results change — with the process by reference (their nodes fetch it,
 * serve.ts). On a member co-op's node, each ballot cast in a copy goes to the
 * host's Group as the co-op's Create (a change: Update; a withdrawal: Delete),
 * signed by the co-op: the co-op vouches for its member. Activity ids derive
 * from the event (and the ballot), so a re-relayed event is a repeat.
 */
import { Create, Delete, Update } from "@fedify/vocab";
import type { OutboxEventRow } from "../../db/outbox.ts";
import { proposalUri } from "../../governance/budgeting/elsewhere/proposal-uris.ts";
import {
  markRelayed,
  pendingBallots,
  relayedBallotUri,
} from "../../governance/budgeting/elsewhere/relayed.ts";
import type { budgetingEvents } from "../../governance/budgeting/processes/events.ts";
import { findGroupById } from "../../groups/groups.ts";
import { coopUri } from "../../kernel/uris.ts";
import { recipientOf } from "../audience.ts";
import { COOP, type FederationDeps } from "../deps.ts";
import type { EventHandler, EventHandlers } from "../extensions.ts";
import { groupSender, groupUrls } from "../groups/actor.ts";
import { remoteMembers } from "../groups/post-activities.ts";
import { findRemoteActor } from "../remote-actors.ts";
import { relayCommentPosted, relayCommentRemoved } from "./comments.ts";

const activityId = (deps: FederationDeps, event: OutboxEventRow, suffix = "") =>
  new URL(`/activities/${event.id}${suffix}`, deps.config.origin);

/** The Group's Create or Update of a process hosted here, to its remote members. */
function tellMembers(kind: typeof Create | typeof Update): EventHandler<{ processId: string }> {
  return async (ctx, deps, event, { processId }) => {
    const db = deps.db.db;
    const p = await db
      .selectFrom("pb_processes")
      .select(["uri", "local", "group_id", "imported"])
      .where("id", "=", processId)
      .executeTakeFirst();
    if (!p?.local || !p.group_id || p.imported) return;
    const group = await findGroupById(db, p.group_id);
    if (!group) return;
    const members = await remoteMembers(deps, group);
    if (members.length === 0) return;
    const urls = groupUrls(deps.config.origin, group.name);
    await ctx.sendActivity(
      await groupSender(deps, group),
      members.map(recipientOf),
      new kind({
        id: activityId(deps, event),
        actor: new URL(urls.id),
        object: new URL(p.uri),
        audience: new URL(urls.id),
        tos: [new URL(urls.followers)],
      }),
      { preferSharedInbox: true },
    );
  };
}

/** Ballots cast here in a copy: what the host has not heard yet, from our co-op to its Group. */
const relayBallots: EventHandler<{ processId: string; districtId: string }> = async (
  ctx,
  deps,
  _event,
  { processId, districtId },
) => {
  const db = deps.db.db;
  const p = await db
    .selectFrom("pb_processes")
    .select(["local", "group_uri"])
    .where("id", "=", processId)
    .executeTakeFirst();
  if (!p || p.local !== 0) return;
  const group = await findRemoteActor(db, { uri: p.group_uri });
  if (!group) return;
  const pending = await pendingBallots(db, processId, districtId);
  const coop = new URL(coopUri(deps.config.origin));
  for (const b of pending) {
    const Kind = b.change === "create" ? Create : b.change === "update" ? Update : Delete;
    await ctx.sendActivity(
      { identifier: COOP },
      recipientOf(group),
      new Kind({
        // From the ballot and what it says, not the event: the event's id carries
        // the time of the vote, which the host need not learn.
        id: new URL(
          `/activities/pb-ballots/${b.ballotId}/${b.change}-${b.digest.slice(0, 22)}`,
          deps.config.origin,
        ),
        actor: coop,
        object: new URL(relayedBallotUri(deps.config.origin, processId, b.ballotId)),
        to: new URL(p.group_uri),
      }),
    );
  }
  await markRelayed(db, processId, districtId, pending);
};

/**
 * A project proposed here: hosted here, the Group tells its members (Update);
 * proposed by a member here in a copy, our co-op sends it to the host's Group
 * (Create, by reference: the host fetches it from us, serve.ts); its author's
 * edit goes as Update (the host fetches it again) and withdrawal as Delete.
 */
const proposed: EventHandler<{
  processId: string;
  projectId: string;
  change?: "propose" | "edit" | "withdraw" | undefined;
}> = async (ctx, deps, event, payload) => {
  const db = deps.db.db;
  const row = await db
    .selectFrom("pb_projects")
    .innerJoin("pb_processes", "pb_processes.id", "pb_projects.process_id")
    .select([
      "pb_processes.local",
      "pb_processes.group_uri",
      "pb_projects.id",
      "pb_projects.uri",
      "pb_projects.proposal_uri",
    ])
    .where("pb_projects.id", "=", payload.projectId)
    .where("pb_projects.process_id", "=", payload.processId)
    .executeTakeFirst();
  if (!row) return;
  if (row.local) return tellMembers(Update)(ctx, deps, event, payload);
  // Only proposals made here (their proposal id is ours).
  if (row.proposal_uri !== proposalUri(deps.config.origin, payload.processId, row.id)) return;
  const change = payload.change ?? "propose";
  // A new proposal goes once, while the host has not described it (its uri is still ours).
  if (change === "propose" && row.uri !== row.proposal_uri) return;
  const group = await findRemoteActor(db, { uri: row.group_uri });
  if (!group) return;
  const Kind = change === "edit" ? Update : change === "withdraw" ? Delete : Create;
  await ctx.sendActivity(
    { identifier: COOP },
    recipientOf(group),
    new Kind({
      id: activityId(deps, event),
      actor: new URL(coopUri(deps.config.origin)),
      object: new URL(row.proposal_uri),
      to: new URL(row.group_uri),
    }),
  );
};

export const budgetingEventHandlers: EventHandlers<typeof budgetingEvents> = {
  "budgeting.process.created": tellMembers(Create),
  "budgeting.process.phase-changed": tellMembers(Update),
  "budgeting.project.proposed": proposed,
  "budgeting.project.reviewed": tellMembers(Update),
  "budgeting.project.progressed": tellMembers(Update),
  "budgeting.results.counted": tellMembers(Update),
  "budgeting.ballot.cast": relayBallots,
  "budgeting.comment.posted": relayCommentPosted,
  "budgeting.comment.removed": relayCommentRemoved,
};
