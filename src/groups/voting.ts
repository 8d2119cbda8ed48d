/**
 * Who may vote in a group: a pure rule over the group's membership, exported for
 * the decisions area. In a federation of co-ops the federation chooses:
 * - "delegates": one vote per member co-op, cast by any of the delegates its own
 *   assembly named (a co-op without delegates cannot vote until it names some);
 * - "direct": every member of every member co-op votes for themself.
 * In an assembly or a working group, every active member has one vote.
 * Pending requests and open invitations never vote.
 */
import type { GroupKind, GroupRole, MembershipStatus, VotingMode } from "../db/schema/groups.ts";

export interface VotingMember {
  actorUri: string;
  actorKind: "person" | "coop";
  status: MembershipStatus;
  role: GroupRole;
  /** For a member co-op: the people its assembly named as delegates. */
  delegates?: string[];
  /** For a member co-op: its members, when known (needed by "direct"). */
  coopMembers?: string[];
}

export interface VotingGroup {
  kind: GroupKind;
  votingMode: VotingMode;
  members: VotingMember[];
}

/** One vote: what it counts for (a person, or a co-op) and who may cast it. */
export interface Ballot {
  countsFor: string;
  castBy: string[];
}

export function eligibleVoters(group: VotingGroup, mode: VotingMode = group.votingMode): Ballot[] {
  const active = group.members.filter((m) => m.status === "active");
  if (group.kind !== "federation") {
    return active
      .filter((m) => m.actorKind === "person")
      .map((m) => ({ countsFor: m.actorUri, castBy: [m.actorUri] }));
  }
  const coops = active.filter((m) => m.actorKind === "coop");
  if (mode === "delegates") {
    return coops
      .filter((c) => (c.delegates ?? []).length > 0)
      .map((c) => ({ countsFor: c.actorUri, castBy: [...new Set(c.delegates)] }));
  }
  const seen = new Set<string>();
  const ballots: Ballot[] = [];
  for (const coop of coops)
    for (const person of coop.coopMembers ?? []) {
      if (seen.has(person)) continue;
      seen.add(person);
      ballots.push({ countsFor: person, castBy: [person] });
    }
  return ballots;
}
