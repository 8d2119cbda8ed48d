/**
 * A member's follows, blocks, mutes, bookmarks and lists in the CSV files
 * Mastodon exports and imports (Settings → Import and export), so a member can
 * take them to a Mastodon server (and bring them here: moving/imports.ts). The formats are Mastodon's
 * own: accounts by address (`user@domain`), bookmarks by the post's id (URI).
 * Actors this node cannot name by address (never fetched) are left out.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import { memberPrefix } from "../kernel/uris.ts";

export const CSV_EXPORTS = [
  "following_accounts",
  "blocked_accounts",
  "muted_accounts",
  "bookmarks",
  "lists",
] as const;
export type CsvExport = (typeof CSV_EXPORTS)[number];

/** Bounds what one export reads (a member's follows and bookmarks are far below it). */
const MAX_ROWS = 100_000;

interface Where {
  db: Kysely<Schema>;
  origin: string;
  /** This node's domain, for members' addresses (ann@domain). */
  domain: string;
}

/** A field as RFC 4180 writes it: quoted when it holds a comma, a quote or a line break. */
function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

const csv = (rows: string[][]) => rows.map((r) => `${r.map(field).join(",")}\n`).join("");

/** Actor URIs → `user@domain`, for those this node can name. */
export async function addresses(w: Where, uris: string[]): Promise<Map<string, string>> {
  const named = new Map<string, string>();
  const prefix = memberPrefix(w.origin);
  const remote: string[] = [];
  for (const uri of uris) {
    if (uri.startsWith(prefix)) named.set(uri, `${uri.slice(prefix.length)}@${w.domain}`);
    else remote.push(uri);
  }
  for (let i = 0; i < remote.length; i += 500) {
    const rows = await w.db
      .selectFrom("remote_actors")
      .select(["uri", "username", "host"])
      .where("uri", "in", remote.slice(i, i + 500))
      .execute();
    for (const r of rows) named.set(r.uri, `${r.username}@${r.host}`);
  }
  return named;
}

async function accountsFile(
  w: Where,
  uris: string[],
  header: string[] | null,
  extra: string[],
): Promise<string> {
  const named = await addresses(w, uris);
  const rows = uris.flatMap((u) => {
    const address = named.get(u);
    return address ? [[address, ...extra]] : [];
  });
  return csv(header ? [header, ...rows] : rows);
}

export async function mastodonCsv(w: Where, accountId: string, which: CsvExport): Promise<string> {
  switch (which) {
    case "following_accounts": {
      const follows = await w.db
        .selectFrom("follows")
        .select("followee_uri")
        .where("follower_account_id", "=", accountId)
        .where("status", "=", "accepted")
        .orderBy("created_at")
        .orderBy("followee_uri")
        .limit(MAX_ROWS)
        .execute();
      return accountsFile(
        w,
        follows.map((f) => f.followee_uri),
        ["Account address", "Show boosts", "Notify on new posts", "Languages"],
        ["true", "false", ""],
      );
    }
    case "blocked_accounts":
    case "muted_accounts": {
      const kind = which === "blocked_accounts" ? "block" : "mute";
      const filters = await w.db
        .selectFrom("actor_filters")
        .select("target_uri")
        .where("account_id", "=", accountId)
        .where("kind", "=", kind)
        .orderBy("created_at")
        .orderBy("target_uri")
        .limit(MAX_ROWS)
        .execute();
      const uris = filters.map((f) => f.target_uri);
      // Mastodon writes blocks as bare addresses and mutes with a header and a column.
      return kind === "block"
        ? accountsFile(w, uris, null, [])
        : accountsFile(w, uris, ["Account address", "Hide notifications"], ["true"]);
    }
    case "bookmarks": {
      const rows = await w.db
        .selectFrom("bookmarks")
        .innerJoin("posts", "posts.id", "bookmarks.post_id")
        .select("posts.uri")
        .where("bookmarks.account_id", "=", accountId)
        .where("posts.deleted_at", "is", null)
        .orderBy("bookmarks.created_at")
        .orderBy("posts.uri")
        .limit(MAX_ROWS)
        .execute();
      return csv(rows.map((r) => [r.uri]));
    }
    case "lists": {
      const rows = await w.db
        .selectFrom("lists")
        .innerJoin("list_accounts", "list_accounts.list_id", "lists.id")
        .select(["lists.title", "list_accounts.actor_uri"])
        .where("lists.account_id", "=", accountId)
        .orderBy("lists.created_at")
        .orderBy("list_accounts.created_at")
        .orderBy("list_accounts.actor_uri")
        .limit(MAX_ROWS)
        .execute();
      const named = await addresses(
        w,
        rows.map((r) => r.actor_uri),
      );
      return csv(
        rows.flatMap((r) => {
          const address = named.get(r.actor_uri);
          return address ? [[r.title, address]] : [];
        }),
      );
    }
  }
}
