/**
 * Who may vote in a decision: the group's eligibleVoters() (groups/voting.ts),
 * read at the time of the vote and again at the close. For a single voter in
 * a group that is not a federation, only that voter's own membership is read
 * (the rule gives the same answer as over the whole roster, without loading an
 * assembly of thousands on every vote).
 */
import type { Kysely } from "kysely";
import type { DecisionWeighting } from "../../db/schema/decisions.ts";
import type { Schema } from "../../db/schema.ts";
import { votingGroupOf } from "../../groups/federations.ts";
import type { Group } from "../../groups/groups.ts";
import { type Ballot as Eligible, eligibleVoters, type VotingGroup } from "../../groups/voting.ts";
import { coopUri, memberPrefix } from "../../kernel/uris.ts";
import { MAX_WEIGHT } from "./constants.ts";
import { weighsCoops } from "./decisions.ts";

export type { Eligible };

/** Who asks to vote: the voter, and for a delegate of several co-ops which one. */
export interface EligibilityAsk {
  voterUri: string;
  countsFor?: string | undefined;
}

/** The vote `voterUri` may cast (for themself, or for the co-op they are a delegate of), or null. */
export async function eligibilityOf(
  db: Kysely<Schema>,
  origin: string,
  group: Group,
  voterUri: string,
  countsFor?: string,
): Promise<Eligible | null> {
  return (await eligibilitiesOf(db, origin, group, [{ voterUri, countsFor }]))[0] ?? null;
}

/**
 * eligibilityOf for several voters at once (a batch of votes), in one read: a
 * federation's roster, or only these voters' memberships in any other group.
 */
export async function eligibilitiesOf(
  db: Kysely<Schema>,
  origin: string,
  group: Group,
  asks: EligibilityAsk[],
): Promise<(Eligible | null)[]> {
  if (asks.length === 0) return [];
  const all = eligibleVoters(
    group.kind === "federation"
      ? await votingGroupOf({ db, origin }, group)
      : await narrowGroup(db, origin, group, [...new Set(asks.map((a) => a.voterUri))]),
  );
  return asks.map(
    (a) =>
      all.find(
        (b) => b.castBy.includes(a.voterUri) && (!a.countsFor || b.countsFor === a.countsFor),
      ) ?? null,
  );
}

/**
 * eligibilityOf, widened for a decision that lets outsiders vote: anyone who is not
 * eligible as a member votes for themself (never for a co-op).
 */
export async function decisionEligibility(
  db: Kysely<Schema>,
  origin: string,
  group: Group,
  decision: { outsiders: number },
  voterUri: string,
  countsFor?: string,
): Promise<Eligible | null> {
  const [one] = await decisionEligibilities(db, origin, group, decision, [{ voterUri, countsFor }]);
  return one ?? null;
}

/** decisionEligibility for several voters at once. */
export async function decisionEligibilities(
  db: Kysely<Schema>,
  origin: string,
  group: Group,
  decision: { outsiders: number },
  asks: EligibilityAsk[],
): Promise<(Eligible | null)[]> {
  const members = await eligibilitiesOf(db, origin, group, asks);
  return members.map((member, i) => {
    const { voterUri, countsFor } = asks[i] as EligibilityAsk;
    if (member || decision.outsiders !== 1 || (countsFor && countsFor !== voterUri)) return member;
    return { countsFor: voterUri, castBy: [voterUri] };
  });
}

/** The group as eligibleVoters sees it, with only these voters' memberships in it. */
async function narrowGroup(
  db: Kysely<Schema>,
  origin: string,
  group: Group,
  voterUris: string[],
): Promise<VotingGroup> {
  const base = { kind: group.kind, votingMode: group.voting_mode };
  if (group.kind === "assembly") {
    // Every active account of the node is in the assembly.
    const prefix = memberPrefix(origin);
    const usernames = voterUris
      .filter((u) => u.startsWith(prefix))
      .map((u) => u.slice(prefix.length));
    const accounts = usernames.length
      ? await db
          .selectFrom("accounts")
          .select("username")
          .where("username", "in", usernames)
          .where("status", "=", "active")
          .execute()
      : [];
    return {
      ...base,
      members: accounts.map((a) => ({
        actorUri: `${prefix}${a.username}`,
        actorKind: "person" as const,
        status: "active" as const,
        role: "member" as const,
      })),
    };
  }
  const rows = await db
    .selectFrom("group_members")
    .select(["actor_uri", "actor_kind", "status", "role"])
    .where("group_id", "=", group.id)
    .where("actor_uri", "in", voterUris)
    .execute();
  return {
    ...base,
    members: rows.map((r) => ({
      actorUri: r.actor_uri,
      actorKind: r.actor_kind,
      status: r.status,
      role: r.role,
    })),
  };
}

/**
 * How much a vote counts for: 1, or in a decision weighted by members (a
 * federation voting by delegates) the co-op's active members — this node's own
 * co-op counted here, another node's as that node last reported it (its
 * delegate's ballot says it; 1 until then). Capped at MAX_WEIGHT.
 */
export async function weigher(
  db: Kysely<Schema>,
  origin: string,
  group: Group,
  d: { weighting: DecisionWeighting },
): Promise<(countsFor: string) => number> {
  if (d.weighting !== "members" || !weighsCoops(group)) return () => 1;
  const rows = await db
    .selectFrom("decision_coop_sizes")
    .select(["coop_uri", "members"])
    .where("group_id", "=", group.id)
    .execute();
  const sizes = new Map(rows.map((r) => [r.coop_uri, r.members]));
  const ours = await db
    .selectFrom("accounts")
    .select(db.fn.countAll<number>().as("n"))
    .where("status", "=", "active")
    .executeTakeFirstOrThrow();
  sizes.set(coopUri(origin), Number(ours.n));
  return (uri) => Math.min(MAX_WEIGHT, Math.max(1, sizes.get(uri) ?? 1));
}

/** The weight of everyone who may vote: what turnout and quorum are measured against. */
export async function eligibleWeightOf(
  db: Kysely<Schema>,
  origin: string,
  group: Group,
  d: { weighting: DecisionWeighting },
): Promise<number> {
  const all = await everyoneEligible(db, origin, group);
  const weigh = await weigher(db, origin, group, d);
  return all.reduce((sum, e) => sum + weigh(e.countsFor), 0);
}

/** Everyone who may vote (what quorum and reminders are measured against). */
export async function everyoneEligible(
  db: Kysely<Schema>,
  origin: string,
  group: Group,
): Promise<Eligible[]> {
  return eligibleVoters(await votingGroupOf({ db, origin }, group));
}

/** The ids of this node's accounts among some actor URIs (to notify them). */
export async function localAccountsOf(
  db: Kysely<Schema>,
  origin: string,
  uris: string[],
): Promise<{ id: string; uri: string; email: string; language: string }[]> {
  const prefix = memberPrefix(origin);
  const names = uris.filter((u) => u.startsWith(prefix)).map((u) => u.slice(prefix.length));
  const out: { id: string; uri: string; email: string; language: string }[] = [];
  for (let i = 0; i < names.length; i += 500) {
    const rows = await db
      .selectFrom("accounts")
      .select(["id", "username", "email", "language"])
      .where("username", "in", names.slice(i, i + 500))
      .where("status", "=", "active")
      .execute();
    for (const r of rows)
      out.push({ id: r.id, uri: `${prefix}${r.username}`, email: r.email, language: r.language });
  }
  return out;
}
