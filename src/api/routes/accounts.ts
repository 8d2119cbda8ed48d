/**
 * Accounts (docs.joinmastodon.org/methods/accounts): the member's own
 * (verify_credentials, update_credentials with avatar and header), look-ups,
 * profiles and their statuses, followers and following, and search.
 * Follows, blocks and mutes are in account-actions.ts.
 */
import { Hono } from "hono";
import { z } from "zod";
import { findById, findByUsername, membersStartingWith } from "../../accounts/accounts.ts";
import { checkProfile, dropUploads, parseFields, updateProfile } from "../../accounts/profile.ts";
import { followersOf, followingOf } from "../../federation/follow-lists.ts";
import { manuallyApproves, setManuallyApproves } from "../../federation/follows.ts";
import { findRemoteActor, remoteActorsStartingWith } from "../../federation/remote-actors.ts";
import { memberUri } from "../../kernel/uris.ts";
import { askForCounts } from "../../social/person-counts.ts";
import { remotePinnedPosts } from "../../social/remote-pins.ts";
import { followsAuthor, pinnedPostIds } from "../../social/timelines.ts";
import { storeImage } from "../../storage/images.ts";
import { locales } from "../../web/i18n/i18n.ts";
import { optionalUser, requireUser } from "../auth.ts";
import { type ApiContext, type ApiDeps, type ApiEnv, memberRef, socialContext } from "../deps.ts";
import { notFound, unprocessable } from "../errors.ts";
import { readPage, setLink } from "../pagination.ts";
import { idList, readParams, truthy } from "../params.ts";
import { actorById, credentialAccount, loadAccount, loadAccounts } from "../serializers/account.ts";
import { serializeStatuses } from "../serializers/status.ts";
import { renderStatuses, statusArray } from "../status-json.ts";
import { profilePageIds } from "../status-pages.ts";

/** GET /api/v1/accounts?id[]= reads at most this many (Mastodon: DEFAULT_ACCOUNTS_LIMIT). */
export const MAX_ACCOUNTS_BY_ID = 40;

const str = (v: unknown) => (typeof v === "string" ? v : undefined);

