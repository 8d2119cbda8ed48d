/**
 * Tables of the social network: posts (local and remote alike), their mentions,
 * hashtags and media, polls and votes, likes, bookmarks, pins, the home feed
 * (fan-out on write), notifications, and the co-op's moderation.
 */
import type { Generated } from "kysely";

export type Visibility = "public" | "unlisted" | "followers" | "direct";

/**
 * What a post is (its ActivityStreams type): a note, a page (a group's thread,
 * with a title) or an article (title, summary). A note with a poll goes out as
 * a Question (has_poll).
 */
export type PostKind = "note" | "page" | "article";

/**
 * A post by a member (author_account_id) or by a remote actor (author_remote_id).
 * A boost is a post too (reblog_of_id set, no content), as in Mastodon, so it
 * appears in timelines by the same queries. Deleted posts keep their row (with
 * content emptied) until the Delete has gone out; deleted_at hides them.
 *
 * A group post is a post whose audience is a Group (FEP-1b12): audience_uri names
 * the Group, group_id is set when the group is hosted here. Its "followers"
 * visibility means the group's members, not the author's followers.
 */
export interface PostsTable {
  id: string;
  uri: string;
  url: string | null;
  author_uri: string;
  author_account_id: string | null;
  author_remote_id: string | null;
  local: number;
  visibility: Visibility;
  in_reply_to_id: string | null;
  in_reply_to_uri: string | null;
  /** The id of the first post of the thread (itself for a thread's start). */
  thread_id: string;
  reblog_of_id: string | null;
  /** What a member typed (local posts only), so edits start from it. */
  source: Generated<string>;
  content_html: Generated<string>;
  spoiler: Generated<string>;
  sensitive: Generated<number>;
  language: string | null;
  has_poll: Generated<number>;
  replies_count: Generated<number>;
  reblogs_count: Generated<number>;
  likes_count: Generated<number>;
  created_at: string;
  edited_at: string | null;
  deleted_at: string | null;
  kind: Generated<PostKind>;
  /** A page's or an article's title (ActivityStreams `name`). */
  title: Generated<string>;
  /** An article's summary (not a content warning: that is `spoiler`). */
  summary: Generated<string>;
  /** The Group the post was written in, or null. */
  audience_uri: Generated<string | null>;
  /** That group when it is hosted here. */
  group_id: Generated<string | null>;
  /** Hidden by the group's moderators: shown to them only. */
  hidden_at: Generated<string | null>;
  /** A Create received for a group hosted here (JSON), announced unchanged (FEP-1b12). */
  activity_json: Generated<string | null>;
}

/**
 * A version of a post that an edit replaced (local edits and remote Update),
 * as it was: created_at is when that version was written (the post's creation
 * or its previous edit). The current version stays in posts.
 */
export interface PostEditsTable {
  id: string;
  post_id: string;
  source: Generated<string>;
  content_html: Generated<string>;
  spoiler: Generated<string>;
  sensitive: Generated<number>;
  /** JSON: [{ url, mediaType, description }] as the version showed them. */
  media: Generated<string>;
  /** JSON: the poll's option titles, or null. */
  poll_options: string | null;
  created_at: string;
}

/** Who a post mentions: a member (account_id) or a remote actor (remote_id). */
export interface PostMentionsTable {
  post_id: string;
  actor_uri: string;
  account_id: string | null;
  remote_id: string | null;
  /** @user or @user@host, as written. */
  handle: string;
  /**
   * 1 when an edit removed the mention: the actor still hears of later edits and
   * the deletion (Mastodon's "silent" mentions), but is no longer tagged.
   */
  silent: Generated<number>;
}

export interface PostTagsTable {
  post_id: string;
  /** Lower-cased, without the '#'. */
  tag: string;
}

/** Images: our uploads (upload_id) or a remote server's (remote_url). */
export interface PostMediaTable {
  id: string;
  post_id: string;
  position: number;
  upload_id: string | null;
  remote_url: string | null;
  media_type: string;
  description: Generated<string>;
  width: number | null;
  height: number | null;
  /** "x,y" in [-1, 1] (Mastodon's focal point), or null. */
  focus: string | null;
}

export interface PollsTable {
  post_id: string;
  multiple: number;
  /** JSON: [{ title, votes }] in order. */
  options: string;
  voters_count: Generated<number>;
  expires_at: string | null;
  closed_at: string | null;
  /** Set once the poll-ended notifications were written (and the final Update sent). */
  ended_notified: Generated<number>;
}

/** One row per voter and choice (anyOf polls allow several choices, one each). */
export interface PollVotesTable {
  id: string;
  post_id: string;
  choice: number;
  voter_uri: string;
  account_id: string | null;
  remote_id: string | null;
  /** The vote Note's id: ours when a member voted, theirs when a remote actor did. */
  uri: string;
  created_at: string;
}

export interface LikesTable {
  id: string;
  post_id: string;
  actor_uri: string;
  account_id: string | null;
  remote_id: string | null;
  /** The Like activity's id. */
  uri: string;
  created_at: string;
}

export interface BookmarksTable {
  account_id: string;
  post_id: string;
  created_at: string;
}

export interface PinsTable {
  account_id: string;
  post_id: string;
  created_at: string;
}

/** A remote actor's pinned posts, read from its `featured` collection (migration 0011). */
export interface RemotePinsTable {
  remote_id: string;
  post_id: string;
  /** 0 for the first item of the collection (its most recent pin). */
  position: number;
}

/** The home feed of each member, written when a post arrives or is made (fan-out on write). */
export interface HomeEntriesTable {
  account_id: string;
  post_id: string;
}

