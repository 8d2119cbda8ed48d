/**
 * What a node serves of the opsroom in front of Fedify, to signed fetches
 * only (economy/opsroom/outgoing.ts decides who reads what):
 * - /opsroom/indicators/{id}: an indicator's state, to the nodes hosting our federations;
 * - /opsroom/alarms/{id}: an escalated alarm, to the nodes of the federations it went to;
 * - /opsroom/escalations/{id}: an escalation forwarded from a federation here, likewise.
 * Anything else is 404, the same answer whether it exists or not. Browsers get the pages.
 */
import type { MiddlewareHandler } from "hono";
import { alarmFor, escalationFor, indicatorFor } from "../../economy/opsroom/outgoing.ts";
import type { WebEnv } from "../../web/context.ts";
import {
  activityJson,
  notFoundJson,
  signedFetchOwner,
  wantsActivityJson,
} from "../extension-serving.ts";
import type { FederationGateway } from "../index.ts";
import { alarmDocument, indicatorDocument } from "./objects.ts";

const path = /^\/opsroom\/(indicators|alarms|escalations)\/([0-9a-f-]{36})$/;

export function indicatorsFederationMiddleware(
  gateway: FederationGateway,
): MiddlewareHandler<WebEnv> {
  const deps = gateway.deps;
  const { db } = deps.db;
  const origin = deps.config.origin;
  return async (c, next) => {
    if (c.req.method !== "GET" || !wantsActivityJson(c.req.header("accept"))) return next();
    const m = path.exec(new URL(c.req.url).pathname);
    if (!m?.[1] || !m[2]) return next();
    const fetcher = await signedFetchOwner(gateway, c.req.raw);
    if (!fetcher) return notFoundJson();
    if (m[1] === "indicators") {
      const found = await indicatorFor(db, origin, m[2], fetcher);
      return found ? activityJson(indicatorDocument(found.report, found.updated)) : notFoundJson();
    }
    const report =
      m[1] === "alarms"
        ? await alarmFor(db, origin, m[2], fetcher)
        : await escalationFor(db, origin, m[2], fetcher);
    return report ? activityJson(alarmDocument(report)) : notFoundJson();
  };
}
