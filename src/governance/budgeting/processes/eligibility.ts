/**
 * Who takes part in a process and who runs it.
 *
 * - eligibility "members": the group's voters as decisions count them (an
 *   assembly: every active member of the node; a working group: its active
 *   members), read for the one actor asked about;
 * - eligibility "federation" (a federation group): every member of every member
 *   co-op, each for themself ("direct", whatever the federation's voting mode:
 *   a budget is split among people, not co-ops). Here only this node's co-op's
 *   members are known; federation/budgeting extends this for actors elsewhere,
 *   whose node vouches for them.
 *
 * The group's moderators (and admins) run the process: they create it, review
 * proposals, advance phases, post progress and moderate.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../../../db/schema.ts";
import { votingGroupOf } from "../../../groups/federations.ts";
import { findGroupById, type Group } from "../../../groups/groups.ts";
import { canModerate, standingOf } from "../../../groups/standing.ts";
import { eligibleVoters } from "../../../groups/voting.ts";
import { eligibilitiesOf, eligibilityOf } from "../../decisions/eligibility.ts";
import { takesPartAcrossNodes } from "../elsewhere/eligibility.ts";
import type { BudgetingContext, Voter } from "./context.ts";
import type { Process } from "./reads.ts";

type Ctx = Pick<BudgetingContext, "db" | "origin">;

/** May `actorUri` propose and vote in this process? */
export async function canTakePart(
  ctx: Ctx,
  process: Pick<Process, "group_id" | "eligibility" | "local" | "group_uri">,
  actorUri: string,
): Promise<boolean> {
  // A copy of a process hosted elsewhere, and actors elsewhere: elsewhere/eligibility.ts.
  if (!process.local || !process.group_id) return takesPartAcrossNodes(ctx, process, actorUri);
  const group = await findGroupById(ctx.db, process.group_id);
  if (!group) return false;
  if (process.eligibility === "federation")
    return (
      (await everyoneIn(ctx, group, "federation")).includes(actorUri) ||
      (await takesPartAcrossNodes(ctx, process, actorUri))
    );
  return (await eligibilityOf(ctx.db, ctx.origin, group, actorUri)) !== null;
}

/**
 * canTakePart for several actors at once (a batch of ballots): the roster is
 * read once — an assembly's or working group's memberships of these actors
 * only, a federation's members once — and only actors it does not settle are
 * asked about one by one (actors elsewhere, and members voting in a copy).
 * `knownGroup`: the process's group when the caller has read it already.
 */
export async function whoTakePart(
  ctx: Ctx,
  process: Pick<Process, "group_id" | "eligibility" | "local" | "group_uri">,
  actorUris: readonly string[],
  knownGroup?: Group,
): Promise<Set<string>> {
  const asked = [...new Set(actorUris)];
  const yes = new Set<string>();
  const eachAlone = async (uris: string[]) => {
    for (const uri of uris) if (await takesPartAcrossNodes(ctx, process, uri)) yes.add(uri);
  };
  if (!process.local || !process.group_id) {
    await eachAlone(asked);
    return yes;
  }
  const group =
    knownGroup?.id === process.group_id
      ? knownGroup
      : await findGroupById(ctx.db, process.group_id);
  if (!group) return yes;
  if (process.eligibility === "federation") {
    const everyone = new Set(await everyoneIn(ctx, group, "federation"));
    for (const uri of asked) if (everyone.has(uri)) yes.add(uri);
    await eachAlone(asked.filter((uri) => !yes.has(uri)));
    return yes;
  }
  const found = await eligibilitiesOf(
    ctx.db,
    ctx.origin,
    group,
    asked.map((voterUri) => ({ voterUri })),
  );
  asked.forEach((uri, i) => {
    if (found[i]) yes.add(uri);
  });
  return yes;
}

/** Everyone known here who takes part (whom phase changes are told to). */
export async function everyoneIn(
  ctx: Ctx,
  group: Group,
  eligibility: Process["eligibility"],
): Promise<string[]> {
  const voting = await votingGroupOf(ctx, group);
  const ballots =
    eligibility === "federation" ? eligibleVoters(voting, "direct") : eligibleVoters(voting);
  return [...new Set(ballots.flatMap((b) => b.castBy))];
}

/** Is the actor a moderator (or admin) of the group, as a member of this node? */
export async function canRun(db: Kysely<Schema>, origin: string, group: Group, actor: Voter) {
  if (!actor.accountId) return false;
  const account = await db
    .selectFrom("accounts")
    .select(["id", "username", "status"])
    .where("id", "=", actor.accountId)
    .executeTakeFirst();
  if (account?.status !== "active") return false;
  const standing = await standingOf(db, origin, group, account);
  return standing.status === "active" && canModerate(standing.role);
}

/** canRun for a process (false for a copy of a process hosted elsewhere). */
export async function canRunProcess(
  db: Kysely<Schema>,
  origin: string,
  process: Pick<Process, "group_id" | "local">,
  actor: Voter,
): Promise<boolean> {
  if (!process.local || !process.group_id) return false;
  const group = await findGroupById(db, process.group_id);
  return !!group && (await canRun(db, origin, group, actor));
}
