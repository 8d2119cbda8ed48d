/**
 * The full-text search index (migration 0021): one document per searchable post,
 * kept in step with posts by triggers, so no write path can forget it. Both
 * dialects have these columns; SQLite adds the FTS5 table `search_index` (external
 * content: its text lives here), PostgreSQL a generated `document` tsvector with a
 * GIN index, stemmed in the post's language (`config`). Queries reach the
 * dialect-specific parts through sql`` in src/search/.
 */
import type { Generated } from "kysely";

export interface SearchDocumentsTable {
  /** SQLite only: the FTS5 rowid. */
  doc_id: Generated<number>;
  post_id: string;
  title: string;
  /** The article's summary and the content warning. */
  summary: string;
  /** The post's text (its HTML with the tags dropped). */
  body: string;
}

/**
 * SQLite only: the FTS5 table. `search_index` is its hidden column for MATCH,
 * `rank` its bm25 with the weights the migration set (title, summary, text).
 */
export interface SearchIndexTable {
  rowid: number;
  search_index: string;
  rank: number;
  title: string;
  summary: string;
  body: string;
}

export interface SearchSchema {
  search_documents: SearchDocumentsTable;
  search_index: SearchIndexTable;
}
