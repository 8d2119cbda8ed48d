/**
 * Outbox events of the economy turned into FEP-0837 activities:
 * - a proposal published here: Create/Update/Delete(Proposal) from its agent to
 *   the agent's followers and the federation group (its remote member co-ops
 *   when the group is hosted here), and the same as a Note for Mastodon
 *   (objects.ts explains why);
 * - a response made here to a proposal elsewhere: Offer(Agreement) to its agent;
 *   a withdrawal: Undo(Offer);
 * - an answer given here: Accept(Offer) with the finalized Agreement as `result`,
 *   or Reject(Offer) with the reason as `content`, to the responder;
 * - an economic event or a message recorded here: Create to the other party,
 *   with the agreement as the activity's `context` (the event by reference,
 *   served by serve.ts; the message as a direct Note).
 * Nothing goes out when the other party lives here too. Activity ids derive from
 * the event (or are the offer's own), so a re-relayed event is a repeat.
 */
import type { Context } from "@fedify/fedify";
import {
  Accept,
  type Activity,
  Create,
  Delete,
  Note,
  Offer,
  Reject,
  Undo,
  Update,
} from "@fedify/vocab";
import { Temporal } from "@js-temporal/polyfill";
import type { OutboxEventRow } from "../../db/outbox.ts";
import { isLocalAgent } from "../../economy/agreements/context.ts";
import type { agreementEvents } from "../../economy/agreements/events.ts";
import type { marketEvents } from "../../economy/market/events.ts";
import { findGroup } from "../../groups/groups.ts";
import { coopUri, groupPrefix, memberPrefix } from "../../kernel/uris.ts";
import { escapeHtml } from "../../social/content.ts";
import { type InboxRow, sendToInboxes } from "../audience.ts";
import { COOP, type FederationDeps } from "../deps.ts";
import type { EventHandler, EventHandlers } from "../extensions.ts";
import { remoteMembers } from "../groups/post-activities.ts";
import { ensureActor } from "../lookup.ts";
import { agreementObject, proposalNote, proposalNoteUri, proposalObject } from "./objects.ts";
import { reportForwarded } from "./reports.ts";

const activityId = (deps: FederationDeps, event: OutboxEventRow, suffix = "") =>
  new URL(`/activities/${event.id}${suffix}`, deps.config.origin);

/** The local actor that speaks for an agent of ours (the co-op or a member). */
function senderOf(deps: FederationDeps, agentUri: string): { identifier: string } {
  const origin = deps.config.origin;
  if (agentUri === coopUri(origin)) return { identifier: COOP };
  return { identifier: agentUri.slice(memberPrefix(origin).length) };
}

/** A remote party as a delivery target (fetched once and cached). */
async function remoteParty(ctx: Context<void>, deps: FederationDeps, uri: string) {
  if (isLocalAgent(deps.config.origin, uri) || !URL.canParse(uri)) return null;
  return ensureActor(ctx, deps, new URL(uri));
}

async function send(
  ctx: Context<void>,
  deps: FederationDeps,
  from: string,
  to: InboxRow[],
  activity: Activity,
  followers = false,
) {
  await sendToInboxes(
    ctx,
    deps,
    senderOf(deps, from),
    { followersOf: followers ? from : undefined, others: to },
    activity,
  );
}

/** The federation group's part of a proposal's audience. */
async function groupAudience(
  ctx: Context<void>,
  deps: FederationDeps,
  groupUri: string | null,
): Promise<InboxRow[]> {
  if (!groupUri) return [];
  if (groupUri.startsWith(groupPrefix(deps.config.origin))) {
    const found = await findGroup(
      deps.db.db,
      groupUri.slice(groupPrefix(deps.config.origin).length),
    );
    return found ? remoteMembers(deps, found) : [];
  }
  const remote = await remoteParty(ctx, deps, groupUri);
  return remote ? [remote] : [];
}

