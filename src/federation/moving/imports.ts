/**
 * Applying an import's rows in the worker (moving/imports.ts): each
 * moving.import.queued event takes the next few rows, resolves them side by side
 * (an address by WebFinger, a post by a signed fetch; members and posts here from
 * the database) and applies them; rows left over queue the next event, so the
 * relay never waits long on one import. A row nothing answers for is counted failed.
 */
import type { Context } from "@fedify/fedify";
import { getLogger } from "@logtape/logtape";
import type { ImportKind } from "../../db/schema/moving.ts";
import {
  applyRow,
  finishRows,
  pendingRows,
  queuedImport,
  type Resolved,
} from "../../moving/imports.ts";
import { type FederationDeps, findMember, isVisible, socialContext } from "../deps.ts";
import { resolveActor } from "../lookup.ts";
import { resolvePostIn } from "../social/resolve-post.ts";

const logger = getLogger(["synco", "federation", "moving"]);

/** Rows resolved side by side per event: a slow server holds the relay for one fetch's time. */
const BATCH = 10;

async function localMember(deps: FederationDeps, username: string): Promise<Resolved> {
  const member = await findMember(deps.db.db, username);
  if (!member || !isVisible(member)) return null;
  return {
    kind: "actor",
    target: { kind: "local", account: { id: member.id, username: member.username } },
    uri: new URL(`/users/${member.username}`, deps.config.origin).href,
  };
}

async function resolveRow(
  ctx: Context<void>,
  deps: FederationDeps,
  kind: ImportKind,
  target: string,
): Promise<Resolved> {
  if (kind === "bookmarks") {
    const postId = await resolvePostIn(ctx, deps, target);
    return postId ? { kind: "post", postId } : null;
  }
  const domain = deps.config.domain.toLowerCase();
  if (target.endsWith(`@${domain}`)) return localMember(deps, target.slice(0, -domain.length - 1));
  if (/^https?:/.test(target) && new URL(target).origin === new URL(deps.config.origin).origin) {
    const parsed = ctx.parseUri(new URL(target));
    return parsed?.type === "actor" ? localMember(deps, parsed.identifier) : null;
  }
  const actor = await resolveActor(ctx, deps, target);
  if (!actor || actor.gone) return null;
  return { kind: "actor", target: { kind: "remote", actor }, uri: actor.uri };
}

export async function applyImportBatch(
  ctx: Context<void>,
  deps: FederationDeps,
  importId: string,
): Promise<void> {
  const s = socialContext(deps);
  const found = await queuedImport(s.db, importId);
  const kind = found?.kind;
  // An archive's posts are written by the request itself (moving/history.ts).
  if (!found || !kind || kind === "posts") return;
  const member = { id: found.accountId, username: found.username };
  const rows = await pendingRows(s.db, importId, BATCH);
  const resolved = await Promise.all(
    rows.map((r) =>
      resolveRow(ctx, deps, kind, r.target).catch((error: unknown) => {
        logger.info("Resolving {target} failed: {error}", { target: r.target, error });
        return null;
      }),
    ),
  );
  const outcomes: { position: number; ok: boolean }[] = [];
  for (const [i, row] of rows.entries())
    outcomes.push({
      position: row.position,
      ok: await applyRow(s, member, kind, row, resolved[i] ?? null),
    });
  await finishRows(s, importId, outcomes);
}
