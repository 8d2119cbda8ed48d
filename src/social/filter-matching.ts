/**
 * Which of a member's filters a post sets off, and how (Mastodon's
 * CustomFilter#matches): keywords are looked for, ignoring case, in the content
 * warning, the text without markup, the media descriptions and the poll options;
 * a whole-word keyword must not touch a letter, digit or '_' at an end that is
 * itself one. Pure: no database.
 */
import type { FilterView } from "./keyword-filters.ts";
import type { PostView } from "./views.ts";

export interface FilterMatch {
  filter: FilterView;
  keywordMatches: string[];
  statusMatches: string[];
}

/** What a filter is matched against. */
export interface FilterablePost {
  id: string;
  contentHtml: string;
  spoiler: string;
  mediaDescriptions: string[];
  pollOptions: string[];
}

const entities: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  "#39": "'",
  apos: "'",
  nbsp: " ",
};

/** Text a reader sees: tags dropped, line breaks kept, the common entities decoded. */
export function plainText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/p>/gi, "\n\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&(amp|lt|gt|quot|#39|apos|nbsp);/g, (_, name: string) => entities[name] ?? "");
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const wordChar = /[\p{L}\p{N}_]/u;

function keywordPattern(keyword: string, wholeWord: boolean): RegExp {
  const body = escapeRegExp(keyword);
  if (!wholeWord) return new RegExp(body, "iu");
  const start = wordChar.test(keyword.at(0) ?? "") ? "(?<![\\p{L}\\p{N}_])" : "";
  const end = wordChar.test(keyword.at(-1) ?? "") ? "(?![\\p{L}\\p{N}_])" : "";
  return new RegExp(`${start}${body}${end}`, "iu");
}

/** The filters (already active here) this post sets off, each with what matched. */
export function matchPost(filters: FilterView[], post: FilterablePost): FilterMatch[] {
  if (filters.length === 0) return [];
  const text = [
    post.spoiler,
    plainText(post.contentHtml),
    post.mediaDescriptions.join("\n\n"),
    post.pollOptions.join("\n"),
  ].join("\n\n");
  const out: FilterMatch[] = [];
  for (const filter of filters) {
    const keywordMatches = filter.keywords
      .filter((k) => keywordPattern(k.keyword, k.wholeWord).test(text))
      .map((k) => k.keyword);
    const statusMatches = filter.statuses.filter((s) => s.postId === post.id).map((s) => s.id);
    if (keywordMatches.length || statusMatches.length)
      out.push({ filter, keywordMatches, statusMatches });
  }
  return out;
}

/**
 * A page of posts as a member's filters leave it in one place: posts a "hide"
 * filter matches are taken out; the others carry what their "warn" filters
 * matched (a boost is judged by the post it boosts). The member's own posts are
 * never filtered, as on Mastodon.
 */
export function applyToPage(
  filters: FilterView[],
  views: PostView[],
  viewerUri: string,
): { kept: PostView[]; warnings: Map<string, FilterMatch[]> } {
  const warnings = new Map<string, FilterMatch[]>();
  if (filters.length === 0) return { kept: views, warnings };
  const kept: PostView[] = [];
  for (const v of views) {
    const post = v.reblog ?? v;
    const matches =
      post.author.uri === viewerUri
        ? []
        : matchPost(filters, {
            id: post.id,
            contentHtml: post.contentHtml,
            spoiler: post.spoiler,
            mediaDescriptions: post.media.map((m) => m.description),
            pollOptions: post.poll?.options.map((o) => o.title) ?? [],
          });
    if (matches.some((m) => m.filter.action === "hide")) continue;
    if (matches.length) warnings.set(post.id, matches);
    kept.push(v);
  }
  return { kept, warnings };
}
