/**
 * Outbox events of decisions turned into activities (docs/decisions.md,
 * "Federation"). On the host, the Group tells its remote members of a decision
 * in one of its threads — Create when it opens, Update when it is amended, a
 * vote changes the counts, it closes or its outcome is written — with the
 * Decision by reference (the members' servers fetch it, serve.ts). A
 * poll-shaped decision also updates its thread's Question for Mastodon. On a
 * voter's node, a member's Ballot goes to the host's Group alone. Activity ids
 * derive from the event, so a re-relayed event is a repeat.
 */
import type { Context } from "@fedify/fedify";
import { Create, Update } from "@fedify/vocab";
import type { OutboxEventRow } from "../../db/outbox.ts";
import { findDecision } from "../../governance/decisions/decisions.ts";
import { findSentBallot } from "../../governance/decisions/elsewhere.ts";
import type { decisionsEvents } from "../../governance/decisions/events.ts";
import type { decisionFederationEvents } from "../../governance/decisions/federation-events.ts";
import { findGroupById } from "../../groups/groups.ts";
import { decisionBallotUri } from "../../kernel/uris.ts";
import { recipientOf } from "../audience.ts";
import type { FederationDeps } from "../deps.ts";
import type { EventHandler, EventHandlers } from "../extensions.ts";
import { groupSender, groupUrls } from "../groups/actor.ts";
import { remoteMembers, sendGroupPostActivity } from "../groups/post-activities.ts";
import { findRemoteActor } from "../remote-actors.ts";
import { addressing, loadLocalPost, postObject } from "../social/notes.ts";

const activityId = (deps: FederationDeps, event: OutboxEventRow, suffix = "") =>
  new URL(`/activities/${event.id}${suffix}`, deps.config.origin);

/** Remote actors who voted by name in a decision (Mastodon voters outside the group hear too). */
async function remoteVoters(deps: FederationDeps, decisionId: string) {
  return deps.db.db
    .selectFrom("decision_votes")
    .innerJoin("remote_actors as r", "r.uri", "decision_votes.cast_by_uri")
    .select(["r.uri", "r.inbox_url", "r.shared_inbox_url"])
    .distinct()
    .where("decision_votes.decision_id", "=", decisionId)
    .where("r.gone", "=", 0)
    .execute();
}

/** The Group's Create or Update of a decision hosted here, to its remote members. */
function tellMembers(kind: typeof Create | typeof Update): EventHandler<{ decisionId: string }> {
  return async (ctx, deps, event, { decisionId }) => {
    const d = await findDecision(deps.db.db, decisionId);
    if (!d?.local || !d.group_id) return;
    const group = await findGroupById(deps.db.db, d.group_id);
    if (!group) return;
    const urls = groupUrls(deps.config.origin, group.name);
    const members = await remoteMembers(deps, group);
    if (members.length > 0)
      await ctx.sendActivity(
        await groupSender(deps, group),
        members.map(recipientOf),
        new kind({
          id: activityId(deps, event),
          actor: new URL(urls.id),
          object: new URL(d.uri),
          audience: new URL(urls.id),
          tos: [new URL(urls.followers)],
        }),
        { preferSharedInbox: true },
      );
    if (kind === Update && (d.rule === "single" || d.rule === "multiple"))
      await updateQuestion(ctx, deps, event, d.post_id, d.id);
  };
}

/** The thread's Question with the decision's counts, as social sends a poll's Update. */
async function updateQuestion(
  ctx: Context<void>,
  deps: FederationDeps,
  event: OutboxEventRow,
  postId: string,
  decisionId: string,
): Promise<void> {
  const p = await loadLocalPost(deps.db.db, postId);
  if (!p?.poll || p.post.deleted_at) return;
  const update = new Update({
    id: activityId(deps, event, "/question"),
    actor: ctx.getActorUri(p.post.username),
    object: postObject(ctx, deps.config.origin, p),
    ...addressing(ctx, p),
  });
  await sendGroupPostActivity(ctx, deps, p, update, {
    announceId: activityId(deps, event, "/question/announce"),
    published: deps.clock.now().toISOString(),
    extra: await remoteVoters(deps, decisionId),
  });
}

type Events = typeof decisionsEvents & typeof decisionFederationEvents;

export const decisionEventHandlers: EventHandlers<Events> = {
  "decisions.decision.created": tellMembers(Create),
  "decisions.decision.amended": tellMembers(Update),
  "decisions.vote.cast": tellMembers(Update),
  "decisions.decision.closed": tellMembers(Update),
  "decisions.outcome.recorded": tellMembers(Update),

  /** A member's Ballot, to the hosting Group alone (its node fetches the Ballot from us). */
  async "decisions.ballot.sent"(ctx, deps, event, { ballotId, changed }) {
    const b = await findSentBallot(deps.db.db, ballotId);
    if (!b) return;
    const group = await findRemoteActor(deps.db.db, { uri: b.group_uri });
    if (!group) return;
    const Kind = changed ? Update : Create;
    await ctx.sendActivity(
      { identifier: b.username },
      recipientOf(group),
      new Kind({
        id: activityId(deps, event),
        actor: ctx.getActorUri(b.username),
        object: new URL(decisionBallotUri(deps.config.origin, b.id)),
        to: new URL(b.group_uri),
      }),
    );
  },
};
