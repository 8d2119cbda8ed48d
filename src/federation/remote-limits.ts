/**
 * How much of a remote object we read, and that we read only what is in it.
 * A Create carrying 3,000 tag URLs or 2,000 attachment URLs made 16,000
 * outbound GETs, and 10,000 mentions cost seconds of work: counts are capped
 * before iterating, and tags, attachments, poll options and their reply
 * collections are taken only when embedded (as Mastodon does): the loader
 * below refuses every fetch, and Fedify's iterators skip what they cannot load.
 */
import type { DocumentLoader } from "@fedify/vocab-runtime";

/** Mentions kept per post (Mastodon's own posts mention far fewer). */
export const MAX_REMOTE_MENTIONS = 100;
/** Hashtags kept per post. */
export const MAX_REMOTE_HASHTAGS = 50;
/** Tags of any kind looked at per post, before the two caps above. */
export const MAX_REMOTE_TAGS = 200;
/** Attachments looked at per post (four are kept, as Mastodon shows). */
export const MAX_REMOTE_ATTACHMENTS = 16;
/** Poll options looked at per poll (twenty are kept). */
export const MAX_REMOTE_POLL_OPTIONS = 40;
/** Addressees (audience, to, cc, mentions) looked at when finding a post's group. */
export const MAX_REMOTE_ADDRESSEES = 200;

export class NotEmbedded extends Error {
  constructor(url: string) {
    super(`${url} is not embedded and is not fetched`);
    this.name = "NotEmbedded";
  }
}

/** A document loader that loads nothing: what is not embedded is left out. */
export const embeddedOnly: DocumentLoader = async (url) => {
  throw new NotEmbedded(url);
};

/** The first `max` items of an async iterable, without pulling the rest. */
export async function takeAtMost<T>(items: AsyncIterable<T>, max: number): Promise<T[]> {
  const out: T[] = [];
  if (max <= 0) return out;
  for await (const item of items) {
    out.push(item);
    if (out.length >= max) break;
  }
  return out;
}
