/**
 * A Mastodon archive's posts as the member's history here (moving/archive.ts
 * reads them). They are written as the member's posts with the dates they were
 * written (their ids are made from those dates, so every timeline sorts them
 * back in time), and nothing else happens: no outbox event (they are not sent
 * again to anyone), no home-feed fan-out, no notifications. Their HTML is cleaned
 * as any remote post's. Once per member: a second archive is refused, so the
 * history is not doubled.
 */
import { randomBytes } from "node:crypto";
import { fail, ok, type Result } from "../kernel/errors.ts";
import { newId } from "../kernel/ids.ts";
import { memberUri, postUri, postUrl } from "../kernel/uris.ts";
import { htmlToText, sanitizeRemoteHtml } from "../social/content.ts";
import type { Member, SocialContext } from "../social/context.ts";
import type { ArchivedPost } from "./archive.ts";

/** Posts written per transaction (SQLite is one connection: keep each short). */
const BATCH = 200;

/**
 * A UUIDv7 for a moment in the past (kernel/ids.ts `newId` only moves forward):
 * the time in the first 48 bits, the rest random, so it sorts by that time.
 */
export function idAt(ms: number): string {
  const bytes = randomBytes(16);
  const t = BigInt(ms);
  for (let i = 0; i < 6; i++) bytes[i] = Number((t >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = 0x70 | ((bytes[6] ?? 0) & 0x0f);
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export async function importHistory(
  s: SocialContext,
  member: Member,
  posts: readonly ArchivedPost[],
): Promise<Result<{ count: number }, "already-imported" | "empty">> {
  if (posts.length === 0) return fail("empty");
  const authorUri = memberUri(s.origin, member.username);
  const importId = newId();
  const now = s.clock.now().toISOString();
  // The import's row is the once-per-member mark: written first, so a second
  // upload racing this one finds it (on PostgreSQL the insert waits on the lock).
  const claimed = await s.db.transaction().execute(async (trx) => {
    const earlier = await trx
      .selectFrom("imports")
      .select("id")
      .where("account_id", "=", member.id)
      .where("kind", "=", "posts")
      .executeTakeFirst();
    if (earlier) return false;
    await trx
      .insertInto("imports")
      .values({
        id: importId,
        account_id: member.id,
        kind: "posts",
        mode: "merge",
        total_rows: posts.length,
        state: "queued",
        created_at: now,
        finished_at: null,
      })
      .execute();
    return true;
  });
  if (!claimed) return fail("already-imported");
  for (let i = 0; i < posts.length; i += BATCH) {
    const batch = posts.slice(i, i + BATCH);
    await s.db.transaction().execute(async (trx) => {
      await trx
        .insertInto("posts")
        .values(
          batch.map((p) => {
            const id = idAt(Date.parse(p.published));
            const html = sanitizeRemoteHtml(p.html);
            return {
              id,
              uri: postUri(s.origin, id),
              url: postUrl(s.origin, member.username, id),
              author_uri: authorUri,
              author_account_id: member.id,
              author_remote_id: null,
              local: 1,
              visibility: p.visibility,
              in_reply_to_id: null,
              in_reply_to_uri: p.inReplyToUri,
              thread_id: id,
              reblog_of_id: null,
              source: htmlToText(html),
              content_html: html,
              spoiler: p.spoiler,
              sensitive: p.sensitive || p.spoiler !== "" ? 1 : 0,
              language: p.language,
              has_poll: 0,
              created_at: p.published,
              edited_at: null,
              deleted_at: null,
            };
          }),
        )
        .execute();
      await trx
        .updateTable("imports")
        .set((eb) => ({ done_rows: eb("done_rows", "+", batch.length) }))
        .where("id", "=", importId)
        .execute();
    });
  }
  await s.db
    .updateTable("imports")
    .set({ state: "done", finished_at: s.clock.now().toISOString() })
    .where("id", "=", importId)
    .execute();
  return ok({ count: posts.length });
}
