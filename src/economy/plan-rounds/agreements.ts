/**
 * A closed round's commitments become marketplace agreements, through the
 * agreements capability, on the co-ops' own nodes (the worker's sweep):
 * - the receiving co-op offers an agreement on the provider's offer (its copy
 *   here) for the planned quantity, acting through the member who accepted
 *   its part; the Offer(Agreement) travels as any other;
 * - the providing co-op, whose member accepted its part, accepts the offered
 *   agreement that matches a commitment it accepted (same offer, same
 *   receiving co-op, same quantity).
 * Each commitment remembers its agreement (claimed first as "pending"), so
 * the sweep does each once. An
 * agreement the marketplace refuses (the offer closed meanwhile, say) is
 * logged and the commitment marked with an empty agreement.
 */
import { getLogger } from "@logtape/logtape";
import { coopUri } from "../../kernel/uris.ts";
import { acceptAgreement } from "../agreements/answers.ts";
import type { Acting } from "../agreements/context.ts";
import { offerAgreement } from "../agreements/offers.ts";
import { proposalByUri } from "../market/reads.ts";
import type { PlanRoundsContext } from "./context.ts";

const logger = getLogger(["synco", "economy", "plan-rounds"]);

/** Who acts for the co-op on a round: the member who answered the part (else an admin). */
async function actingFor(
  ctx: PlanRoundsContext,
  roundId: string,
  revision: number,
): Promise<Acting | null> {
  const agent = coopUri(ctx.origin);
  const answered = await ctx.db
    .selectFrom("plan_part_answers")
    .select("account_id")
    .where("round_id", "=", roundId)
    .where("revision", "=", revision)
    .where("coop_uri", "=", agent)
    .executeTakeFirst();
  let q = ctx.db
    .selectFrom("accounts")
    .select(["id", "username", "role"])
    .where("status", "=", "active")
    .where("role", "in", ["admin", "moderator"]);
  q = answered?.account_id ? q.where("id", "=", answered.account_id) : q.orderBy("created_at");
  const a = await q.executeTakeFirst();
  return a ? { accountId: a.id, username: a.username, role: a.role, agentUri: agent } : null;
}

const agreedInClosedRounds = (ctx: PlanRoundsContext, side: "provider_uri" | "receiver_uri") =>
  ctx.db
    .selectFrom("plan_commitments as c")
    .innerJoin("plan_rounds as r", "r.id", "c.round_id")
    .select([
      "c.id",
      "c.round_id",
      "c.revision",
      "c.offer_uri",
      "c.receiver_uri",
      "c.quantity",
      "r.title",
    ])
    .where("r.status", "=", "closed")
    .where(`c.${side}`, "=", coopUri(ctx.origin))
    .where("c.provider_answer", "=", "accepted")
    .where("c.receiver_answer", "=", "accepted")
    .where("c.agreement_uri", "is", null)
    .orderBy("c.id")
    .limit(200)
    .execute();

const linkAgreement = (ctx: PlanRoundsContext, id: string, uri: string) =>
  ctx.db.updateTable("plan_commitments").set({ agreement_uri: uri }).where("id", "=", id).execute();

/**
 * Marks the commitment as being made into an agreement, so that two sweeps at
 * once (the worker's and another process's) never offer twice; true if this one got it.
 */
async function claim(ctx: PlanRoundsContext, id: string): Promise<boolean> {
  const r = await ctx.db
    .updateTable("plan_commitments")
    .set({ agreement_uri: "pending" })
    .where("id", "=", id)
    .where("agreement_uri", "is", null)
    .executeTakeFirst();
  return r.numUpdatedRows === 1n;
}

/** One pass of the sweep; returns how many commitments it turned into (or linked to) agreements. */
export async function makePlannedAgreements(ctx: PlanRoundsContext): Promise<number> {
  let done = 0;
  for (const c of await agreedInClosedRounds(ctx, "receiver_uri")) {
    const offer = await proposalByUri(ctx, c.offer_uri);
    if (!offer) continue; // its copy has not reached us yet
    const acting = await actingFor(ctx, c.round_id, c.revision);
    if (!acting || !(await claim(ctx, c.id))) continue;
    const made = await offerAgreement(ctx, acting, {
      proposalId: offer.id,
      quantity: Number(c.quantity),
      note: `Plan round: ${c.title}`.slice(0, 2000),
    });
    if (!made.ok)
      logger.warn("No agreement for planned commitment {id}: {reason}", {
        id: c.id,
        reason: made.reason,
      });
    await linkAgreement(ctx, c.id, made.ok ? made.value.uri : "");
    done++;
  }
  for (const c of await agreedInClosedRounds(ctx, "provider_uri")) {
    const offered = await ctx.db
      .selectFrom("econ_agreements as a")
      .select(["a.id", "a.uri"])
      .where("a.local", "=", 1)
      .where("a.status", "=", "offered")
      .where("a.proposal_uri", "=", c.offer_uri)
      .where("a.responder_uri", "=", c.receiver_uri)
      .where("a.quantity", "=", Number(c.quantity))
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom("plan_commitments as l")
              .select("l.id")
              .whereRef("l.agreement_uri", "=", "a.uri"),
          ),
        ),
      )
      .orderBy("a.created_at")
      .executeTakeFirst();
    if (!offered) continue; // the receiver's offer has not arrived yet
    const acting = await actingFor(ctx, c.round_id, c.revision);
    if (!acting || !(await claim(ctx, c.id))) continue;
    const accepted = await acceptAgreement(ctx, acting, offered.id);
    if (!accepted.ok)
      logger.warn("Planned agreement {uri} not accepted: {reason}", {
        uri: offered.uri,
        reason: accepted.reason,
      });
    await linkAgreement(ctx, c.id, accepted.ok ? offered.uri : "");
    done++;
  }
  return done;
}
