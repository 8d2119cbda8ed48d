import { type Kysely, PostgresAdapter, sql } from "kysely";

/**
 * Full-text search (issue 17). A post that is not a boost and not deleted has a
 * row in search_documents (title; summary and content warning; text). Triggers on
 * posts keep it in step — an insert, an edit, a deletion (tombstone or row) — so
 * every write path, local or remote, is covered. Hidden posts stay indexed:
 * visibility is decided when searching (social/visibility.ts), as for timelines.
 *
 * SQLite: an FTS5 table with external content (search_documents), kept in step by
 * triggers on search_documents (sqlite.org/fts5.html §4.4.3); tokenizer porter over
 * unicode61 without diacritics (English stemming; Spanish plurals fold too). The
 * text comes from synco_plain_text, a function every connection registers
 * (db/sqlite.ts). doc_id is an INTEGER PRIMARY KEY: FTS5 needs an integer rowid,
 * and posts' own rowid may change on VACUUM.
 *
 * PostgreSQL: a generated tsvector in the post's language configuration
 * ('english', 'spanish', else 'simple'), title weighted A, summary B, text C, with
 * a GIN index; the trigger function upserts the row.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) await postgres(db);
  else await sqlite(db);
}

async function sqlite(db: Kysely<any>) {
  await sql`CREATE TABLE search_documents (
    doc_id INTEGER PRIMARY KEY,
    post_id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    body TEXT NOT NULL
  )`.execute(db);
  await sql`CREATE VIRTUAL TABLE search_index USING fts5(
    title, summary, body,
    content='search_documents', content_rowid='doc_id',
    tokenize='porter unicode61 remove_diacritics 2'
  )`.execute(db);
  // bm25 weights: a word in the title counts most, then the summary, then the text.
  await sql`INSERT INTO search_index(search_index, rank) VALUES ('rank', 'bm25(10.0, 4.0, 1.0)')`.execute(
    db,
  );
  await sql`CREATE TRIGGER search_documents_insert AFTER INSERT ON search_documents BEGIN
    INSERT INTO search_index(rowid, title, summary, body)
      VALUES (new.doc_id, new.title, new.summary, new.body);
  END`.execute(db);
  await sql`CREATE TRIGGER search_documents_delete AFTER DELETE ON search_documents BEGIN
    INSERT INTO search_index(search_index, rowid, title, summary, body)
      VALUES ('delete', old.doc_id, old.title, old.summary, old.body);
  END`.execute(db);
  await sql`CREATE TRIGGER posts_search_insert AFTER INSERT ON posts
    WHEN new.deleted_at IS NULL AND new.reblog_of_id IS NULL BEGIN
    INSERT INTO search_documents(post_id, title, summary, body)
      VALUES (new.id, new.title, trim(new.summary || ' ' || new.spoiler),
        synco_plain_text(new.content_html));
  END`.execute(db);
  // Only when what is indexed changed: counters and the like update posts often.
  await sql`CREATE TRIGGER posts_search_update AFTER UPDATE ON posts
    WHEN new.title IS NOT old.title OR new.summary IS NOT old.summary
      OR new.spoiler IS NOT old.spoiler OR new.content_html IS NOT old.content_html
      OR new.deleted_at IS NOT old.deleted_at OR new.reblog_of_id IS NOT old.reblog_of_id
      OR new.id IS NOT old.id BEGIN
    DELETE FROM search_documents WHERE post_id = old.id;
    INSERT INTO search_documents(post_id, title, summary, body)
      SELECT new.id, new.title, trim(new.summary || ' ' || new.spoiler),
        synco_plain_text(new.content_html)
      WHERE new.deleted_at IS NULL AND new.reblog_of_id IS NULL;
  END`.execute(db);
  await sql`CREATE TRIGGER posts_search_delete AFTER DELETE ON posts BEGIN
    DELETE FROM search_documents WHERE post_id = old.id;
  END`.execute(db);
  // Backfill: the insert trigger on search_documents indexes each row.
  await sql`INSERT INTO search_documents(post_id, title, summary, body)
    SELECT id, title, trim(summary || ' ' || spoiler), synco_plain_text(content_html)
    FROM posts WHERE deleted_at IS NULL AND reblog_of_id IS NULL ORDER BY id`.execute(db);
}

async function postgres(db: Kysely<any>) {
  // The same text as kernel/plain-text.ts: block ends become spaces, tags go,
  // the references our sanitizer and Mastodon's write are decoded, control characters
  // (search marks its matches with two) become spaces.
  await sql`CREATE FUNCTION synco_plain_text(html text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT btrim(regexp_replace(
      replace(replace(replace(replace(replace(replace(replace(
        regexp_replace(
          regexp_replace(regexp_replace(coalesce(html, ''), '[\x01-\x1f\x7f]', ' ', 'g'),
            '</?(p|br|div|li|ul|ol|h[1-6]|blockquote|pre|tr|td|th|table|figure|figcaption|hr|sup|sub|section|article|aside|header|footer|dt|dd)([\\s/][^>]*)?>',
            ' ', 'gi'),
          '<[^>]*>', '', 'g'),
        '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&#39;', ''''), '&#x27;', ''''),
        '&nbsp;', ' '), '&amp;', '&'),
      '\\s+', ' ', 'g'))
  $$`.execute(db);
  await sql`CREATE FUNCTION synco_search_config(language text) RETURNS regconfig
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE lower(split_part(coalesce(language, ''), '-', 1))
      WHEN 'en' THEN 'english'::regconfig
      WHEN 'es' THEN 'spanish'::regconfig
      ELSE 'simple'::regconfig END
  $$`.execute(db);
  await sql`CREATE TABLE search_documents (
    post_id text PRIMARY KEY,
    config regconfig NOT NULL,
    title text NOT NULL,
    summary text NOT NULL,
    body text NOT NULL,
    document tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector(config, title), 'A')
      || setweight(to_tsvector(config, summary), 'B')
      || setweight(to_tsvector(config, body), 'C')
    ) STORED
  )`.execute(db);
  await sql`CREATE INDEX search_documents_document ON search_documents USING gin (document)`.execute(
    db,
  );
  await sql`CREATE FUNCTION synco_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'DELETE' THEN
      DELETE FROM search_documents WHERE post_id = OLD.id;
      RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.id IS DISTINCT FROM OLD.id THEN
      DELETE FROM search_documents WHERE post_id = OLD.id;
    END IF;
    IF NEW.deleted_at IS NOT NULL OR NEW.reblog_of_id IS NOT NULL THEN
      DELETE FROM search_documents WHERE post_id = NEW.id;
      RETURN NEW;
    END IF;
    INSERT INTO search_documents (post_id, config, title, summary, body)
      VALUES (NEW.id, synco_search_config(NEW.language), NEW.title,
        btrim(NEW.summary || ' ' || NEW.spoiler), synco_plain_text(NEW.content_html))
      ON CONFLICT (post_id) DO UPDATE SET config = EXCLUDED.config, title = EXCLUDED.title,
        summary = EXCLUDED.summary, body = EXCLUDED.body;
    RETURN NEW;
  END $$`.execute(db);
  // UPDATE OF these columns only: counters and the like update posts often.
  await sql`CREATE TRIGGER posts_search AFTER INSERT OR DELETE
    OR UPDATE OF id, title, summary, spoiler, content_html, language, deleted_at, reblog_of_id
    ON posts FOR EACH ROW EXECUTE FUNCTION synco_search_sync()`.execute(db);
  await sql`INSERT INTO search_documents (post_id, config, title, summary, body)
    SELECT id, synco_search_config(language), title, btrim(summary || ' ' || spoiler),
      synco_plain_text(content_html)
    FROM posts WHERE deleted_at IS NULL AND reblog_of_id IS NULL`.execute(db);
}
