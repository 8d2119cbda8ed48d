/**
 * A member's outbox as other servers read it: the Creates of their public and
 * unlisted posts, newest first, 20 to a page (Mastodon serves the same, and reads
 * the first page when one of its users follows someone; so does Synco,
 * backfill.ts). Followers-only and direct posts are never listed here.
 */
import type { Context } from "@fedify/fedify";
import type { Create } from "@fedify/vocab";
import { type FederationDeps, findMember, isVisible } from "../deps.ts";
import { createOf, loadLocalPost } from "./notes.ts";

export const OUTBOX_PAGE = 20;

async function authorOf(deps: FederationDeps, identifier: string) {
  const member = await findMember(deps.db.db, identifier);
  return member && member.username === identifier && isVisible(member) ? member : null;
}

const listed = (deps: FederationDeps, accountId: string) =>
  deps.db.db
    .selectFrom("posts")
    .where("author_account_id", "=", accountId)
    .where("local", "=", 1)
    .where("reblog_of_id", "is", null)
    .where("deleted_at", "is", null)
    .where("visibility", "in", ["public", "unlisted"]);

/** One page (cursor "" is the first: the newest posts); null for no such member. */
export async function outboxPage(
  ctx: Context<void>,
  deps: FederationDeps,
  identifier: string,
  cursor: string,
): Promise<{ items: Create[]; nextCursor: string | null } | null> {
  const member = await authorOf(deps, identifier);
  if (!member) return null;
  const rows = await listed(deps, member.id)
    .select("id")
    .$if(cursor !== "", (q) => q.where("id", "<", cursor))
    .orderBy("id", "desc")
    .limit(OUTBOX_PAGE + 1)
    .execute();
  const page = rows.slice(0, OUTBOX_PAGE);
  const items: Create[] = [];
  for (const row of page) {
    const p = await loadLocalPost(deps.db.db, row.id);
    if (!p) continue;
    items.push(createOf(ctx, deps.config.origin, p));
  }
  const last = page.at(-1);
  return { items, nextCursor: rows.length > OUTBOX_PAGE && last ? last.id : null };
}

export async function outboxCount(deps: FederationDeps, identifier: string): Promise<number> {
  const member = await authorOf(deps, identifier);
  if (!member) return 0;
  const row = await listed(deps, member.id)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
