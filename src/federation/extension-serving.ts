/**
 * What the middlewares that serve our own vocabulary's documents in front of
 * Fedify share (decisions/serve.ts, budgeting/serve.ts): when a request asks for
 * ActivityStreams, the JSON answers, and whose server signed a fetch.
 */

import { ACTIVITY_JSON } from "./decisions/vocab.ts";
import { INSTANCE } from "./deps.ts";
import type { FederationGateway } from "./index.ts";

export const wantsActivityJson = (accept: string | undefined) =>
  !!accept && /application\/(?:activity\+json|ld\+json)/.test(accept);

export const activityJson = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": ACTIVITY_JSON, vary: "Accept" },
  });

/** The same answer whether the thing exists or is not the asker's to see. */
export const notFoundJson = () => activityJson({ error: "Not found" }, 404);

/** Whose server signed the fetch (its instance actor, or any actor of it), or null. */
export async function signedFetchOwner(
  gateway: FederationGateway,
  request: Request,
): Promise<string | null> {
  const { federation } = await gateway.load();
  const ctx = federation.createContext(request, undefined);
  const owner = await ctx
    .getSignedKeyOwner({ documentLoader: await ctx.getDocumentLoader({ identifier: INSTANCE }) })
    .catch(() => null);
  return owner?.id?.href ?? null;
}
