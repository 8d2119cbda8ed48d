/**
 * Kysely queries built and compiled once per shape, then run with new values
 * (issue 24). Building and compiling a query costs more than SQLite takes to run
 * it: a page of 40 posts reads through some fifteen queries, each rebuilt from
 * scratch before. A prepared query is written as usual, over named arguments; it is
 * built once with stand-ins for the values, compiled, and each stand-in's place in
 * the compiled parameters remembered, so a run only fills in the values.
 *
 * A list argument (`where("id", "in", ids)`) makes one shape per length; lengths are
 * rounded up to a multiple of 8 by repeating the last value (the same rows), so a
 * page of 40 posts and one of 46 share few shapes, and SQLite prepares each once
 * (its statement cache keys on the SQL text).
 */
import type { Compilable, CompiledQuery, Kysely } from "kysely";
import type { Schema } from "./schema.ts";

type Args = Record<string, string | number | null | readonly string[]>;

const STAND_IN = "\u0000synco-arg:";
const STEP = 8;
const MAX_SHAPES = 64;

interface Shape {
  sql: CompiledQuery;
  /** For each compiled parameter: the argument's name and index in a list, or the literal itself. */
  slots: ({ name: string; index: number } | { value: unknown })[];
}

const padded = (n: number) => Math.max(STEP, Math.ceil(n / STEP) * STEP);

/**
 * A query run as `run(db, args)`; `build` must use the arguments only as values (in
 * `where`, `in`…), never to choose the query's form: the form is fixed by the list
 * lengths alone. An empty list is the caller's to avoid (no query is made for it).
 */
export function prepared<A extends Args, R>(build: (db: Kysely<Schema>, args: A) => Compilable<R>) {
  // One cache per handle: a compiled query is in its dialect (? or $1 placeholders).
  const byDb = new WeakMap<Kysely<Schema>, Map<string, Shape>>();

  const shapeOf = (db: Kysely<Schema>, args: A, key: string): Shape => {
    const standIns: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(args))
      standIns[name] = Array.isArray(value)
        ? Array.from({ length: padded(value.length) }, (_, i) => `${STAND_IN}${name}:${i}`)
        : `${STAND_IN}${name}:-1`;
    const sql = build(db, standIns as A).compile();
    const slots = sql.parameters.map((p) => {
      if (typeof p !== "string" || !p.startsWith(STAND_IN)) return { value: p };
      const [name = "", index = "-1"] = p.slice(STAND_IN.length).split(":");
      return { name, index: Number(index) };
    });
    let shapes = byDb.get(db);
    if (!shapes) {
      shapes = new Map();
      byDb.set(db, shapes);
    }
    if (shapes.size >= MAX_SHAPES) shapes.delete(shapes.keys().next().value as string);
    const shape = { sql, slots };
    shapes.set(key, shape);
    return shape;
  };

  return async (db: Kysely<Schema>, args: A): Promise<R[]> => {
    let key = "";
    for (const [name, value] of Object.entries(args))
      if (Array.isArray(value)) {
        if (value.length === 0) throw new Error(`prepared query: the list ${name} is empty`);
        key += `${name}:${padded(value.length)};`;
      }
    const shape = byDb.get(db)?.get(key) ?? shapeOf(db, args, key);
    const parameters = shape.slots.map((slot) => {
      if ("value" in slot) return slot.value;
      const value = args[slot.name];
      if (!Array.isArray(value)) return value;
      return value[Math.min(slot.index, value.length - 1)];
    });
    const result = await db.executeQuery<R>({ ...shape.sql, parameters });
    return result.rows;
  };
}
