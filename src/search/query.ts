/**
 * Mastodon's search syntax (docs.joinmastodon.org/user/search): words, "quoted
 * phrases", -excluded words, `from:user` / `from:user@host` / `from:me`,
 * `has:media` (also has:image, has:video, has:poll), `is:reply`, `#tag`,
 * `language:xx`, `before:` / `after:` / `during:` a date (YYYY-MM-DD). Pure: no
 * database. Anything it does not know is searched as words, as Mastodon does.
 */
export interface ParsedQuery {
  /** Words every result has (stemmed by the index). */
  words: string[];
  /** Phrases every result has, word for word. */
  phrases: string[];
  /** Words no result has. */
  excluded: string[];
  /** Handles after from: (user, user@host, or "me"), lower-cased, without '@'. */
  from: string[];
  tags: string[];
  hasMedia: boolean;
  hasPoll: boolean;
  isReply: boolean | null;
  language: string | null;
  /** ISO dates: created on or after `after`, before `before`. */
  after: string | null;
  before: string | null;
}

/** Caps on what one query may ask for: a long query costs the index. */
export const MAX_QUERY_CHARS = 500;
const MAX_TERMS = 16;

const TOKEN = /(-?)(?:([a-z]+):)?(?:"([^"]*)"?|(\S+))/gi;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Splits text into index words the way the tokenizers do (letters and digits). */
export function wordsOf(text: string): string[] {
  return text.normalize("NFC").match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) ?? [];
}

const nextDay = (date: string) => {
  const d = new Date(`${date}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString();
};

const validDate = (date: string) =>
  DATE.test(date) && !Number.isNaN(Date.parse(`${date}T00:00:00.000Z`));

export function parseQuery(input: string): ParsedQuery {
  const q: ParsedQuery = {
    words: [],
    phrases: [],
    excluded: [],
    from: [],
    tags: [],
    hasMedia: false,
    hasPoll: false,
    isReply: null,
    language: null,
    after: null,
    before: null,
  };
  let terms = 0;
  for (const m of input.slice(0, MAX_QUERY_CHARS).matchAll(TOKEN)) {
    if (++terms > MAX_TERMS) break;
    const negated = m[1] === "-";
    const operator = m[2]?.toLowerCase();
    const quoted = m[3];
    const value = quoted ?? m[4] ?? "";
    if (operator && applyOperator(q, operator, value, negated)) continue;
    const text = operator ? `${m[2]}:${value}` : value;
    if (!operator && quoted === undefined && /^#[\p{L}\p{N}_]+$/u.test(value)) {
      q.tags.push(value.slice(1).toLowerCase());
      continue;
    }
    const words = wordsOf(text);
    if (words.length === 0) continue;
    if (negated) q.excluded.push(...words);
    else if (quoted !== undefined && words.length > 1) q.phrases.push(words.join(" "));
    else q.words.push(...words);
  }
  return q;
}

function applyOperator(q: ParsedQuery, operator: string, value: string, negated: boolean) {
  const v = value.toLowerCase();
  switch (operator) {
    case "from": {
      const handle = v.replace(/^@/, "");
      if (!/^[\p{L}\p{N}_.-]+(@[a-z0-9.-]+(:\d+)?)?$/u.test(handle) || negated) return true;
      q.from.push(handle);
      return true;
    }
    case "has":
      if (["media", "image", "video", "audio"].includes(v)) q.hasMedia = true;
      else if (v === "poll") q.hasPoll = true;
      return true;
    case "is":
      if (v === "reply") q.isReply = !negated;
      return true;
    case "language":
      if (/^[a-z]{2,3}$/.test(v)) q.language = v;
      return true;
    case "before":
      if (validDate(v)) q.before = `${v}T00:00:00.000Z`;
      return true;
    case "after":
      if (validDate(v)) q.after = nextDay(v);
      return true;
    case "during":
      if (validDate(v)) {
        q.after = `${v}T00:00:00.000Z`;
        q.before = nextDay(v);
      }
      return true;
    default:
      return false;
  }
}

/** Does the query ask for anything at all (words, a phrase, a tag or an author)? */
export const isEmptyQuery = (q: ParsedQuery) =>
  q.words.length === 0 && q.phrases.length === 0 && q.tags.length === 0 && q.from.length === 0;
