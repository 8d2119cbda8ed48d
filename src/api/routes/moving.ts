/**
 * Moving in and out for apps, under /api/synco/v1/moving (docs/operations.md
 * "Moving in and out"): the accounts a member moves from (alsoKnownAs), where they
 * moved, and their imports. Moving away itself asks for the password, so it is a
 * page only (Settings → Moving), as on Mastodon. Scopes: reading `read`, writing `write`.
 */
import { Hono } from "hono";
import { aliasUri } from "../../federation/moving/alias.ts";
import { memberUri } from "../../kernel/uris.ts";
import { addAlias, aliasesOf, removeAlias } from "../../moving/aliases.ts";
import { importsOf } from "../../moving/imports.ts";
import { movedTo } from "../../moving/moves.ts";
import { requireUser } from "../auth.ts";
import type { ApiDeps, ApiEnv } from "../deps.ts";
import { ApiError, notFound, unprocessable } from "../errors.ts";
import { readParams } from "../params.ts";

const PREFIX = "/api/synco/v1/moving";

export function movingRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const s = {
    db: deps.db,
    origin: deps.config.origin,
    domain: deps.config.domain,
    clock: deps.clock,
  };

  const state = async (me: { id: string; username: string }) => ({
    also_known_as: await aliasesOf(deps.db, me.id),
    moved_to: await movedTo(deps.db, memberUri(deps.config.origin, me.username)),
    imports: (await importsOf(deps.db, me.id)).map((i) => ({
      id: i.id,
      type: i.kind,
      mode: i.mode,
      state: i.state,
      total: i.total_rows,
      done: i.done_rows,
      failed: i.failed_rows,
      created_at: i.created_at,
      finished_at: i.finished_at,
    })),
  });

  app.get(PREFIX, async (c) => c.json(await state(requireUser(c, "read"))));

  app.post(`${PREFIX}/aliases`, async (c) => {
    const me = requireUser(c, "write");
    const acct = (await readParams(c)).acct;
    if (typeof acct !== "string" || !acct.trim() || acct.length > 500)
      throw unprocessable("acct (an address or URL) is required");
    const uri = await aliasUri(deps, acct);
    if (!uri) throw notFound();
    const added = await addAlias(s, me, uri);
    if (!added.ok)
      throw new ApiError(
        422,
        added.reason === "too-many"
          ? "Too many aliases"
          : added.reason === "self"
            ? "That is this account"
            : "Invalid account",
      );
    deps.federation.deps.invalidate();
    return c.json(await state(me));
  });

  app.delete(`${PREFIX}/aliases`, async (c) => {
    const me = requireUser(c, "write");
    const uri = (await readParams(c)).uri;
    if (typeof uri !== "string" || !(await removeAlias(s, me, uri.slice(0, 2000))))
      throw notFound();
    deps.federation.deps.invalidate();
    return c.json(await state(me));
  });

  return app;
}
