/**
 * Reports on proposals across nodes, as Mastodon forwards a report of a remote
 * status (docs/economy.md, "Moderation"):
 * - out: a member here reported a copy of a proposal and asked to forward it
 *   (`economy.proposal.report.forwarded`): a Flag from the co-op — the member
 *   stays unnamed — to the publisher's node, naming the agent and the proposal;
 * - in: a Flag naming a proposal published here, from an actor whose domain may
 *   federate and who is not suspended, becomes a report our moderators (and the
 *   federation group's, when hosted here) see (market/moderation.ts).
 */
import type { InboxContext } from "@fedify/fedify";
import { Flag } from "@fedify/vocab";
import { getLogger } from "@logtape/logtape";
import { receiveProposalReport } from "../../economy/market/moderation.ts";
import { isSuspendedActor } from "../../social/moderation.ts";
import { sendToInboxes } from "../audience.ts";
import { COOP, type FederationDeps, socialContext } from "../deps.ts";
import type { EventHandler } from "../extensions.ts";
import { ensureActor } from "../lookup.ts";
import { allowsFederation } from "../social/domain-policy.ts";

const logger = getLogger(["synco", "federation", "economy"]);

/** Flags name at most a few objects (Mastodon: the account and its statuses); more is refused. */
const MAX_FLAG_OBJECTS = 20;

export const reportForwarded: EventHandler<{ reportId: string }> = async (
  ctx,
  deps,
  event,
  { reportId },
) => {
  const report = await deps.db.db
    .selectFrom("reports as r")
    .innerJoin("econ_proposals as p", "p.uri", "r.target_uri")
    .select(["r.comment", "r.forwarded", "p.uri", "p.agent_uri", "p.local"])
    .where("r.id", "=", reportId)
    .executeTakeFirst();
  if (!report?.forwarded || report.local || !URL.canParse(report.agent_uri)) return;
  const publisher = await ensureActor(ctx, deps, new URL(report.agent_uri));
  if (!publisher) throw new Error(`The publisher ${report.agent_uri} could not be fetched`);
  await sendToInboxes(
    ctx,
    deps,
    { identifier: COOP },
    { others: [publisher] },
    new Flag({
      id: new URL(`/activities/${event.id}`, deps.config.origin),
      actor: ctx.getActorUri(COOP),
      objects: [new URL(report.agent_uri), new URL(report.uri)],
      content: report.comment,
    }),
  );
};

/** The proposal published here a Flag names, if any (then the economy takes the Flag). */
export async function reportedProposal(deps: FederationDeps, flag: Flag): Promise<string | null> {
  const objects = flag.objectIds.map((u) => u.href).slice(0, MAX_FLAG_OBJECTS);
  if (!objects.length) return null;
  const row = await deps.db.db
    .selectFrom("econ_proposals")
    .select("uri")
    .where("uri", "in", objects)
    .where("local", "=", 1)
    .executeTakeFirst();
  return row?.uri ?? null;
}

export async function onProposalFlag(
  _ctx: InboxContext<void>,
  deps: FederationDeps,
  flag: Flag,
  proposalUri: string,
): Promise<void> {
  const skip = (why: string) =>
    logger.info("Skipping {id}: {why}", { id: flag.id?.href ?? "(no id)", why });
  const actor = flag.actorId;
  if (!flag.id || !actor) return skip("it needs an id and an actor");
  const db = deps.db.db;
  if (
    !(await allowsFederation(db, actor.host.toLowerCase())) ||
    (await isSuspendedActor(db, actor.href))
  )
    return skip("its actor or domain may not federate here");
  const filed = await receiveProposalReport(socialContext(deps), {
    uri: flag.id.href,
    reporterUri: actor.href,
    proposalUri,
    comment: flag.content?.toString() ?? "",
  });
  if (!filed) skip("already filed, or the proposal is gone");
}
