/**
 * The ledger's journal served to member co-ops (docs/economy.md, "Mutual
 * credit"): GET /groups/{name}/ledger asked for as ActivityStreams is the
 * ledger (objects.ts: accounts and balances as of its last journal number),
 * `?after=N` a page of transfers after N. Only a signed fetch by a server of
 * an active member co-op gets them (its instance actor, or any actor there);
 * anything else is 404, the same answer whether the ledger exists or not. The
 * ledger's state is read in one transaction (repeatable read on PostgreSQL),
 * so the balances it states are exactly those of transfers 1…lastSeq: a
 * transfer takes its number and moves balances in one transaction, and numbers
 * commit in order (the ledger row's lock).
 */
import type { MiddlewareHandler } from "hono";
import { sql } from "kysely";
import { locksRows } from "../../accounts/locking.ts";
import { accountsOf, memberCoops } from "../../economy/credit/accounts.ts";
import { journalPage } from "../../economy/credit/journal.ts";
import { ledgerOfGroup } from "../../economy/credit/ledgers.ts";
import { findGroup } from "../../groups/groups.ts";
import { groupUri } from "../../kernel/uris.ts";
import type { WebEnv } from "../../web/context.ts";
import {
  activityJson,
  notFoundJson,
  signedFetchOwner,
  wantsActivityJson,
} from "../extension-serving.ts";
import type { FederationGateway } from "../index.ts";
import { journalPageDocument, ledgerDocument } from "./objects.ts";

const ledgerPath = /^\/groups\/([^/]+)\/ledger$/;
/** Transfers per served page (below what parse.ts accepts). */
export const SERVED_PAGE = 200;

export function creditFederationMiddleware(gateway: FederationGateway): MiddlewareHandler<WebEnv> {
  const { db } = gateway.deps.db;
  const origin = gateway.deps.config.origin;

  async function serve(request: Request, name: string, after: string | null): Promise<Response> {
    const group = await findGroup(db, decodeURIComponent(name));
    const ledger = group && (await ledgerOfGroup(db, group.id));
    if (!group || !ledger) return notFoundJson();
    const viewer = await signedFetchOwner(gateway, request);
    const viewerOrigin = viewer && URL.canParse(viewer) ? new URL(viewer).origin : null;
    const coops = await memberCoops(db, group.id);
    if (!viewerOrigin || !coops.some((c) => URL.canParse(c) && new URL(c).origin === viewerOrigin))
      return notFoundJson();
    if (after === null) {
      const snapshot = await db.transaction().execute(async (trx) => {
        if (locksRows(trx)) await sql`set transaction isolation level repeatable read`.execute(trx);
        const fresh = await ledgerOfGroup(trx, group.id);
        return fresh && { ledger: fresh, accounts: await accountsOf(trx, fresh.id) };
      });
      if (!snapshot) return notFoundJson();
      return activityJson(
        ledgerDocument(snapshot.ledger, groupUri(origin, group.name), snapshot.accounts),
      );
    }
    if (!/^\d{1,15}$/.test(after)) return activityJson({ error: "after: a journal number" }, 400);
    const afterSeq = Number(after);
    const lines = await journalPage(db, ledger.id, { afterSeq, limit: SERVED_PAGE + 1 });
    const more = lines.length > SERVED_PAGE;
    return activityJson(
      journalPageDocument(ledger.uri, afterSeq, lines.slice(0, SERVED_PAGE), more),
    );
  }

  return async (c, next) => {
    if (c.req.method !== "GET" || !wantsActivityJson(c.req.header("accept"))) return next();
    const url = new URL(c.req.url);
    const m = ledgerPath.exec(url.pathname);
    if (!m?.[1]) return next();
    return serve(c.req.raw, m[1], url.searchParams.get("after"));
  };
}
