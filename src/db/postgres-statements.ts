/**
 * Named prepared statements of one PostgreSQL connection (issue 24). A query's
 * text seen a second time on a connection gets a name there; pg then sends Parse
 * only once for it, and the server keeps its parse tree and plan (PostgreSQL
 * re-plans by itself when an index or a table's statistics change). A text seen
 * once stays unnamed, so the one-off shapes (long IN lists) never take a slot.
 *
 * Bounded: at most `max` texts per connection, the least recently used
 * deallocated beyond that. Names are never reused on a connection, so a
 * deallocation still queued, or one that failed, can never meet a new statement.
 *
 * A schema change makes a named statement's result shape stale (PostgreSQL refuses
 * it: "cached plan must not change result type"). Two guards:
 * - a schema change run through this handle (a migration, a test's ALTER TABLE)
 *   bumps the handle's generation; each connection forgets its names (DEALLOCATE
 *   ALL) before its next query;
 * - one run by another process shows as that error: the connection forgets its
 *   names and the caller runs the query again unnamed (outside a transaction;
 *   inside one the transaction has failed and fails, once per connection).
 */
import type pg from "pg";

/** Schema changes: a statement prepared before one may read a different shape after it. */
const SCHEMA_CHANGE = /^\s*(?:alter|create|drop|do|comment)\s/i;
/** What may be prepared: one statement of plain DML (Kysely's queries start so). */
const PREPARABLE = /^\s*(?:select|insert|update|delete|with)\s/i;

/** pg's record of what it parsed on a connection (not in its types). */
interface ParsedRecord {
  connection?: { parsedStatements?: Record<string, string> };
}

export class StatementNames {
  readonly #client: pg.Client;
  readonly #schema: { generation: number };
  readonly #max: number;
  #generation: number;
  /** Text → its name here (null: seen once, not named yet); least recently used first. */
  #byText = new Map<string, string | null>();
  #counter = 0;

  constructor(client: pg.Client, schema: { generation: number }, max: number) {
    this.#client = client;
    this.#schema = schema;
    this.#max = max;
    this.#generation = schema.generation;
  }

  /** The name to run `sql` under on this connection, or undefined to run it unnamed. */
  nameFor(sql: string, parameterCount: number): string | undefined {
    if (this.#generation !== this.#schema.generation) {
      this.#generation = this.#schema.generation;
      this.forgetAll();
    }
    // Without parameters pg sends a simple query, which may hold several statements.
    if (parameterCount === 0) return undefined;
    const known = this.#byText.get(sql);
    if (known === undefined) {
      if (!PREPARABLE.test(sql)) return undefined;
      this.#remember(sql, null);
      return undefined;
    }
    // Most recently used last: delete and set again.
    this.#byText.delete(sql);
    const name = known ?? `synco_${++this.#counter}`;
    this.#byText.set(sql, name);
    return name;
  }

  /** A named run failed: the name is dropped (pg parsed nothing under it, or it is stale). */
  failed(sql: string, name: string): void {
    if (this.#byText.get(sql) === name) this.#byText.delete(sql);
  }

  /** After any statement: a schema change through this handle stales every connection's names. */
  afterRun(sql: string): void {
    if (SCHEMA_CHANGE.test(sql)) this.#schema.generation++;
  }

  /** Whether `error` is PostgreSQL refusing a statement prepared before a schema change; if so, forgets them all. */
  staleShape(error: unknown): boolean {
    const e = error as { code?: string; message?: string };
    if (e?.code !== "0A000" || !e.message?.includes("cached plan must not change result type"))
      return false;
    this.forgetAll();
    return true;
  }

  /** Deallocates every statement named here (queued on the connection, before its next query). */
  forgetAll(): void {
    const names = [...this.#byText.values()].filter((n): n is string => n !== null);
    this.#byText = new Map();
    if (names.length === 0) return;
    this.#deallocate("DEALLOCATE ALL", names);
  }

  #remember(sql: string, name: string | null): void {
    this.#byText.set(sql, name);
    if (this.#byText.size <= this.#max) return;
    const [oldest, oldName] = this.#byText.entries().next().value as [string, string | null];
    this.#byText.delete(oldest);
    if (oldName) this.#deallocate(`DEALLOCATE ${oldName}`, [oldName]);
  }

  #deallocate(command: string, names: string[]): void {
    // The callback runs once the server has done it (or refused: an aborted
    // transaction; the statements then stay until the connection closes, unused).
    this.#client.query(command, () => {
      const parsed = (this.#client as unknown as ParsedRecord).connection?.parsedStatements;
      if (parsed) for (const name of names) delete parsed[name];
    });
  }
}
