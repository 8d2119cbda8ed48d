/**
 * Tables of groups (FEP-1b12): assemblies, working groups and federations of
 * co-ops hosted here, their members (local members, remote people, or — in a
 * federation — other nodes' co-op actors with named delegates), and this co-op's own side of the federations it belongs to.
 */

/** A publication (issue 17) is an outlet: editors are its admins and moderators, writers its members. */
export type GroupKind = "assembly" | "working_group" | "federation" | "publication";
export type GroupRole = "admin" | "moderator" | "member";
/** pending: a join request; invited: an invitation not yet taken; active: a member. */
export type MembershipStatus = "pending" | "invited" | "active";
/** In a federation: delegates vote for their co-op, or members of member co-ops vote directly. */
export type VotingMode = "delegates" | "direct";

export interface GroupsTable {
  id: string;
  /** Shares the WebFinger namespace with usernames (acct:name@host). */
  name: string;
  kind: GroupKind;
  display_name: string;
  description: string;
  visibility: "public" | "members";
  /** 1: joining waits for a moderator (manuallyApprovesFollowers). */
  moderated: number;
  /** 1: only moderators start threads (Lemmy's postingRestrictedToMods). */
  posting_restricted: number;
  voting_mode: VotingMode;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * One actor's place in a group. A local member has account_id; a remote person
 * or co-op has remote_id. The assembly has no rows for plain members: every
 * active member of the node belongs to it (rows only record roles given there).
 */
export interface GroupMembersTable {
  id: string;
  group_id: string;
  actor_uri: string;
  account_id: string | null;
  remote_id: string | null;
  /** "coop": a member co-op of a federation (an Organization actor). */
  actor_kind: "person" | "coop";
  role: GroupRole;
  status: MembershipStatus;
  /** The Follow activity's id (remote members), answered with Accept or Reject. */
  follow_activity_uri: string | null;
  created_at: string;
  updated_at: string;
}

/** The people a member co-op named to speak and vote for it in a federation hosted here. */
export interface GroupDelegatesTable {
  group_id: string;
  coop_uri: string;
  delegate_uri: string;
  created_at: string;
}

/** This co-op's membership in a federation hosted on another node (its Organization follows it). */
export interface CoopAffiliationsTable {
  id: string;
  group_uri: string;
  group_remote_id: string;
  status: "pending" | "active";
  follow_activity_uri: string;
  created_at: string;
}

/** The members this co-op's assembly named as its delegates in a federation. */
export interface CoopDelegatesTable {
  affiliation_id: string;
  account_id: string;
  created_at: string;
}

/** Moderators of remote groups our members belong to, as their Add/Remove told us. */
export interface RemoteGroupModeratorsTable {
  group_uri: string;
  actor_uri: string;
  created_at: string;
}

/** An actor a moderator removed and banned: their Follow is rejected until unbanned. */
export interface GroupBansTable {
  group_id: string;
  actor_uri: string;
  /** The moderator's actor URI. */
  banned_by: string;
  reason: string;
  created_at: string;
}

/** What the group's moderators did: ban, unban, delete, hide, unhide. */
export interface GroupModerationLogTable {
  id: string;
  group_id: string;
  action: "ban" | "unban" | "delete" | "hide" | "unhide" | "dismiss";
  moderator_uri: string;
  /** The actor banned, or the post acted on. */
  target_uri: string;
  reason: string;
  created_at: string;
}

export type GroupsSchema = {
  groups: GroupsTable;
  group_members: GroupMembersTable;
  group_delegates: GroupDelegatesTable;
  coop_affiliations: CoopAffiliationsTable;
  coop_delegates: CoopDelegatesTable;
  remote_group_moderators: RemoteGroupModeratorsTable;
  group_bans: GroupBansTable;
  group_moderation_log: GroupModerationLogTable;
};
