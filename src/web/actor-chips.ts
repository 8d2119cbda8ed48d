/**
 * People on moderation and admin screens shown as people (issue 23): avatar, name
 * and handle linking to their page here, instead of a raw address
 * ("maria banned bruno", not "http://…/users/maria banned http://…/users/bruno").
 * One query per kind of actor for a whole page, whatever the number of addresses.
 */

import { html } from "hono/html";
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import { personPath } from "../social/views.ts";
import { mediaUrl } from "../storage/images.ts";
import { remoteMediaUrl } from "../storage/remote-media.ts";
import type { Html } from "./layout.ts";
import { safeUrl } from "./safe-url.ts";

export interface ActorChip {
  name: string;
  /** @user for members here, @user@host for others; the bare address when unknown. */
  handle: string;
  /** Their page here (/@user, /@user@host), or null for an address we know nothing of. */
  url: string | null;
  avatarUrl: string | null;
}

/** Looks the addresses up at once; the answer names any of them (unknown ones by address). */
export async function actorChips(
  db: Kysely<Schema>,
  origin: string,
  uris: readonly string[],
): Promise<(uri: string) => ActorChip> {
  const prefix = `${origin}/users/`;
  const unique = [...new Set(uris.filter((u) => typeof u === "string" && u !== ""))];
  const usernames = unique
    .filter((u) => u.startsWith(prefix))
    .map((u) => u.slice(prefix.length))
    .filter((u) => /^[A-Za-z0-9_]{1,30}$/.test(u));
  const remote = unique.filter((u) => !u.startsWith(prefix)).slice(0, 1000);
  const [locals, remotes] = await Promise.all([
    usernames.length
      ? db
          .selectFrom("accounts as a")
          .leftJoin("uploads as av", "av.id", "a.avatar_id")
          .select(["a.username", "a.display_name", "av.path as avatar_path"])
          .where("a.username", "in", usernames)
          .execute()
      : [],
    remote.length
      ? db
          .selectFrom("remote_actors")
          .select(["uri", "handle", "name", "url", "avatar_url"])
          .where("uri", "in", remote)
          .execute()
      : [],
  ]);
  const known = new Map<string, ActorChip>();
  for (const a of locals)
    known.set(`${prefix}${a.username}`, {
      name: a.display_name || a.username,
      handle: `@${a.username}`,
      url: `/@${a.username}`,
      avatarUrl: a.avatar_path ? mediaUrl(a.avatar_path) : null,
    });
  for (const r of remotes)
    known.set(r.uri, {
      name: r.name || r.handle,
      handle: `@${r.handle}`,
      // Their page here (web/people), or where they live for a handle we cannot link.
      url: personPath(r.handle) ?? r.url ?? r.uri,
      avatarUrl: r.avatar_url ? remoteMediaUrl(r.avatar_url) : null,
    });
  return (uri) =>
    known.get(uri) ?? {
      name: uri.replace(/^https?:\/\//, ""),
      handle: uri,
      url: null,
      avatarUrl: null,
    };
}

/** Avatar, name and handle, on one line that wraps (long names and handles break). */
export function actorChip(chip: ActorChip): Html {
  const avatar = chip.avatarUrl
    ? html`<img class="avatar tiny" src="${safeUrl(chip.avatarUrl)}" alt="" width="24" height="24" />`
    : html`<span class="avatar tiny placeholder" aria-hidden="true">${(chip.name.slice(0, 1) || "?").toUpperCase()}</span>`;
  const label = html`${avatar}<span class="chip-name">${chip.name}</span>${
    chip.url ? html` <span class="handle">${chip.handle}</span>` : ""
  }`;
  return chip.url
    ? html`<a class="actor-chip" href="${safeUrl(chip.url)}">${label}</a>`
    : html`<span class="actor-chip">${label}</span>`;
}

const MARK = "\u0001";

/**
 * A translated sentence with people (or links) in it: `t` is called with markers
 * for the placeholders, and the pieces between them stay escaped text, so a
 * catalogue's word order ("{who} banned {target}", "{who} expulsó a {target}") holds.
 */
export function sentence(
  t: (params: Record<string, string>) => string,
  parts: Record<string, Html>,
): Html {
  const text = t(Object.fromEntries(Object.keys(parts).map((k) => [k, `${MARK}${k}${MARK}`])));
  const pieces = text.split(new RegExp(`${MARK}(\\w+)${MARK}`));
  return html`${pieces.map((piece, i) => (i % 2 === 1 ? (parts[piece] ?? piece) : piece))}`;
}
