/**
 * Outbox events of the data commons turned into activities (docs/dp.md,
 * "Federation"). On the federation's node, the Group tells its remote member
 * co-ops of a dataset declared in it (Create; Update when its budget changes)
 * and of each question (Create), all by reference: their nodes fetch the
 * documents (serve.ts). On a member co-op's node, each answer goes to the
 * federation's Group as the co-op's Create of the answer document, signed by
 * the co-op. Activity ids derive from the event, so a re-relayed event is a
 * repeat. No payload, document or activity carries a contributed row.
 */
import { Create, Update } from "@fedify/vocab";
import type { commonsEvents } from "../../commons/events.ts";
import { answerUri } from "../../commons/federated/answering.ts";
import type { OutboxEventRow } from "../../db/outbox.ts";
import { findGroupById } from "../../groups/groups.ts";
import { coopUri } from "../../kernel/uris.ts";
import { recipientOf } from "../audience.ts";
import { COOP, type FederationDeps } from "../deps.ts";
import type { EventHandler, EventHandlers } from "../extensions.ts";
import { groupSender, groupUrls } from "../groups/actor.ts";
import { remoteMembers } from "../groups/post-activities.ts";
import { findRemoteActor } from "../remote-actors.ts";

const activityId = (deps: FederationDeps, event: OutboxEventRow) =>
  new URL(`/activities/${event.id}`, deps.config.origin);

/** A federation group hosted here, for a dataset of it declared here. */
async function federationOf(deps: FederationDeps, datasetId: string) {
  const db = deps.db.db;
  const d = await db
    .selectFrom("commons_datasets")
    .select(["uri", "local", "group_id"])
    .where("id", "=", datasetId)
    .executeTakeFirst();
  if (!d?.local || !d.group_id) return null;
  const group = await findGroupById(db, d.group_id);
  return group?.kind === "federation" ? { dataset: d, group } : null;
}

function tellMembers(kind: typeof Create | typeof Update): EventHandler<{ datasetId: string }> {
  return async (ctx, deps, event, { datasetId }) => {
    const found = await federationOf(deps, datasetId);
    if (!found) return;
    const members = await remoteMembers(deps, found.group);
    if (members.length === 0) return;
    const urls = groupUrls(deps.config.origin, found.group.name);
    await ctx.sendActivity(
      await groupSender(deps, found.group),
      members.map(recipientOf),
      new kind({
        id: activityId(deps, event),
        actor: new URL(urls.id),
        object: new URL(found.dataset.uri),
        audience: new URL(urls.id),
        tos: [new URL(urls.followers)],
      }),
      { preferSharedInbox: true },
    );
  };
}

/** A question goes to the member co-ops it waits for (this node's own co-op answered here). */
const askMembers: EventHandler<{ queryId: string }> = async (ctx, deps, event, { queryId }) => {
  const db = deps.db.db;
  const q = await db
    .selectFrom("commons_fed_queries")
    .select(["uri", "dataset_id"])
    .where("id", "=", queryId)
    .executeTakeFirst();
  const found = q && (await federationOf(deps, q.dataset_id));
  if (!q || !found) return;
  const waiting = new Set(
    (
      await db
        .selectFrom("commons_fed_parts")
        .select("coop_uri")
        .where("query_id", "=", queryId)
        .where("status", "=", "waiting")
        .execute()
    ).map((p) => p.coop_uri),
  );
  const members = (await remoteMembers(deps, found.group)).filter((m) => waiting.has(m.uri));
  if (members.length === 0) return;
  const urls = groupUrls(deps.config.origin, found.group.name);
  await ctx.sendActivity(
    await groupSender(deps, found.group),
    members.map(recipientOf),
    new Create({
      id: activityId(deps, event),
      actor: new URL(urls.id),
      object: new URL(q.uri),
      audience: new URL(urls.id),
      tos: members.map((m) => new URL(m.uri)),
    }),
  );
};

/** This node's answer, from its co-op to the federation's Group. */
const sendAnswer: EventHandler<{ answerId: string }> = async (ctx, deps, event, { answerId }) => {
  const db = deps.db.db;
  const a = await db
    .selectFrom("commons_fed_answers")
    .select(["id", "group_uri"])
    .where("id", "=", answerId)
    .executeTakeFirst();
  if (!a) return;
  const group = await findRemoteActor(db, { uri: a.group_uri });
  if (!group) return;
  await ctx.sendActivity(
    { identifier: COOP },
    recipientOf(group),
    new Create({
      id: activityId(deps, event),
      actor: new URL(coopUri(deps.config.origin)),
      object: new URL(answerUri(deps.config.origin, a.id)),
      to: new URL(a.group_uri),
    }),
  );
};

export const commonsEventHandlers: EventHandlers<typeof commonsEvents> = {
  "commons.dataset.declared": tellMembers(Create),
  "commons.dataset.budget-changed": tellMembers(Update),
  "commons.federated-query.asked": askMembers,
  "commons.federated-answer.recorded": sendAnswer,
};