export function accountRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const l = { db: deps.db, origin: deps.config.origin, domain: deps.config.domain };
  const s = socialContext(deps);

  const me = async (c: ApiContext, account: { id: string; username: string }) => {
    const [requests, row] = await Promise.all([
      followersOf(deps.db, account.id, "pending"),
      findById(deps.db, account.id),
    ]);
    const out = await credentialAccount(l, account, {
      followRequests: requests.length,
      role: row?.role ?? "member",
    });
    if (!out) throw notFound();
    return c.json(out);
  };

  app.get("/api/v1/accounts/verify_credentials", async (c) => me(c, requireUser(c, "profile")));

  app.patch("/api/v1/accounts/update_credentials", async (c) => {
    const account = requireUser(c, "write:accounts");
    const p = await readParams(c);
    const row = await findById(deps.db, account.id);
    if (!row) throw notFound();
    const source = (p.source ?? {}) as Record<string, unknown>;
    const fieldsIn = p.fields_attributes;
    const fields =
      fieldsIn && typeof fieldsIn === "object"
        ? Object.values(fieldsIn as Record<string, { name?: unknown; value?: unknown }>).map(
            (f) => ({
              name: String(f?.name ?? ""),
              value: String(f?.value ?? ""),
            }),
          )
        : parseFields(row.fields);
    const checked = checkProfile(
      {
        displayName: str(p.display_name) ?? row.display_name,
        bio: str(p.note) ?? row.bio,
        language:
          str(source.language) && locales.includes(str(source.language) as never)
            ? (str(source.language) as string)
            : row.language,
        fields,
      },
      locales,
    );
    if (!checked.ok)
      throw unprocessable(
        Object.entries(checked.errors)
          .map(([k, v]) => `${k} ${v}`)
          .join(", "),
      );
    const images: { avatarId?: string; headerId?: string } = {};
    for (const purpose of ["avatar", "header"] as const) {
      const file = p[purpose];
      if (!(file instanceof File) || file.size === 0) continue;
      const stored = await storeImage(
        deps.db,
        deps.config,
        {
          bytes: new Uint8Array(await file.arrayBuffer()),
          purpose,
          ownerId: account.id,
        },
        deps.clock,
      );
      if (!stored.ok)
        throw unprocessable(
          `${purpose} ${stored.reason === "too-large" || stored.reason === "too-many-pixels" ? "is too big" : "is not a supported image"}`,
        );
      images[purpose === "avatar" ? "avatarId" : "headerId"] = stored.value.id;
    }
    const replaced = await updateProfile(deps.db, account.id, checked.value, images, deps.clock);
    await dropUploads(deps.db, account.id, replaced);
    if (p.locked !== undefined) {
      const locked = truthy(p.locked);
      if (locked !== (await manuallyApproves(deps.db, account.id)))
        await setManuallyApproves(deps.db, account.id, locked);
    }
    return me(c, account);
  });

  app.get("/api/v1/accounts/lookup", async (c) => {
    const viewer = optionalUser(c);
    const acct = (c.req.query("acct") ?? "").replace(/^@/, "");
    if (!acct) throw unprocessable("acct is missing");
    const [name = "", host] = acct.split("@");
    let uri: string | undefined;
    if (!host || host.toLowerCase() === deps.config.domain.toLowerCase()) {
      const found = await findByUsername(deps.db, name);
      if (found?.status === "active") uri = memberUri(deps.config.origin, found.username);
    } else {
      const remote = await findRemoteActor(deps.db, { handle: acct });
      uri = remote?.uri;
      if (remote && viewer) await askForCounts(deps.db, remote, deps.clock.now());
    }
    const account = uri ? await loadAccount(l, uri) : undefined;
    if (!account) throw notFound();
    return c.json(account);
  });

  app.get("/api/v1/accounts/search", async (c) => {
    const viewer = requireUser(c, "read:accounts");
    const p = await readParams(c);
    const q = z
      .object({
        q: z.string().min(1).max(300),
        limit: z.coerce.number().int().optional(),
        resolve: z.unknown().optional(),
      })
      .parse(p);
    return c.json(
      await searchAccounts(deps, q.q, Math.min(q.limit ?? 40, 80), truthy(q.resolve), viewer),
    );
  });

  // Several at once (Mastodon 4.3), in the order asked; unknown ids are left out.
  app.get("/api/v1/accounts", async (c) => {
    optionalUser(c);
    const ids = idList(await readParams(c), MAX_ACCOUNTS_BY_ID);
    const uris: string[] = [];
    for (const id of ids) {
      const actor = await actorById(l, id);
      if (actor) uris.push(actor.uri);
    }
    const accounts = await loadAccounts(l, uris);
    return c.json(uris.flatMap((u) => accounts.get(u) ?? []));
  });

  app.get("/api/v1/accounts/:id", async (c) => {
    const viewer = optionalUser(c);
    const actor = await actorById(l, c.req.param("id"));
    // A member looking at a remote account: its server's counts, read again if stale (queued).
    if (actor?.remote && viewer) await askForCounts(deps.db, actor.remote, deps.clock.now());
    const account = actor ? await loadAccount(l, actor.uri) : undefined;
    if (!account) throw notFound();
    return c.json(account);
  });

  app.get("/api/v1/accounts/:id/statuses", async (c) => {
    const viewer = optionalUser(c, "read:statuses");
    const actor = await actorById(l, c.req.param("id"));
    if (!actor) throw notFound();
    const p = await readParams(c);
    const page = readPage(p);
    const ref = viewer ? memberRef(deps, viewer) : null;
    if (truthy(p.pinned)) {
      if (!actor.local)
        return c.json(
          await serializeStatuses(l, await remotePinnedPosts(s, ref, actor.uri), !!viewer),
        );
      // A member's pins from kept fragments (status-json.ts), as their other statuses.
      const ids = await pinnedPostIds(s, ref, actor.local.id);
      const rendered = await renderStatuses(s, l, ref, ids, null);
      return c.body(statusArray(rendered, ids), 200, { "content-type": "application/json" });
    }
    // Normalized as matchesFilters does (the compiled query is given the value as it is).
    const tagged = typeof p.tagged === "string" ? p.tagged.slice(0, 100) : "";
    const flag = (x: unknown) => (truthy(x) ? "1" : "");
    const got = await profilePageIds(
      deps.db,
      {
        viewerId: ref?.id ?? "",
        viewerUri: ref?.uri ?? "",
        authorUri: actor.uri,
        follower: flag(await followsAuthor(s, ref, actor.uri)),
        hasTag: tagged ? "1" : "",
        tagged: tagged.toLowerCase().replace(/^#/, ""),
        media: flag(p.only_media),
        noReplies: flag(p.exclude_replies),
        noReblogs: flag(p.exclude_reblogs),
      },
      page,
    );
    // Statuses as JSON text (status-json.ts); the cursors of the posts read, as timelines'.
    const rendered = await renderStatuses(s, l, ref, got.ids, "account", got.posts);
    setLink(c, rendered.present, { hasMore: got.nextMaxId !== null });
    return c.body(statusArray(rendered), 200, { "content-type": "application/json" });
  });

  const followList = (which: "followers" | "following") => async (c: ApiContext) => {
    optionalUser(c);
    const actor = await actorById(l, c.req.param("id") ?? "");
    if (!actor) throw notFound();
    // Collections of remote actors live on their servers; only members' lists are known here.
    if (!actor.local) return c.json([]);
    const page = readPage(await readParams(c), { limit: 40, max: 80 });
    const entries = (
      which === "followers"
        ? await followersOf(deps.db, actor.local.id, "accepted")
        : await followingOf(deps.db, actor.local.id)
    )
      .filter((e) => e.status === "accepted")
      .filter(
        (e) =>
          (!page.maxId || e.id < page.maxId) &&
          (!page.sinceId || e.id > page.sinceId) &&
          (!page.minId || e.id > page.minId),
      )
      .slice(0, page.limit);
    const accounts = await loadAccounts(
      l,
      entries.map((e) => e.uri),
    );
    setLink(
      c,
      entries.map((e) => e.id),
      { hasMore: entries.length === page.limit },
    );
    return c.json(entries.flatMap((e) => accounts.get(e.uri) ?? []));
  };
  app.get("/api/v1/accounts/:id/followers", followList("followers"));
  app.get("/api/v1/accounts/:id/following", followList("following"));
  return app;
}

