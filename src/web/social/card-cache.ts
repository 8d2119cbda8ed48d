/**
 * Rendered post cards, kept (issue 24: building a card's HTML was most of a
 * timeline page's CPU). A card is a pure function of the post's view (PostView,
 * with the viewer's like, boost, bookmark and votes already in it), the page's
 * language, whether the viewer is the author, how the card is shown (options), how
 * old the post reads ("3 min", "5 Dec") — and two things of the request, the form
 * token and the page's address, which are left as slots and filled in each time.
 *
 * So the stamp is the whole view as JSON plus the age's wording: any change to
 * what a card shows (an edit, a like, a new display name or avatar, a vote, a
 * hidden post) makes a new stamp and a fresh render, and nothing needs
 * invalidating. What the viewer did is in the key too, so two viewers who did
 * different things keep their own cards side by side and never get each other's;
 * nothing of one session (its token) is ever stored. Which posts a viewer may see
 * is decided before, by the timeline's query: a card is looked up only for a post
 * already shown. Bounded; the least recently used card goes first.
 */
import { randomBytes } from "node:crypto";
import type { Context } from "hono";
import { raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { StampedCache } from "../../kernel/stamped-cache.ts";
import type { PostView } from "../../social/views.ts";
import type { WebEnv } from "../context.ts";

/** What a card's HTML takes from the request, filled into the kept HTML. */
export interface CardSlots {
  /** The form token's hidden field. */
  csrf: HtmlEscapedString;
  /** The page's path and query, escaped for an attribute (the forms' way back). */
  back: string;
}

// Markers the slots are rendered as, then cut at: random per process, so no post's
// content can hold one (and have the viewer's form token written into it).
const nonce = randomBytes(12).toString("hex");
const CSRF = `syncoslot${nonce}c`;
const BACK = `syncoslot${nonce}b`;
const MARKER = new RegExp(`syncoslot${nonce}([cb])`);
const markerSlots: CardSlots = {
  csrf: raw(`<input type="hidden" name="_csrf" value="${CSRF}" />`),
  back: BACK,
};

/** Cards kept: a page of 40 for some 25 viewers who did different things (~5 KB each). */
export const CARDS_KEPT = 1000;
/** A kept card: its HTML as UTF-8, with the slots (by letter) between. */
type KeptCard = (Buffer | "c" | "b")[];
let cards = new StampedCache<KeptCard>(CARDS_KEPT);
/** Cards served from the cache, and rendered, since start (or since forgetCards). */
export const cardCounts = { kept: 0, rendered: 0 };

/** Drops every kept card: for tests, comparing a page as kept with the page rendered afresh. */
export function forgetCards(): void {
  cards = new StampedCache<KeptCard>(CARDS_KEPT);
  cardCounts.kept = 0;
  cardCounts.rendered = 0;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * How a post's age reads, as time.ts's relativeDate words it: the minute within
 * the hour, the hour within the day, then the day (whose wording depends on the year).
 */
export function ageWording(iso: string, now: number): string {
  const age = now - Date.parse(iso);
  if (age >= 0 && age < MINUTE) return "now";
  if (age >= 0 && age < HOUR) return `m${Math.floor(age / MINUTE)}`;
  if (age >= 0 && age < DAY) return `h${Math.floor(age / HOUR)}`;
  return `y${new Date(now).getFullYear()}`;
}

/** How a card is shown (render.ts's PostCardOptions), as a key. */
export interface CardShape {
  focus?: boolean;
  inThread?: boolean;
  groupModerator?: boolean;
  replies?: number;
  bare?: boolean;
}

const flag = (b: boolean | undefined) => (b ? "1" : "0");

function cardKey(c: Context<WebEnv>, outer: PostView, shape: CardShape): string {
  const post = outer.reblog ?? outer;
  const viewer = c.get("viewer");
  const who = !viewer ? "-" : viewer.username === post.author.username ? "a" : "v";
  const did = `${flag(post.liked)}${flag(post.reblogged)}${flag(post.bookmarked)}${post.poll?.ownVotes.join(",") ?? ""}`;
  const how = `${flag(shape.focus)}${flag(shape.inThread)}${flag(shape.groupModerator)}${flag(shape.bare)}${shape.replies ?? ""}`;
  return `${outer.id} ${c.get("locale")} ${who} ${did} ${how}`;
}

/** What the markers stand for in one request: the form token and the page's path and query, escaped, as UTF-8. */
interface SlotValues {
  c: Buffer;
  b: Buffer;
}

// Worked out once per request, for all its cards.
const valuesOf = new WeakMap<Context<WebEnv>, SlotValues>();

function slotValues(c: Context<WebEnv>): SlotValues {
  let values = valuesOf.get(c);
  if (!values) {
    const here = new URL(c.req.url);
    values = {
      c: Buffer.from(escapeAttr(c.get("csrfToken"))),
      b: Buffer.from(escapeAttr(`${here.pathname}${here.search}`)),
    };
    valuesOf.set(c, values);
  }
  return values;
}

const escapeAttr = (s: string) =>
  s
    .replaceAll("&", "&amp;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;");

/**
 * The card of `outer` as UTF-8 chunks to be sent in order: from the cache when
 * its stamp is unchanged, else rendered by `render` (with the slots' markers and
 * this `now`) and kept. Kept as bytes, so a page sends them without encoding them again.
 */
export function cardBytes(
  c: Context<WebEnv>,
  outer: PostView,
  shape: CardShape,
  render: (slots: CardSlots, now: number) => string,
): Buffer[] {
  const now = Date.now();
  const post = outer.reblog ?? outer;
  const key = cardKey(c, outer, shape);
  const stamp = `${ageWording(post.createdAt, now)} ${JSON.stringify(outer)}`;
  let kept = cards.get(key, stamp);
  if (kept) cardCounts.kept++;
  else {
    cardCounts.rendered++;
    // Even places: HTML; odd places: a slot's letter.
    kept = render(markerSlots, now)
      .split(MARKER)
      .map((part, i) => (i % 2 ? (part as "c" | "b") : Buffer.from(part)));
    cards.set(key, stamp, kept);
  }
  const values = slotValues(c);
  return kept.map((part) => (typeof part === "string" ? values[part] : part));
}

/** The card of `outer` (see cardBytes) as HTML, for a page built as one string. */
export function cachedCard(
  c: Context<WebEnv>,
  outer: PostView,
  shape: CardShape,
  render: (slots: CardSlots, now: number) => string,
): HtmlEscapedString {
  return raw(Buffer.concat(cardBytes(c, outer, shape, render)).toString());
}
