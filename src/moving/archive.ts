/**
 * Reading a Mastodon archive's outbox.json (Settings → Import and export →
 * Request your archive; Mastodon's BackupService writes it): an OrderedCollection
 * whose items are the member's Create activities (their posts) and Announces
 * (boosts). Pure, no database. Only posts are kept, and only those a co-op can
 * show as written: a Note with HTML content and a valid past date, addressed in
 * public, unlisted or followers-only (direct messages stay behind: their
 * recipients are not here). Boosts, media and polls are left out.
 */
import { MAX_POST_LENGTH } from "../social/content.ts";

/** Bigger archives are refused (the node's body limit is 10 MiB). */
export const MAX_ARCHIVE_BYTES = 8 * 1024 * 1024;
/** Items past this are refused (a member's archive is far below it, or split it). */
export const MAX_ARCHIVE_ITEMS = 20_000;
/** A post's HTML longer than this is not a post (Mastodon's limit is 500 characters of text). */
const MAX_CONTENT = 20 * MAX_POST_LENGTH;

const PUBLIC = new Set(["https://www.w3.org/ns/activitystreams#Public", "as:Public", "Public"]);

export interface ArchivedPost {
  /** The post's id on the old server (kept out of the database: the post is a new one here). */
  originalUri: string | null;
  html: string;
  spoiler: string;
  sensitive: boolean;
  language: string | null;
  visibility: "public" | "unlisted" | "followers";
  /** ISO-8601, when it was written on the old server. */
  published: string;
  inReplyToUri: string | null;
}

export type ArchiveParsed =
  | { ok: true; posts: ArchivedPost[]; skipped: number }
  | { ok: false; problem: "too-large" | "not-json" | "not-an-outbox" | "too-many-items" };

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const text = (v: unknown) => (typeof v === "string" ? v : "");
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function httpUrl(v: unknown): string | null {
  if (typeof v !== "string") return null;
  try {
    const url = new URL(v);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

function visibilityOf(to: unknown, cc: unknown): ArchivedPost["visibility"] | null {
  const toList = list(to).map(text);
  const ccList = list(cc).map(text);
  if (toList.some((a) => PUBLIC.has(a))) return "public";
  if (ccList.some((a) => PUBLIC.has(a))) return "unlisted";
  if ([...toList, ...ccList].some((a) => a.endsWith("/followers"))) return "followers";
  return null;
}

function post(item: unknown, now: Date): ArchivedPost | null {
  if (!isRecord(item) || item.type !== "Create" || !isRecord(item.object)) return null;
  const note = item.object;
  if (note.type !== "Note") return null;
  const html = text(note.content);
  if (!html.trim() || html.length > MAX_CONTENT) return null;
  const published = text(note.published) || text(item.published);
  const at = Date.parse(published);
  if (Number.isNaN(at) || at > now.getTime() || at < Date.UTC(2000, 0, 1)) return null;
  const visibility = visibilityOf(note.to ?? item.to, note.cc ?? item.cc);
  if (!visibility) return null;
  const languages = isRecord(note.contentMap) ? Object.keys(note.contentMap) : [];
  const language = languages.find((l) => /^[a-z]{2,3}(-[A-Za-z0-9]{1,8})?$/.test(l)) ?? null;
  return {
    originalUri: httpUrl(note.id),
    html,
    spoiler: text(note.summary).slice(0, 500),
    sensitive: note.sensitive === true,
    language,
    visibility,
    published: new Date(at).toISOString(),
    inReplyToUri: httpUrl(note.inReplyTo),
  };
}

export function parseOutbox(bytes: Uint8Array, now: Date): ArchiveParsed {
  if (bytes.byteLength > MAX_ARCHIVE_BYTES) return { ok: false, problem: "too-large" };
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes).replace(/^\uFEFF/, ""));
  } catch {
    return { ok: false, problem: "not-json" };
  }
  if (!isRecord(json) || !Array.isArray(json.orderedItems))
    return { ok: false, problem: "not-an-outbox" };
  if (json.type !== "OrderedCollection") return { ok: false, problem: "not-an-outbox" };
  const items = json.orderedItems;
  if (items.length > MAX_ARCHIVE_ITEMS) return { ok: false, problem: "too-many-items" };
  const posts: ArchivedPost[] = [];
  for (const item of items) {
    const p = post(item, now);
    if (p) posts.push(p);
  }
  // Mastodon writes them in no particular order; a history reads oldest first.
  posts.sort((a, b) => a.published.localeCompare(b.published));
  return { ok: true, posts, skipped: items.length - posts.length };
}
