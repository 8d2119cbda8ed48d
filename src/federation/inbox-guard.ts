/**
 * What an inbox POST body must look like before Fedify parses it: JSON, nested
 * at most MAX_INBOX_DEPTH deep, with at most MAX_INBOX_ARRAY items in any list
 * and MAX_INBOX_CONTAINERS objects and lists in all, no key that names an
 * object's prototype machinery (`__proto__`, `constructor`, `prototype`), and
 * contexts that are absolute URLs or objects.
 * JSON-LD expansion recurses through the document and walks every item, so a
 * deeply nested body answered 500 and a Note with 10,000 mentions cost seconds
 * of main-thread work; here both are a 400 before any of that. The bytes are
 * passed on unchanged (the HTTP signature's digest covers them).
 */

/** Activities nest a few levels (Announce{Create{Note{tag{…}}}}); 32 is far more. */
export const MAX_INBOX_DEPTH = 32;
/** Items in any one list (to, cc, tag, attachment, …). */
export const MAX_INBOX_ARRAY = 1_000;
/** Objects and lists in the whole body. */
export const MAX_INBOX_CONTAINERS = 5_000;

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

export type InboxShapeProblem =
  | "not-json"
  | "too-deep"
  | "list-too-long"
  | "too-many-objects"
  | "forbidden-key"
  | "not-an-object"
  | "bad-context";

/**
 * Scans the text once, without building anything, for nesting depth, list
 * lengths and container count; then parses it with a reviver that refuses
 * forbidden keys (however they are escaped in the text).
 */
export function inboxShapeProblem(text: string): InboxShapeProblem | null {
  const counts: number[] = [];
  const isList: boolean[] = [];
  let containers = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c)
        i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
      continue;
    }
    if (ch === 0x22) {
      inString = true;
    } else if (ch === 0x7b || ch === 0x5b) {
      // { or [
      if (++containers > MAX_INBOX_CONTAINERS) return "too-many-objects";
      if (counts.length >= MAX_INBOX_DEPTH) return "too-deep";
      counts.push(0);
      isList.push(ch === 0x5b);
    } else if (ch === 0x7d || ch === 0x5d) {
      counts.pop();
      isList.pop();
    } else if (ch === 0x2c && isList.at(-1)) {
      // a comma in a list: one more item
      const n = counts.length - 1;
      counts[n] = (counts[n] ?? 0) + 1;
      if ((counts[n] ?? 0) >= MAX_INBOX_ARRAY) return "list-too-long";
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, (key, value) => {
      if (FORBIDDEN_KEYS.has(key)) throw new Refused("forbidden-key");
      if (key === "@context" && !isContext(value)) throw new Refused("bad-context");
      return value;
    });
  } catch (error) {
    return error instanceof Refused ? error.problem : "not-json";
  }
  // An activity is one JSON object (a bare string or list made Fedify answer 500).
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    return "not-an-object";
  return null;
}

class Refused extends Error {
  readonly problem: InboxShapeProblem;
  constructor(problem: InboxShapeProblem) {
    super(problem);
    this.problem = problem;
  }
}

/**
 * A JSON-LD context is an absolute http(s) URL, an object of term definitions, or a
 * list of those. Anything else (a relative or empty reference) makes the JSON-LD
 * processor try to load it and fail, which Fedify takes for a passing error (500).
 */
function isContext(value: unknown): boolean {
  const one = (v: unknown) =>
    (typeof v === "string" && /^https?:\/\/[^\s]+$/i.test(v)) ||
    (typeof v === "object" && v !== null && !Array.isArray(v));
  return Array.isArray(value) ? value.every(one) : one(value);
}

export const inboxShapeMessages: Record<InboxShapeProblem, string> = {
  "not-json": "The activity is not valid JSON.",
  "too-deep": `The activity is nested more than ${MAX_INBOX_DEPTH} levels deep.`,
  "list-too-long": `A list in the activity has more than ${MAX_INBOX_ARRAY} items.`,
  "too-many-objects": `The activity has more than ${MAX_INBOX_CONTAINERS} objects and lists.`,
  "forbidden-key": "The activity uses a reserved key (__proto__, constructor or prototype).",
  "not-an-object": "The activity is not a JSON object.",
  "bad-context": "The activity's @context is not a URL, an object, or a list of them.",
};
