/**
 * Who may do what to an article, in which state — the editorial workflow as a
 * pure rule (no database), so every verb asks the same question inside its
 * transaction and the pages can ask it to show only the buttons that work.
 *
 * A member's own article (no publication): its writer edits, publishes and
 * schedules it from any state. A publication's article:
 *   draft/returned --submit (writer)--> submitted --return (editor)--> returned
 *   submitted --approve (editor)--> approved --publish/schedule (editor)--> published/scheduled
 * Writers edit their own article while it is a draft or returned; editors edit
 * any article of the publication, at any stage (a copy edit is a revision too).
 * Deleting follows editing, except that only editors delete what was published.
 */
import type { ArticleState, PublicationRole } from "../db/schema/media.ts";

export type ArticleVerb =
  | "edit"
  | "submit"
  | "return"
  | "approve"
  | "publish"
  | "schedule"
  | "unschedule"
  | "feature"
  | "moderate"
  | "delete"
  | "read-draft";

export interface Standing {
  state: ArticleState;
  /** Is the actor the article's writer? */
  isAuthor: boolean;
  /** Is the article in a publication? */
  inPublication: boolean;
  /** The actor's role in that publication (null outside it, or for a personal article). */
  role: PublicationRole | null;
}

export function may(verb: ArticleVerb, s: Standing): boolean {
  if (!s.inPublication) {
    if (!s.isAuthor) return false;
    switch (verb) {
      case "edit":
      case "moderate":
      case "delete":
      case "read-draft":
        return true;
      case "publish":
      case "schedule":
        return s.state !== "published";
      case "unschedule":
        return s.state === "scheduled";
      default:
        // Submitting, returning, approving and featuring belong to publications.
        return false;
    }
  }
  const editor = s.role === "editor";
  const writer = s.role === "writer" || editor;
  switch (verb) {
    case "read-draft":
      return editor || (s.isAuthor && writer) || (s.isAuthor && s.role === null);
    case "edit":
      return editor || (s.isAuthor && writer && (s.state === "draft" || s.state === "returned"));
    case "submit":
      return s.isAuthor && writer && (s.state === "draft" || s.state === "returned");
    case "return":
      return editor && (s.state === "submitted" || s.state === "approved");
    case "approve":
      return editor && s.state === "submitted";
    case "publish":
    case "schedule":
      return editor && (s.state === "approved" || s.state === "scheduled");
    case "unschedule":
      return editor && s.state === "scheduled";
    case "feature":
      return editor && s.state === "published";
    case "moderate":
      return editor;
    case "delete":
      return editor || (s.isAuthor && writer && (s.state === "draft" || s.state === "returned"));
  }
}
