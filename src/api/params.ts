/**
 * Mastodon takes parameters from the query string, JSON bodies, url-encoded
 * forms and multipart forms alike, with Rails' bracket notation for arrays and
 * nested objects (`media_ids[]=1`, `poll[options][]=a`). All of them end up
 * here as one plain object; zod then checks it at the edge.
 */

import { bareObject, isUnsafeKey, jsonShapeProblem } from "../kernel/object-keys.ts";
import type { ApiContext } from "./deps.ts";
import { ApiError } from "./errors.ts";

export type Params = Record<string, unknown>;

/** Pairs a query string, or a form, may carry. */
export const MAX_PARAMS = 1_000;
/** Levels of brackets in one key: `poll[options][]` is 3. */
export const MAX_PARAM_DEPTH = 8;
/** JSON bodies: nesting, and objects, arrays and values together. */
export const MAX_JSON_DEPTH = 16;
export const MAX_JSON_VALUES = 10_000;

const unsafeKey = () =>
  new ApiError(400, "Parameter names __proto__, constructor and prototype are not allowed");

function setPath(target: Params, key: string, value: unknown): void {
  const parts = key.replace(/\]/g, "").split("[");
  if (parts.length > MAX_PARAM_DEPTH)
    throw new ApiError(400, `Parameter names nest at most ${MAX_PARAM_DEPTH} levels`);
  if (parts.some(isUnsafeKey)) throw unsafeKey();
  let at: Record<string, unknown> = target;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? "";
    const last = i === parts.length - 1;
    const nextIsArray = parts[i + 1] === "";
    if (last) {
      if (part === "" && Array.isArray(at)) (at as unknown[]).push(value);
      else at[part] = value;
      return;
    }
    if (part === "" && Array.isArray(at)) {
      // Rails: `a[][k]=1&a[][j]=2` is one element; a key seen again starts the next one.
      const list = at as unknown[];
      const previous = list.at(-1);
      const nextKey = parts[i + 1] ?? "";
      if (
        typeof previous === "object" &&
        previous !== null &&
        !Array.isArray(previous) &&
        !(nextKey in previous)
      ) {
        at = previous as Record<string, unknown>;
        continue;
      }
      const fresh = bareObject();
      list.push(fresh);
      at = fresh;
      continue;
    }
    const existing = at[part];
    if (existing === undefined || typeof existing !== "object" || existing === null)
      at[part] = nextIsArray ? [] : bareObject();
    at = at[part] as Record<string, unknown>;
  }
}

/**
 * Pairs (from a query string or form) into an object with bracket notation
 * expanded. Objects have no prototype, and the names that reach one are refused
 * (kernel/object-keys.ts): 400, nothing is built.
 */
export function fromPairs(pairs: Iterable<[string, unknown]>): Params {
  const out = bareObject();
  let count = 0;
  for (const [key, value] of pairs) {
    if (++count > MAX_PARAMS) throw new ApiError(400, `At most ${MAX_PARAMS} parameters`);
    if (key.includes("[")) setPath(out, key, value);
    else if (isUnsafeKey(key)) throw unsafeKey();
    else out[key] = value;
  }
  return out;
}

/** Body parameters over query ones, in a new object without a prototype. */
const merged = (query: Params, body: Params): Params =>
  Object.assign(bareObject(), query, body) as Params;

/** Query, then body (JSON, form or multipart) over it; 400 when the body cannot be read. */
export async function readParams(c: ApiContext): Promise<Params> {
  const url = new URL(c.req.url);
  const query = fromPairs(url.searchParams.entries());
  if (c.req.method === "GET" || c.req.method === "HEAD") return query;
  const type = c.req.header("content-type") ?? "";
  if (type.includes("application/json")) {
    const text = await c.req.text();
    if (!text.trim()) return query;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new ApiError(400, "Unable to parse the request body as JSON");
    }
    if (typeof body !== "object" || body === null || Array.isArray(body))
      throw new ApiError(400, "Request body must be a JSON object");
    const problem = jsonShapeProblem(body, {
      maxDepth: MAX_JSON_DEPTH,
      maxValues: MAX_JSON_VALUES,
    });
    if (problem === "unsafe-key") throw unsafeKey();
    if (problem === "too-deep")
      throw new ApiError(400, `JSON bodies nest at most ${MAX_JSON_DEPTH} levels`);
    if (problem) throw new ApiError(400, `JSON bodies hold at most ${MAX_JSON_VALUES} values`);
    return merged(query, body as Params);
  }
  if (type.includes("multipart/form-data") || type.includes("application/x-www-form-urlencoded")) {
    let form: FormData;
    try {
      form = await c.req.formData();
    } catch {
      throw new ApiError(400, "Unable to parse the request body");
    }
    return merged(query, fromPairs(form.entries()));
  }
  return query;
}

/** Booleans as Rails reads them: true, "true", "1", "on". */
export const truthy = (v: unknown) =>
  v === true || v === "true" || v === "1" || v === 1 || v === "on";

/** `id[]=a&id[]=b` (or one `id=a`) as distinct strings, at most `max`; longer lists are cut, not refused. */
export function idList(p: Params, max: number): string[] {
  const raw = p.id;
  const all = (Array.isArray(raw) ? raw : [raw]).filter(
    (x): x is string => typeof x === "string" && x.length > 0 && x.length <= 100,
  );
  return [...new Set(all)].slice(0, max);
}

/**
 * A focal point as Mastodon takes it ("x,y", each from -1 to 1, e.g. "-0.5,0.25"),
 * normalised; "" clears it (null); undefined when absent. Anything else is a 422.
 */
export function readFocus(v: unknown): string | null | undefined {
  if (v === undefined || v === null) return undefined;
  if (v === "") return null;
  const m =
    typeof v === "string" ? /^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$/.exec(v) : null;
  const [x, y] = [Number(m?.[1]), Number(m?.[2])];
  if (!m || !(Math.abs(x) <= 1) || !(Math.abs(y) <= 1))
    throw new ApiError(422, "Validation failed: focus must be two numbers from -1 to 1, as x,y");
  return `${x},${y}`;
}

/** Rails' nested attributes: an array, or an object keyed by index (`a[0][k]=…`), as a list. */
export function attributeList(v: unknown): Record<string, unknown>[] {
  const items = Array.isArray(v) ? v : v && typeof v === "object" ? Object.values(v) : [];
  return items.filter(
    (x): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x),
  );
}
