/**
 * On the hosting node: ballots the member co-ops relay (docs/budgeting.md,
 * "Federated budgeting"). federation/budgeting/inbox.ts has checked the
 * signature (the co-op's key), that the document came from the co-op's node and
 * names the co-op as the activity's actor; here the rest is checked against our
 * rows: the process is hosted here, the co-op is an active member co-op of its
 * Group, the ballot's shape matches the process's secrecy, the district and
 * every project are this process's. pbvote's castBallot then decides as for
 * any voter (phase, eligibility — elsewhere/eligibility.ts — and the ballot's
 * rules), so a relayed ballot is counted exactly like one cast here.
 *
 * Whom it counts for: a named ballot, the member it names (their co-op vouches
 * for them); a secret ballot, its own URI (random, unlinked on the co-op's node),
 * so the host stores who voted (that URI) and what was chosen apart, as any
 * secret ballot, and keeps castBallot's receipt to apply the co-op's changes.
 */
import { fail, ok, type Result } from "../../../kernel/errors.ts";
import type { SocialContext } from "../../../social/context.ts";
import { castBallot, withdrawBallot } from "../processes/ballots.ts";
import { memberCoopOn } from "./eligibility.ts";
import type { RemoteBallotInput } from "./types.ts";

export type ReceiveProblem =
  | "not-found"
  | "not-addressed"
  | "not-a-member-coop"
  | "wrong-secrecy"
  | "unknown-district"
  | "unknown-project"
  | "already-voted"
  | "not-sent"
  | "refused";

const originOf = (uri: string) => new URL(uri).origin;

/**
 * A relayed Create ("create") or Update ("update") of a ballot. `addressedTo`:
 * the activity's recipients (it must name the process's Group).
 */
export async function receiveRemoteBallot(
  ctx: SocialContext,
  input: RemoteBallotInput,
  options: { change: "create" | "update"; addressedTo: string[] },
): Promise<Result<{ counted: true }, ReceiveProblem>> {
  const { db } = ctx;
  const p = await db
    .selectFrom("pb_processes")
    .selectAll()
    .where("uri", "=", input.processUri)
    .where("local", "=", 1)
    .executeTakeFirst();
  if (!p?.group_id || p.imported) return fail("not-found");
  if (!options.addressedTo.includes(p.group_uri)) return fail("not-addressed");
  if ((await memberCoopOn(db, p.group_id, originOf(input.coopUri))) !== input.coopUri)
    return fail("not-a-member-coop");
  if ((p.secrecy === "secret") !== (input.voterUri === null)) return fail("wrong-secrecy");
  const prefix = `${p.uri}#districts/`;
  const districtId = input.districtUri.startsWith(prefix)
    ? input.districtUri.slice(prefix.length)
    : "";
  const district = await db
    .selectFrom("pb_districts")
    .select("id")
    .where("process_id", "=", p.id)
    .where("id", "=", districtId)
    .executeTakeFirst();
  if (!district) return fail("unknown-district");
  const wanted = input.choices.map((c) => c.projectUri);
  const projects =
    wanted.length === 0
      ? []
      : await db
          .selectFrom("pb_projects")
          .select(["id", "uri"])
          .where("process_id", "=", p.id)
          .where("uri", "in", wanted)
          .execute();
  const idOf = new Map(projects.map((x) => [x.uri, x.id]));
  const choices: Record<string, number> = {};
  for (const c of input.choices) {
    const id = idOf.get(c.projectUri);
    if (!id) return fail("unknown-project");
    choices[id] = c.points;
  }
  const received = await db
    .selectFrom("pb_received_ballots")
    .selectAll()
    .where("uri", "=", input.uri)
    .executeTakeFirst();
  if (options.change === "create" && received) return fail("already-voted");
  if (options.change === "update" && (!received || received.coop_uri !== input.coopUri))
    return fail("not-sent");
  const voterUri = input.voterUri ?? input.uri;
  if (received && (received.voter_uri !== voterUri || received.district_id !== district.id))
    return fail("not-sent");
  if (options.change === "create" && input.voterUri) {
    const named = await db
      .selectFrom("pb_ballots")
      .select("id")
      .where("process_id", "=", p.id)
      .where("district_id", "=", district.id)
      .where("voter_uri", "=", voterUri)
      .executeTakeFirst();
    if (named) return fail("already-voted");
  }
  const cast = await castBallot(
    ctx,
    { uri: voterUri, accountId: null },
    {
      processId: p.id,
      districtId: district.id,
      choices,
      ...(received?.receipt ? { receipt: received.receipt } : {}),
    },
  );
  if (!cast.ok) return fail(cast.reason === "receipt-required" ? "already-voted" : "refused");
  if (!received)
    await db
      .insertInto("pb_received_ballots")
      .values({
        uri: input.uri,
        process_id: p.id,
        district_id: district.id,
        coop_uri: input.coopUri,
        voter_uri: voterUri,
        receipt: cast.value.receipt ?? "",
      })
      .execute();
  return ok({ counted: true });
}

/** A relayed Delete: the co-op that sent the ballot takes it back (while voting is open). */
export async function withdrawRemoteBallot(
  ctx: SocialContext,
  ballotUri: string,
  coopUri: string,
): Promise<Result<{ withdrawn: true }, "not-sent" | "refused">> {
  const received = await ctx.db
    .selectFrom("pb_received_ballots")
    .selectAll()
    .where("uri", "=", ballotUri)
    .executeTakeFirst();
  if (!received || received.coop_uri !== coopUri) return fail("not-sent");
  const gone = await withdrawBallot(
    ctx,
    { uri: received.voter_uri, accountId: null },
    {
      processId: received.process_id,
      districtId: received.district_id,
      ...(received.receipt ? { receipt: received.receipt } : {}),
    },
  );
  if (!gone.ok) return fail("refused");
  await ctx.db.deleteFrom("pb_received_ballots").where("uri", "=", ballotUri).execute();
  return ok({ withdrawn: true });
}
