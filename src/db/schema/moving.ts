/** Tables of moving in and out (issue 25): aliases, moves, and imports of Mastodon CSV files. */
import type { Generated } from "kysely";

/** An account a member moves from: listed in their actor's `alsoKnownAs`. */
export interface AccountAliasesTable {
  account_id: string;
  /** The other account's actor id (http(s)). */
  alias_uri: string;
  created_at: string;
}

/**
 * An actor that moved (Mastodon's `movedTo`): a member of this node who moved away
 * (`account_id` set), or a remote actor whose verified Move we received.
 */
export interface ActorMovesTable {
  actor_uri: string;
  target_uri: string;
  account_id: string | null;
  moved_at: string;
}

export type ImportKind = "following" | "blocks" | "mutes" | "bookmarks" | "lists";
export type ImportMode = "merge" | "overwrite";

/** One uploaded CSV file; its rows are applied in the background (federation/moving). */
export interface ImportsTable {
  id: string;
  account_id: string;
  /** A CSV file's kind, or "posts" for an archive's outbox.json (moving/history.ts). */
  kind: ImportKind | "posts";
  mode: ImportMode;
  total_rows: number;
  done_rows: Generated<number>;
  failed_rows: Generated<number>;
  /** "queued" until every row is applied, then "done". */
  state: Generated<"queued" | "done">;
  created_at: string;
  finished_at: string | null;
}

/** A row of an import: an address or URI, and for lists the list's title. */
export interface ImportRowsTable {
  import_id: string;
  position: number;
  /** `user@domain` or an http(s) URI (accounts); a post's URI (bookmarks). */
  target: string;
  /** A list's title (lists), else "". */
  list_title: Generated<string>;
  state: Generated<"pending" | "done" | "failed">;
}

export type MovingSchema = {
  account_aliases: AccountAliasesTable;
  actor_moves: ActorMovesTable;
  imports: ImportsTable;
  import_rows: ImportRowsTable;
};
