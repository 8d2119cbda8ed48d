/**
 * A parsed query's words as each dialect's full-text expression. Words reach
 * here as letters and digits only (query.ts wordsOf), so quoting is enough for
 * FTS5; PostgreSQL gets them as bound parameters.
 */
import { type RawBuilder, sql } from "kysely";
import type { ParsedQuery } from "./query.ts";

/** Does the query have words to match (else it is a filter-only search)? */
export const hasText = (q: ParsedQuery) => q.words.length > 0 || q.phrases.length > 0;

const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** An FTS5 MATCH string (sqlite.org/fts5.html §3): every word and phrase, none of the excluded. */
export function fts5Match(q: ParsedQuery): string {
  const positive = [...q.words, ...q.phrases].map(quote).join(" AND ");
  const negative = q.excluded.map((w) => ` NOT ${quote(w)}`).join("");
  return `(${positive})${negative}`;
}

/**
 * A tsquery that finds a word whatever language its post was indexed in: the
 * word stemmed as English, as Spanish and as is ('simple'), OR-ed. A stop word
 * in either language is dropped (an English post has no lexeme for "the", so
 * requiring it would find nothing), as Mastodon's own search does.
 */
function anyLanguage(
  fn: "plainto_tsquery" | "phraseto_tsquery",
  text: string,
): RawBuilder<unknown> {
  const f = sql.raw(fn);
  return sql`(CASE WHEN numnode(${f}('english', ${text})) = 0
      OR numnode(${f}('spanish', ${text})) = 0 THEN ''::tsquery
    ELSE ${f}('english', ${text}) || ${f}('spanish', ${text}) || ${f}('simple', ${text}) END)`;
}

/** The PostgreSQL tsquery for the query's words, phrases and exclusions (AND-ed). */
export function tsQuery(q: ParsedQuery): RawBuilder<unknown> {
  const parts = [
    ...q.words.map((w) => anyLanguage("plainto_tsquery", w)),
    // A phrase's words as well as the phrase: the planner estimates how many posts
    // have the words (it cannot for a phrase), and the GIN index finds them.
    ...q.phrases.flatMap((p) => [
      anyLanguage("plainto_tsquery", p),
      anyLanguage("phraseto_tsquery", p),
    ]),
    ...q.excluded.map((w) => sql`!!${anyLanguage("plainto_tsquery", w)}`),
  ];
  return sql`(${sql.join(parts, sql` && `)})`;
}
