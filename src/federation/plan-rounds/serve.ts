/**
 * What a node serves of plan rounds in front of Fedify: /plan-rounds/{id},
 * asked for as ActivityStreams, is a round hosted here as the member co-op at
 * the signing server may read it (its own commitments only,
 * economy/plan-rounds/outgoing.ts). Anything else is 404, the same answer
 * whether the round exists or not. Browsers get the page.
 */
import type { MiddlewareHandler } from "hono";
import { planFor } from "../../economy/plan-rounds/outgoing.ts";
import type { WebEnv } from "../../web/context.ts";
import {
  activityJson,
  notFoundJson,
  signedFetchOwner,
  wantsActivityJson,
} from "../extension-serving.ts";
import type { FederationGateway } from "../index.ts";
import { planDocument } from "./objects.ts";

const path = /^\/plan-rounds\/([0-9a-f-]{36})$/;

export function planRoundsFederationMiddleware(
  gateway: FederationGateway,
): MiddlewareHandler<WebEnv> {
  const { db } = gateway.deps.db;
  return async (c, next) => {
    if (c.req.method !== "GET" || !wantsActivityJson(c.req.header("accept"))) return next();
    const m = path.exec(new URL(c.req.url).pathname);
    if (!m?.[1]) return next();
    const fetcher = await signedFetchOwner(gateway, c.req.raw);
    if (!fetcher) return notFoundJson();
    const plan = await planFor(db, m[1], fetcher);
    return plan ? activityJson(planDocument(plan)) : notFoundJson();
  };
}
