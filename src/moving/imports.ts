/**
 * Importing a Mastodon CSV file (Settings → Import): follows, blocks, mutes,
 * bookmarks or lists, merged into what the member has or replacing it
 * ("overwrite", as Mastodon's importer does). The request parses the file
 * (moving/csv.ts), makes the overwrite's removals (database only) and stores the
 * rows with a moving.import.queued event; the worker resolves the addresses (which
 * may need WebFinger and fetches) and applies a few rows per event
 * (federation/moving/imports.ts), so no request waits on another server.
 */
import type { Kysely, Selectable } from "kysely";
import { recordEvent } from "../db/outbox.ts";
import type { ImportKind, ImportMode, ImportsTable } from "../db/schema/moving.ts";
import type { Schema } from "../db/schema.ts";
import { type FollowTarget, follow, unfollow } from "../federation/follows.ts";
import { fail, ok, type Result } from "../kernel/errors.ts";
import { newId } from "../kernel/ids.ts";
import { memberUri } from "../kernel/uris.ts";
import type { Member, SocialContext } from "../social/context.ts";
import { bookmark, unbookmark } from "../social/interactions.ts";
import { createList, deleteList, memberLists } from "../social/lists.ts";
import { addresses } from "../social/mastodon-csv.ts";
import { filterActor, unfilterActor } from "../social/moderation.ts";
import type { ImportRow } from "./csv.ts";

export type Import = Selectable<ImportsTable>;

