/**
 * A parsed query's words as each dialect's full-text expression. Words reach
 * here as letters and digits only (query.ts wordsOf), so quoting is enough for
 * FTS5; PostgreSQL gets them as bound parameters.
 */
import { type Kysely, sql } from "kysely";
import type { Schema } from "../db/schema.ts";
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

type Variants = "plainto_tsquery" | "phraseto_tsquery";

/** The term as tsquery text stemmed as English, as Spanish and as is ('simple'), in one row. */
const variantsOf = (fn: Variants, text: string) => {
  const f = sql.raw(fn);
  return sql`ARRAY[${f}('english', ${text})::text, ${f}('spanish', ${text})::text, ${f}('simple', ${text})::text]`;
};

/**
 * The PostgreSQL tsquery for the query's words, phrases and exclusions, as text
 * (empty: nothing to search). A word matches a post whatever language it was
 * indexed in: its English, Spanish and 'simple' forms OR-ed, each form once (the
 * GIN index reads a posting list per form). A stop word in either language is
 * dropped (an English post has no lexeme for "the", so requiring it would find
 * nothing), as Mastodon's own search does. A phrase also requires its words: the
 * planner can estimate how many posts have words, not a phrase. PostgreSQL makes
 * every form (one round trip); they are joined here, as tsquery text it wrote.
 */
export async function tsQueryText(db: Kysely<Schema>, q: ParsedQuery): Promise<string> {
  const terms: { fn: Variants; text: string; negated: boolean }[] = [
    ...q.words.map((text) => ({ fn: "plainto_tsquery" as const, text, negated: false })),
    ...q.phrases.flatMap((text) => [
      { fn: "plainto_tsquery" as const, text, negated: false },
      { fn: "phraseto_tsquery" as const, text, negated: false },
    ]),
    ...q.excluded.map((text) => ({ fn: "plainto_tsquery" as const, text, negated: true })),
  ];
  if (terms.length === 0) return "";
  const row = await sql<Record<string, string[]>>`SELECT ${sql.join(
    terms.map((t, i) => sql`${variantsOf(t.fn, t.text)} AS ${sql.ref(`t${i}`)}`),
  )}`.execute(db);
  const forms = row.rows[0] ?? {};
  const parts: string[] = [];
  terms.forEach((term, i) => {
    const [english = "", spanish = "", simple = ""] = forms[`t${i}`] ?? [];
    if (!english || !spanish) return;
    const unique = [...new Set([english, spanish, simple].filter(Boolean))];
    const any = unique.map((f) => `(${f})`).join(" | ");
    parts.push(term.negated ? `!(${any})` : `(${any})`);
  });
  // Only exclusions left: nothing to find.
  if (!parts.some((p) => !p.startsWith("!"))) return "";
  return parts.join(" & ");
}