function tellProposal(kind: "create" | "update" | "delete"): EventHandler<{ proposalId: string }> {
  return async (ctx, deps, event, { proposalId }) => {
    const p = await deps.db.db
      .selectFrom("econ_proposals")
      .selectAll()
      .where("id", "=", proposalId)
      .executeTakeFirst();
    if (!p?.local) return;
    const followers = `${p.agent_uri}/followers`;
    const group = await groupAudience(ctx, deps, p.group_uri);
    const actor = new URL(p.agent_uri);
    const gone = kind === "delete" || p.status === "withdrawn" || p.status === "hidden";
    if (gone) {
      for (const [uri, suffix] of [
        [p.uri, ""],
        [proposalNoteUri(p.uri), "/note"],
      ] as const)
        await send(
          ctx,
          deps,
          p.agent_uri,
          group,
          new Delete({ id: activityId(deps, event, suffix), actor, object: new URL(uri) }),
          true,
        );
      return;
    }
    const Kind = kind === "create" ? Create : Update;
    const object = proposalObject(p, followers);
    await send(
      ctx,
      deps,
      p.agent_uri,
      group,
      new Kind({
        id: activityId(deps, event),
        actor,
        object,
        tos: object.toIds,
        ccs: object.ccIds,
      }),
      true,
    );
    // For Mastodon and GoToSocial, which drop a Proposal: the same as a Note, to followers.
    const note = proposalNote(p, followers);
    await send(
      ctx,
      deps,
      p.agent_uri,
      [],
      new Kind({
        id: activityId(deps, event, "/note"),
        actor,
        object: note,
        tos: note.toIds,
        ccs: note.ccIds,
      }),
      true,
    );
  };
}

async function agreementWith(deps: FederationDeps, agreementId: string) {
  const db = deps.db.db;
  const a = await db
    .selectFrom("econ_agreements")
    .selectAll()
    .where("id", "=", agreementId)
    .executeTakeFirst();
  if (!a) return null;
  const commitments = await db
    .selectFrom("econ_commitments")
    .selectAll()
    .where("agreement_id", "=", a.id)
    .orderBy("reciprocal")
    .execute();
  return { a, commitments };
}

const offered: EventHandler<{ agreementId: string }> = async (
  ctx,
  deps,
  _event,
  { agreementId },
) => {
  const found = await agreementWith(deps, agreementId);
  if (!found || found.a.local === 1) return;
  const { a, commitments } = found;
  const proposer = await remoteParty(ctx, deps, a.proposer_uri);
  if (!proposer) return;
  await send(
    ctx,
    deps,
    a.responder_uri,
    [proposer],
    new Offer({
      id: new URL(a.offer_activity_uri),
      actor: new URL(a.responder_uri),
      object: agreementObject(a, commitments, false),
      content: a.note ? escapeHtml(a.note) : null,
      to: new URL(a.proposer_uri),
    }),
  );
};

function answered(kind: "accepted" | "rejected"): EventHandler<{ agreementId: string }> {
  return async (ctx, deps, event, { agreementId }) => {
    const found = await agreementWith(deps, agreementId);
    if (found?.a.local !== 1) return;
    const { a, commitments } = found;
    const responder = await remoteParty(ctx, deps, a.responder_uri);
    if (!responder) return;
    const values = {
      id: activityId(deps, event),
      actor: new URL(a.proposer_uri),
      object: new URL(a.offer_activity_uri),
      to: new URL(a.responder_uri),
    };
    await send(
      ctx,
      deps,
      a.proposer_uri,
      [responder],
      kind === "accepted"
        ? new Accept({ ...values, result: agreementObject(a, commitments, true) })
        : new Reject({ ...values, content: a.answer_note ? escapeHtml(a.answer_note) : null }),
    );
  };
}

