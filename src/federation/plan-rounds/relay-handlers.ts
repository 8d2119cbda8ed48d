/**
 * Outbox events of plan rounds turned into activities:
 * - plan-rounds.round.published → the federation Group's Create (revision 1)
 *   or Update (a re-solve) of the PlanRound to its remote member co-ops, by
 *   reference (each co-op's node fetches its part, serve.ts);
 * - plan-rounds.round.closed → the Group's Update, likewise;
 * - plan-rounds.part.answered (on a member co-op's node) → the co-op's Accept
 *   of its part of the revision, or its Reject naming the commitments it
 *   rejects (the rest it accepts), to the federation Group.
 * Activity ids derive from the event, so a re-relayed event is a repeat.
 */
import { Accept, Create, Reject, Update } from "@fedify/vocab";
import type { OutboxEventRow } from "../../db/outbox.ts";
import type { planRoundEvents } from "../../economy/plan-rounds/events.ts";
import { findRound } from "../../economy/plan-rounds/rounds.ts";
import { findGroupById } from "../../groups/groups.ts";
import { coopUri } from "../../kernel/uris.ts";
import { recipientOf } from "../audience.ts";
import { COOP, type FederationDeps } from "../deps.ts";
import type { EventHandler, EventHandlers } from "../extensions.ts";
import { groupSender, groupUrls } from "../groups/actor.ts";
import { remoteMembers } from "../groups/post-activities.ts";
import { findRemoteActor } from "../remote-actors.ts";
import { partUri } from "./vocab.ts";

const activityId = (deps: FederationDeps, event: OutboxEventRow) =>
  new URL(`/activities/${event.id}`, deps.config.origin);

/** The Group tells its remote member co-ops of a round hosted here. */
const tellMembers =
  (first: boolean): EventHandler<{ roundId: string; revision: number }> =>
  async (ctx, deps, event, { roundId, revision }) => {
    const db = deps.db.db;
    const round = await findRound(db, roundId);
    if (!round?.local || !round.group_id) return;
    const group = await findGroupById(db, round.group_id);
    if (!group) return;
    const members = (await remoteMembers(deps, group)).filter((m) => m.type === "Organization");
    if (members.length === 0) return;
    const urls = groupUrls(deps.config.origin, group.name);
    const Kind = first && revision === 1 ? Create : Update;
    await ctx.sendActivity(
      await groupSender(deps, group),
      members.map(recipientOf),
      new Kind({
        id: activityId(deps, event),
        actor: new URL(urls.id),
        object: new URL(round.uri),
        tos: members.map((m) => new URL(m.uri)),
      }),
      { preferSharedInbox: true },
    );
  };

/** Our co-op's answer to its part of a round hosted elsewhere. */
const answered: EventHandler<{ roundId: string; revision: number }> = async (
  ctx,
  deps,
  event,
  { roundId, revision },
) => {
  const db = deps.db.db;
  const round = await findRound(db, roundId);
  if (!round || round.local) return;
  const group = await findRemoteActor(db, { uri: round.group_uri });
  if (!group) return;
  const ours = coopUri(deps.config.origin);
  const part = await db
    .selectFrom("plan_commitments")
    .select(["uri", "provider_uri", "provider_answer", "receiver_answer"])
    .where("round_id", "=", round.id)
    .where("revision", "=", revision)
    .where((eb) => eb.or([eb("provider_uri", "=", ours), eb("receiver_uri", "=", ours)]))
    .execute();
  const rejected = part
    .filter((c) => (c.provider_uri === ours ? c.provider_answer : c.receiver_answer) === "rejected")
    .map((c) => new URL(c.uri));
  const note = await db
    .selectFrom("plan_part_answers")
    .select("note")
    .where("round_id", "=", round.id)
    .where("revision", "=", revision)
    .where("coop_uri", "=", ours)
    .executeTakeFirst();
  const Kind = rejected.length > 0 ? Reject : Accept;
  await ctx.sendActivity(
    { identifier: COOP },
    recipientOf(group),
    new Kind({
      id: activityId(deps, event),
      actor: new URL(ours),
      objects: [new URL(partUri(round.uri, revision)), ...rejected],
      to: new URL(round.group_uri),
      ...(note?.note ? { content: note.note } : {}),
    }),
  );
};

export const planRoundsEventHandlers: EventHandlers<typeof planRoundEvents> = {
  "plan-rounds.round.published": tellMembers(true),
  "plan-rounds.round.closed": tellMembers(false),
  "plan-rounds.part.answered": answered,
};