/** Members by name prefix, known remote actors by handle; with resolve, a WebFinger look-up. */
export async function searchAccounts(
  deps: ApiDeps,
  q: string,
  limit: number,
  resolve: boolean,
  viewer: { id: string } | null,
) {
  const l = { db: deps.db, origin: deps.config.origin, domain: deps.config.domain };
  const query = q.trim().replace(/^@/, "");
  const uris: string[] = [];
  if (/^[^@\s]+@[^@\s]+$/.test(query) || /^https?:\/\//.test(query)) {
    const [name = "", host = ""] = query.split("@");
    if (host.toLowerCase() === deps.config.domain.toLowerCase()) {
      const found = await findByUsername(deps.db, name);
      if (found?.status === "active") uris.push(memberUri(deps.config.origin, found.username));
    } else {
      const cached = /^https?:/.test(query)
        ? await findRemoteActor(deps.db, { uri: query })
        : await findRemoteActor(deps.db, { handle: query });
      const actor =
        cached ??
        (resolve && viewer ? await deps.federation.lookup(query).catch(() => null) : null);
      if (actor && !actor.gone) uris.push(actor.uri);
    }
  } else {
    const [locals, remotes] = await Promise.all([
      membersStartingWith(deps.db, query, limit),
      remoteActorsStartingWith(deps.db, query, limit),
    ]);
    uris.push(...locals.map((username) => memberUri(deps.config.origin, username)), ...remotes);
  }
  const accounts = await loadAccounts(l, uris.slice(0, limit));
  return uris.flatMap((u) => accounts.get(u) ?? []).slice(0, limit);
}
