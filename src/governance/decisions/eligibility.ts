/**
 * Who may vote in a decision: the group's eligibleVoters() (groups/voting.ts),
 * read at the time of the vote and again at the close. For a single voter in
 * a group that is not a federation, only that voter's own membership is read
 * (the rule gives the same answer as over the whole roster, without loading an
 * assembly of thousands on every vote).
 */
import type { Kysely } from "kysely";
import type { Schema } from "../../db/schema.ts";
import { votingGroupOf } from "../../groups/federations.ts";
import type { Group } from "../../groups/groups.ts";
import { membershipOf } from "../../groups/standing.ts";
import { type Ballot as Eligible, eligibleVoters, type VotingGroup } from "../../groups/voting.ts";
import { memberPrefix } from "../../kernel/uris.ts";

export type { Eligible };

/** The vote `voterUri` may cast (for themself, or for the co-op they are a delegate of), or null. */
export async function eligibilityOf(
  db: Kysely<Schema>,
  origin: string,
  group: Group,
  voterUri: string,
  countsFor?: string,
): Promise<Eligible | null> {
  const pick = (all: Eligible[]) =>
    all.find((b) => b.castBy.includes(voterUri) && (!countsFor || b.countsFor === countsFor)) ??
    null;
  if (group.kind === "federation")
    return pick(eligibleVoters(await votingGroupOf({ db, origin }, group)));
  return pick(eligibleVoters(await narrowGroup(db, origin, group, voterUri)));
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
  const member = await eligibilityOf(db, origin, group, voterUri, countsFor);
  if (member || decision.outsiders !== 1 || (countsFor && countsFor !== voterUri)) return member;
  return { countsFor: voterUri, castBy: [voterUri] };
}

/** The group as eligibleVoters sees it, with only this voter's membership in it. */
async function narrowGroup(
  db: Kysely<Schema>,
  origin: string,
  group: Group,
  voterUri: string,
): Promise<VotingGroup> {
  const base = { kind: group.kind, votingMode: group.voting_mode };
  if (group.kind === "assembly") {
    // Every active account of the node is in the assembly.
    const prefix = memberPrefix(origin);
    const username = voterUri.startsWith(prefix) ? voterUri.slice(prefix.length) : null;
    const account =
      username &&
      (await db
        .selectFrom("accounts")
        .select("id")
        .where("username", "=", username)
        .where("status", "=", "active")
        .executeTakeFirst());
    return {
      ...base,
      members: account
        ? [{ actorUri: voterUri, actorKind: "person", status: "active", role: "member" }]
        : [],
    };
  }
  const row = await membershipOf(db, group.id, voterUri);
  return {
    ...base,
    members: row
      ? [{ actorUri: row.actor_uri, actorKind: row.actor_kind, status: row.status, role: row.role }]
      : [],
  };
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