export type NotificationType =
  | "follow"
  | "follow_request"
  | "mention"
  | "reply"
  | "reblog"
  | "favourite"
  | "poll"
  // Decisions (governance/decisions): not Mastodon types, so the client API leaves them out.
  | "decision_opened"
  | "decision_reminder"
  | "decision_outcome"
  // Participatory budgeting (governance/budgeting/processes): from_uri is the process.
  | "budget_phase"
  | "budget_project"
  // The host refused a proposal, edit or withdrawal sent from a copy; from_uri is the proposal here, with why.
  | "budget_refused"
  // Someone commented on the member's proposal; from_uri is the project here.
  | "budget_comment"
  // The opsroom (economy/opsroom): from_uri is the alarm's page.
  | "indicator_alarm"
  | "indicator_escalated"
  // The marketplace (economy/market): from_uri is the new offer or need a member watches for.
  | "economy_match"
  // Agreements (economy/agreements/notices.ts): from_uri is the agreement's page here.
  | "economy_agreement_offered"
  | "economy_agreement_answered"
  // Plan rounds (economy/plan-rounds): from_uri is the round's page here.
  | "plan_round"
  // A post the member boosted was edited (Mastodon's "update").
  | "update"
  // For moderators and admins (social/staff-notices.ts); subject_id names what it is about.
  | "group_join_request"
  | "report"
  | "sign_up";

export interface NotificationsTable {
  id: string;
  account_id: string;
  type: NotificationType;
  from_uri: string;
  from_account_id: string | null;
  from_remote_id: string | null;
  post_id: string | null;
  read: Generated<number>;
  created_at: string;
  /** What a notice is about besides a post: a report, a group, an applicant's account. */
  subject_id: Generated<string | null>;
  /** 1 while a notice waits for the mail sweep (social/notice-mail.ts). */
  mail_pending: Generated<number>;
}

/** Blocks and mutes between a member and any actor (kind tells which). */
export interface ActorFiltersTable {
  account_id: string;
  target_uri: string;
  kind: "block" | "mute";
  created_at: string;
}

export interface ReportsTable {
  id: string;
  /** A member's account, or null when the report came from another server (Flag). */
  reporter_account_id: string | null;
  reporter_uri: string;
  target_uri: string;
  /** JSON array of post ids reported. */
  post_ids: string;
  comment: Generated<string>;
  status: Generated<"open" | "resolved">;
  forwarded: Generated<number>;
  /** The Flag's id (theirs when received, ours when forwarded). */
  uri: string | null;
  created_at: string;
  resolved_at: string | null;
  resolved_by: string | null;
  /** The group hosted here whose post is reported: its moderators see the report too. */
  group_id: Generated<string | null>;
  /** Settled by the group's moderators (the co-op's `status` is apart); the moderator's URI. */
  group_resolved_at: Generated<string | null>;
  group_resolved_by: Generated<string | null>;
}

/** A moderator's decision about one remote actor (local accounts use accounts.status). */
export interface ActorLimitsTable {
  actor_uri: string;
  level: "silence" | "suspend";
  created_at: string;
}

/** Domain policy: suspend (defederate), silence (limit), or allow (for allow-list mode). */
export interface DomainPoliciesTable {
  domain: string;
  policy: "suspend" | "silence" | "allow";
  reason: Generated<string>;
  created_at: string;
}

export interface ModerationLogTable {
  id: string;
  moderator_id: string | null;
  action: string;
  target: string;
  reason: Generated<string>;
  created_at: string;
}

/** A hashtag a member follows: its public posts enter their home feed. */
export interface FollowedTagsTable {
  account_id: string;
  /** Lower-cased, without the '#'. */
  tag: string;
  created_at: string;
}

export type FilterContext = "home" | "notifications" | "public" | "thread" | "account";

/** A member's filter (Mastodon's filters v2): warn shows the post behind a warning, hide removes it. */
export interface KeywordFiltersTable {
  id: string;
  account_id: string;
  title: string;
  /** JSON array of FilterContext. */
  context: string;
  action: "warn" | "hide";
  expires_at: string | null;
  created_at: string;
}

export interface FilterKeywordsTable {
  id: string;
  filter_id: string;
  keyword: string;
  whole_word: Generated<number>;
}

export interface FilterStatusesTable {
  id: string;
  filter_id: string;
  post_id: string;
}

export type NotificationPolicyValue = "accept" | "filter" | "drop";

export interface NotificationPoliciesTable {
  account_id: string;
  for_not_following: Generated<NotificationPolicyValue>;
  for_not_followers: Generated<NotificationPolicyValue>;
  for_new_accounts: Generated<NotificationPolicyValue>;
  for_private_mentions: Generated<NotificationPolicyValue>;
  for_limited_accounts: Generated<NotificationPolicyValue>;
  /** 1: notices for moderators and admins also come by mail. */
  mail_notices: Generated<number>;
}

export type SocialSchema = {
  followed_tags: FollowedTagsTable;
  keyword_filters: KeywordFiltersTable;
  filter_keywords: FilterKeywordsTable;
  filter_statuses: FilterStatusesTable;
  notification_policies: NotificationPoliciesTable;
  posts: PostsTable;
  post_edits: PostEditsTable;
  post_mentions: PostMentionsTable;
  post_tags: PostTagsTable;
  post_media: PostMediaTable;
  polls: PollsTable;
  poll_votes: PollVotesTable;
  likes: LikesTable;
  bookmarks: BookmarksTable;
  pins: PinsTable;
  remote_pins: RemotePinsTable;
  home_entries: HomeEntriesTable;
  notifications: NotificationsTable;
  actor_filters: ActorFiltersTable;
  reports: ReportsTable;
  actor_limits: ActorLimitsTable;
  domain_policies: DomainPoliciesTable;
  moderation_log: ModerationLogTable;
};
