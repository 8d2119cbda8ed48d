/**
 * A transfer this co-op asked a ledger elsewhere for (credit_requests), served
 * at its id as a CreditTransfer to a signed fetch from the ledger's node only:
 * the object of the co-op's Offer, fetched by reference (inbox.ts on the
 * ledger's side). Anything else is 404.
 */
import type { MiddlewareHandler } from "hono";
import type { WebEnv } from "../../web/context.ts";
import {
  activityJson,
  notFoundJson,
  signedFetchOwner,
  wantsActivityJson,
} from "../extension-serving.ts";
import type { FederationGateway } from "../index.ts";
import { DOCUMENT_CONTEXT } from "./vocab.ts";

const requestPath = /^\/credit-requests\/([0-9a-f-]{36})$/;

export function creditRequestsMiddleware(gateway: FederationGateway): MiddlewareHandler<WebEnv> {
  const { db } = gateway.deps.db;
  return async (c, next) => {
    if (c.req.method !== "GET" || !wantsActivityJson(c.req.header("accept"))) return next();
    const m = requestPath.exec(new URL(c.req.url).pathname);
    if (!m?.[1]) return next();
    const r = await db
      .selectFrom("credit_requests")
      .selectAll()
      .where("id", "=", m[1])
      .executeTakeFirst();
    if (!r) return notFoundJson();
    const viewer = await signedFetchOwner(gateway, c.req.raw);
    if (!viewer || !URL.canParse(viewer) || new URL(viewer).origin !== new URL(r.ledger_uri).origin)
      return notFoundJson();
    return activityJson({
      "@context": DOCUMENT_CONTEXT,
      id: r.uri,
      type: "CreditTransfer",
      ledger: r.ledger_uri,
      payer: r.payer_uri,
      payee: r.payee_uri,
      amount: r.amount,
      summary: r.memo,
      ...(r.agreement_uri ? { agreement: r.agreement_uri } : {}),
      ...(r.payer_activity_uri ? { payerActivity: r.payer_activity_uri } : {}),
      ...(r.payee_activity_uri ? { payeeActivity: r.payee_activity_uri } : {}),
      published: r.created_at,
    });
  };
}