export function importsOf(db: Kysely<Schema>, accountId: string, limit = 10): Promise<Import[]> {
  return db
    .selectFrom("imports")
    .selectAll()
    .where("account_id", "=", accountId)
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

/** Stores an import's rows and queues them; with "overwrite" first removes what the file lacks. */
export async function createImport(
  s: SocialContext,
  member: Member,
  input: { kind: ImportKind; mode: ImportMode; rows: readonly ImportRow[] },
): Promise<Result<{ id: string }, "import-in-progress">> {
  // One import of a kind at a time: an overwrite must not race the rows of the last one.
  const queued = await s.db
    .selectFrom("imports")
    .select("id")
    .where("account_id", "=", member.id)
    .where("kind", "=", input.kind)
    .where("state", "=", "queued")
    .executeTakeFirst();
  if (queued) return fail("import-in-progress");
  if (input.mode === "overwrite") await removeMissing(s, member, input.kind, input.rows);
  const id = newId();
  await s.db.transaction().execute(async (trx) => {
    await trx
      .insertInto("imports")
      .values({
        id,
        account_id: member.id,
        kind: input.kind,
        mode: input.mode,
        total_rows: input.rows.length,
        created_at: s.clock.now().toISOString(),
        finished_at: null,
      })
      .execute();
    for (let i = 0; i < input.rows.length; i += 500)
      await trx
        .insertInto("import_rows")
        .values(
          input.rows.slice(i, i + 500).map((r, j) => ({
            import_id: id,
            position: i + j,
            target: r.target,
            list_title: r.listTitle,
          })),
        )
        .execute();
    await recordEvent(trx, { type: "moving.import.queued", payload: { importId: id } });
  });
  return ok({ id });
}

/**
 * Overwrite: what the member has that the file does not name goes (Mastodon's
 * BulkImportService). Accounts are compared by address or id; lists not in the
 * file are deleted and the others emptied, to be filled again from the file.
 */
async function removeMissing(
  s: SocialContext,
  member: Member,
  kind: ImportKind,
  rows: readonly ImportRow[],
) {
  const wanted = new Set(rows.map((r) => r.target));
  const keep = (uri: string, address: string | undefined) =>
    wanted.has(uri) || (address !== undefined && wanted.has(address.toLowerCase()));
  if (kind === "following") {
    const uris = (
      await s.db
        .selectFrom("follows")
        .select("followee_uri")
        .where("follower_account_id", "=", member.id)
        .execute()
    ).map((r) => r.followee_uri);
    const named = await addresses(s, uris);
    for (const uri of uris)
      if (!keep(uri, named.get(uri))) await unfollow(s.db, s.origin, member, uri);
  } else if (kind === "blocks" || kind === "mutes") {
    const filterKind = kind === "blocks" ? "block" : "mute";
    const uris = (
      await s.db
        .selectFrom("actor_filters")
        .select("target_uri")
        .where("account_id", "=", member.id)
        .where("kind", "=", filterKind)
        .execute()
    ).map((r) => r.target_uri);
    const named = await addresses(s, uris);
    for (const uri of uris)
      if (!keep(uri, named.get(uri))) await unfilterActor(s, member, uri, filterKind);
  } else if (kind === "bookmarks") {
    const marks = await s.db
      .selectFrom("bookmarks")
      .innerJoin("posts", "posts.id", "bookmarks.post_id")
      .select(["posts.id", "posts.uri", "posts.url"])
      .where("bookmarks.account_id", "=", member.id)
      .execute();
    for (const m of marks)
      if (!wanted.has(m.uri) && !(m.url && wanted.has(m.url))) await unbookmark(s, member, m.id);
  } else {
    const titles = new Set(rows.map((r) => r.listTitle));
    for (const list of await memberLists(s.db, member.id)) {
      if (!titles.has(list.title)) await deleteList(s, member, list.id);
      else await s.db.deleteFrom("list_accounts").where("list_id", "=", list.id).execute();
    }
  }
}

/** The next rows still to apply, in file order. */
export function pendingRows(db: Kysely<Schema>, importId: string, limit: number) {
  return db
    .selectFrom("import_rows")
    .select(["position", "target", "list_title"])
    .where("import_id", "=", importId)
    .where("state", "=", "pending")
    .orderBy("position")
    .limit(limit)
    .execute();
}

/** The import and its member, while it still has work. */
export function queuedImport(db: Kysely<Schema>, importId: string) {
  return db
    .selectFrom("imports")
    .innerJoin("accounts", "accounts.id", "imports.account_id")
    .select(["imports.id", "imports.kind", "accounts.id as accountId", "accounts.username"])
    .where("imports.id", "=", importId)
    .where("imports.state", "=", "queued")
    .where("accounts.status", "=", "active")
    .executeTakeFirst();
}

/** What a row named, once resolved: an actor (local or remote), or a post here. */
export type Resolved =
  | { kind: "actor"; target: FollowTarget; uri: string }
  | { kind: "post"; postId: string }
  | null;

/** Applies one resolved row; false when it cannot be (nothing found, or it is the member). */
export async function applyRow(
  s: SocialContext,
  member: Member,
  kind: ImportKind,
  row: { list_title: string },
  resolved: Resolved,
): Promise<boolean> {
  if (!resolved) return false;
  if (resolved.kind === "post") return kind === "bookmarks" && bookmark(s, member, resolved.postId);
  if (kind === "bookmarks") return false;
  const { target, uri } = resolved;
  if (uri === memberUri(s.origin, member.username)) return false;
  const actorTarget = {
    uri,
    accountId: target.kind === "local" ? target.account.id : null,
    remoteId: target.kind === "remote" ? target.actor.id : null,
  };
  switch (kind) {
    case "following":
      return followOnce(s, member, target);
    case "blocks": {
      const done = await filterActor(s, member, actorTarget, "block");
      if (done.ok) await unfollow(s.db, s.origin, member, uri);
      return done.ok;
    }
    case "mutes":
      return (await filterActor(s, member, actorTarget, "mute")).ok;
    case "lists": {
      if (!(await followOnce(s, member, target))) return false;
      const title = row.list_title;
      const lists = await memberLists(s.db, member.id);
      const list = lists.find((l) => l.title === title) ?? (await createList(s, member, { title }));
      // A follow still waiting for its Accept counts: the list shows their posts once it comes.
      await s.db
        .insertInto("list_accounts")
        .values({ list_id: list.id, actor_uri: uri, created_at: s.clock.now().toISOString() })
        .onConflict((oc) => oc.doNothing())
        .execute();
      return true;
    }
  }
}

async function followOnce(s: SocialContext, member: Member, target: FollowTarget) {
  const r = await follow(s.db, s.origin, member, target, s.clock);
  return r.ok || r.reason === "already-following";
}

/** Records a row's outcome; when none is left, the import is done (returns whether it is). */
export async function finishRows(
  s: Pick<SocialContext, "db" | "clock">,
  importId: string,
  outcomes: readonly { position: number; ok: boolean }[],
): Promise<boolean> {
  return s.db.transaction().execute(async (trx) => {
    for (const o of outcomes)
      await trx
        .updateTable("import_rows")
        .set({ state: o.ok ? "done" : "failed" })
        .where("import_id", "=", importId)
        .where("position", "=", o.position)
        .execute();
    const done = outcomes.filter((o) => o.ok).length;
    await trx
      .updateTable("imports")
      .set((eb) => ({
        done_rows: eb("done_rows", "+", done),
        failed_rows: eb("failed_rows", "+", outcomes.length - done),
      }))
      .where("id", "=", importId)
      .execute();
    const left = await trx
      .selectFrom("import_rows")
      .select("position")
      .where("import_id", "=", importId)
      .where("state", "=", "pending")
      .limit(1)
      .executeTakeFirst();
    if (left) {
      await recordEvent(trx, { type: "moving.import.queued", payload: { importId } });
      return false;
    }
    await trx
      .updateTable("imports")
      .set({ state: "done", finished_at: s.clock.now().toISOString() })
      .where("id", "=", importId)
      .execute();
    return true;
  });
}