const cancelled: EventHandler<{ agreementId: string }> = async (
  ctx,
  deps,
  event,
  { agreementId },
) => {
  const found = await agreementWith(deps, agreementId);
  if (!found || found.a.local === 1) return;
  const proposer = await remoteParty(ctx, deps, found.a.proposer_uri);
  if (!proposer) return;
  await send(
    ctx,
    deps,
    found.a.responder_uri,
    [proposer],
    new Undo({
      id: activityId(deps, event),
      actor: new URL(found.a.responder_uri),
      object: new URL(found.a.offer_activity_uri),
      to: new URL(found.a.proposer_uri),
    }),
  );
};

/** The party that is not `author`, if it lives elsewhere. */
async function otherParty(
  ctx: Context<void>,
  deps: FederationDeps,
  a: { proposer_uri: string; responder_uri: string },
  author: string,
) {
  const other = author === a.proposer_uri ? a.responder_uri : a.proposer_uri;
  return remoteParty(ctx, deps, other);
}

const eventRecorded: EventHandler<{ agreementId: string; eventId: string }> = async (
  ctx,
  deps,
  event,
  { agreementId, eventId },
) => {
  const db = deps.db.db;
  const a = await db
    .selectFrom("econ_agreements")
    .select(["uri", "proposer_uri", "responder_uri"])
    .where("id", "=", agreementId)
    .executeTakeFirst();
  const e = await db
    .selectFrom("econ_events")
    .select(["uri", "recorded_by_uri"])
    .where("id", "=", eventId)
    .executeTakeFirst();
  if (!a || !e) return;
  const other = await otherParty(ctx, deps, a, e.recorded_by_uri);
  if (!other) return;
  await send(
    ctx,
    deps,
    e.recorded_by_uri,
    [other],
    new Create({
      id: activityId(deps, event),
      actor: new URL(e.recorded_by_uri),
      object: new URL(e.uri),
      contexts: [new URL(a.uri)],
      to: new URL(other.uri),
    }),
  );
};

const messagePosted: EventHandler<{ agreementId: string; messageId: string }> = async (
  ctx,
  deps,
  event,
  { agreementId, messageId },
) => {
  const db = deps.db.db;
  const a = await db
    .selectFrom("econ_agreements")
    .select(["uri", "proposer_uri", "responder_uri"])
    .where("id", "=", agreementId)
    .executeTakeFirst();
  const m = await db
    .selectFrom("econ_messages")
    .selectAll()
    .where("id", "=", messageId)
    .executeTakeFirst();
  if (!a || !m) return;
  const other = await otherParty(ctx, deps, a, m.author_uri);
  if (!other) return;
  const note = messageNote(m, a.uri, other.uri);
  await send(
    ctx,
    deps,
    m.author_uri,
    [other],
    new Create({
      id: activityId(deps, event),
      actor: new URL(m.author_uri),
      object: note,
      contexts: [new URL(a.uri)],
      to: new URL(other.uri),
    }),
  );
};

/** A message of an agreement's thread as a direct Note (also served by serve.ts). */
export function messageNote(
  m: { uri: string; author_uri: string; body: string; created_at: string },
  agreementUri: string,
  to: string,
): Note {
  return new Note({
    id: new URL(m.uri),
    attribution: new URL(m.author_uri),
    content: `<p>${escapeHtml(m.body).replace(/\n/g, "<br>")}</p>`,
    contexts: [new URL(agreementUri)],
    to: new URL(to),
    published: Temporal.Instant.from(m.created_at) as unknown as globalThis.Temporal.Instant,
  });
}

export const economyEventHandlers: EventHandlers<typeof agreementEvents & typeof marketEvents> = {
  "economy.proposal.created": tellProposal("create"),
  "economy.proposal.updated": tellProposal("update"),
  "economy.proposal.deleted": tellProposal("delete"),
  "economy.agreement.offered": offered,
  "economy.agreement.accepted": answered("accepted"),
  "economy.agreement.rejected": answered("rejected"),
  "economy.agreement.cancelled": cancelled,
  "economy.event.recorded": eventRecorded,
  "economy.message.posted": messagePosted,
  "economy.proposal.report.forwarded": reportForwarded,
  // economy.agreement.fulfilled is the ledger's (federation/credit): it settles credit.
};
