/**
 * Tables of media (issue 17): articles with their revisions, the editorial
 * workflow's log and comments. A published article is also a post (kind
 * "article", posts.id = articles.post_id), which is what timelines, federation,
 * search and feeds read; these tables keep what only the writing needs (the
 * Markdown, the drafts, who did what). A publication is a Group of kind
 * "publication" (schema/groups.ts): editors are its admins and moderators,
 * writers its active members.
 */
import type { Generated } from "kysely";

/**
 * draft → submitted → returned (with comments) → submitted … → approved →
 * scheduled or published. A member's own article (no publication) goes from
 * draft straight to scheduled or published.
 */
export type ArticleState =
  | "draft"
  | "submitted"
  | "returned"
  | "approved"
  | "scheduled"
  | "published";

export interface ArticlesTable {
  id: string;
  author_account_id: string;
  /** The publication (groups.id, kind "publication"), or null for the member's own blog. */
  publication_id: string | null;
  /** Unique on the node: the public page is /articles/{slug}. */
  slug: string;
  state: ArticleState;
  title: string;
  summary: Generated<string>;
  /** The Markdown as written (the post keeps the rendered HTML). */
  body: Generated<string>;
  language: string | null;
  /** JSON array of lower-cased tags without '#'. */
  tags: Generated<string>;
  /** An upload of the writer's (purpose "attachment"), with its alt text. */
  cover_upload_id: string | null;
  cover_alt: Generated<string>;
  /** The number of the latest revision (article_revisions.number). */
  revision: Generated<number>;
  /** The post it was published as. */
  post_id: string | null;
  scheduled_at: string | null;
  published_at: string | null;
  /** Featured on the publication's front page (newest first). */
  featured_at: string | null;
  /** 1: no new comments (replies), local or from elsewhere. */
  comments_locked: Generated<number>;
  created_at: string;
  updated_at: string;
}

/** Every saved version, numbered from 1; the article row holds the latest. */
export interface ArticleRevisionsTable {
  id: string;
  article_id: string;
  number: number;
  /** Who saved it (the writer or an editor). */
  editor_account_id: string | null;
  title: string;
  summary: string;
  body: string;
  /** Set when this revision restored an earlier one. */
  restored_from: number | null;
  created_at: string;
}

export type ArticleAction =
  | "created"
  | "revised"
  | "restored"
  | "submitted"
  | "returned"
  | "approved"
  | "scheduled"
  | "unscheduled"
  | "published"
  | "updated"
  | "featured"
  | "unfeatured"
  | "comments-locked"
  | "comments-unlocked"
  | "comment-hidden"
  | "comment-shown"
  | "comment-deleted";

/** Who did what to an article, in order (actor null: the scheduler). */
export interface ArticleLogTable {
  id: string;
  article_id: string;
  actor_account_id: string | null;
  action: ArticleAction;
  /** The revision it concerned. */
  revision: number;
  /** A general comment given with the action (returning, approving). */
  note: Generated<string>;
  /** The comment (post) a moderation action concerned. */
  post_id: string | null;
  created_at: string;
}

/** An editor's comment on a revision: general (quote "") or inline (on the quoted passage). */
export interface ArticleCommentsTable {
  id: string;
  article_id: string;
  /** The log entry ("returned", "approved") it came with. */
  log_id: string;
  author_account_id: string | null;
  revision: number;
  quote: Generated<string>;
  body: string;
  created_at: string;
}

export type PublicationRole = "editor" | "writer";

/**
 * Who writes for a publication. Its group members are its readers (local members
 * and fediverse followers alike), so the masthead is kept apart: writers write
 * and submit, editors also return, approve, publish, feature and moderate comments.
 */
export interface PublicationStaffTable {
  publication_id: string;
  account_id: string;
  role: PublicationRole;
  created_at: string;
}

export type MediaSchema = {
  publication_staff: PublicationStaffTable;
  articles: ArticlesTable;
  article_revisions: ArticleRevisionsTable;
  article_log: ArticleLogTable;
  article_comments: ArticleCommentsTable;
};
