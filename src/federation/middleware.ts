/**
 * Hono middleware in front of Fedify (there is no @fedify/hono here): requests
 * for federation paths go to federation.fetch(); what Fedify does not serve
 * (a browser asking for /users/ada, an unknown path) falls through to the pages.
 * Inbox bodies are capped in size and shape (inbox-guard.ts); actor, WebFinger and NodeInfo answers are cached for a
 * minute (and dropped when a local actor changes), so they cost no Fedify work.
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { WebEnv } from "../web/context.ts";
import { redirectHere } from "../web/redirect.ts";
import { type InboxShapeProblem, inboxShapeMessages, inboxShapeProblem } from "./inbox-guard.ts";
import type { FederationGateway } from "./index.ts";

/** Mastodon refuses activities above 1 MB; so do we. */
export const MAX_INBOX_BYTES = 1024 * 1024;
const CACHE_MS = 60_000;
const CACHE_ENTRIES = 10_000;

// A trailing slash names the same resource (as Mastodon routes it; Fedify is told so too).
const federationPath =
  /^\/(?:\.well-known\/(?:webfinger|nodeinfo|host-meta)|nodeinfo\/2\.1|users\/[^/]+(?:\/[^/]+)?|actor|inbox)\/?$/;
const inboxPath = /^\/(?:inbox|users\/[^/]+\/inbox|actor\/inbox)\/?$/;
/** Documents whose answer depends only on the URL and whether JSON was asked for. */
const cacheablePath =
  /^\/(?:\.well-known\/(?:webfinger|nodeinfo)|nodeinfo\/2\.1|users\/[^/]+|actor)\/?$/;

const wantsActivityJson = (accept: string | undefined) =>
  !!accept && /application\/(?:activity\+json|ld\+json|json)/.test(accept);

/** The body as UTF-8 text, checked (inbox-guard.ts); null when it may go to Fedify. */
function inboxBodyProblem(bytes: Uint8Array): InboxShapeProblem | null {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return "not-json";
  }
  return inboxShapeProblem(text);
}

const isJsonLdError = (error: unknown) =>
  error instanceof Error && error.name.startsWith("jsonld.");

/** The documents cache's key for a request, or null when its answer is not kept. */
function documentKey(method: string, url: URL, accept: string | undefined): string | null {
  return method === "GET" && cacheablePath.test(url.pathname)
    ? `${wantsActivityJson(accept) ? "ap" : "other"} ${url.pathname}${url.search}`
    : null;
}

function cachedDocument(gateway: FederationGateway, key: string): Response | null {
  const hit = gateway.documents.get(key);
  return hit && hit.expires > Date.now()
    ? new Response(hit.body, { status: hit.status, headers: hit.headers })
    : null;
}

/** The headers each kept answer went out with the first time (CORS and security headers too). */
const answeredHeaders = new WeakMap<object, [string, string][]>();

/**
 * Serves a kept actor, WebFinger or NodeInfo answer before anything else but the
 * request's id and count: before the CORS and security headers middleware (the
 * answer carries the headers they gave it the first time: they depend on the path
 * only), and before the areas' federation middleware, which would look a member's
 * name up as a group's first (issue 24). Only answers Fedify gave are kept, and the
 * names of members and groups never meet.
 */
export function cachedFederationDocuments(gateway: FederationGateway): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    if (c.req.method !== "GET" || !cacheablePath.test(c.req.path)) return next();
    const key = documentKey("GET", new URL(c.req.url), c.req.header("accept"));
    if (!key) return next();
    const hit = gateway.documents.get(key);
    const headers = hit && hit.expires > Date.now() ? answeredHeaders.get(hit) : undefined;
    if (hit && headers) return new Response(hit.body, { status: hit.status, headers });
    await next();
    // Kept just now (or earlier, then answered from it by the federation middleware):
    // remember the headers it went out with.
    const kept = gateway.documents.get(key);
    if (kept && kept.status === c.res.status && !answeredHeaders.has(kept))
      answeredHeaders.set(kept, [...c.res.headers.entries()]);
  };
}

/**
 * The areas' own ActivityStreams documents (a group and its posts, decisions,
 * budgets, indicators, plan rounds, credit, commons, the marketplace), each served
 * only to a GET asking for ActivityStreams JSON, and a group's WebFinger. Anything
 * else (the client API, a browser's page) goes on at once; the areas' modules are
 * imported on the first request that may be theirs.
 */
export function areaFederationDocuments(gateway: FederationGateway): MiddlewareHandler<WebEnv> {
  let chain: Promise<MiddlewareHandler<WebEnv>[]> | null = null;
  return async (c, next) => {
    if (c.req.method !== "GET") return next();
    if (c.req.path !== "/.well-known/webfinger" && !wantsAreaDocument(c.req.header("accept")))
      return next();
    chain ??= areaMiddlewares(gateway).catch((error: unknown) => {
      chain = null;
      throw error;
    });
    const handlers = await chain;
    const run = (i: number): ReturnType<MiddlewareHandler<WebEnv>> => {
      const handler = handlers[i];
      return handler ? handler(c, () => run(i + 1) as Promise<void>) : next();
    };
    return run(0);
  };
}

/** What the areas' middleware each test first (extension-serving.ts wantsActivityJson). */
const wantsAreaDocument = (accept: string | undefined) =>
  !!accept && /application\/(?:activity\+json|ld\+json)/.test(accept);

/** In the order they were mounted in (groups first: a WebFinger may name a group). */
async function areaMiddlewares(gateway: FederationGateway): Promise<MiddlewareHandler<WebEnv>[]> {
  const m = await Promise.all([
    import("./groups/serve.ts"),
    import("./decisions/serve.ts"),
    import("./budgeting/serve.ts"),
    import("./indicators/serve.ts"),
    import("./plan-rounds/serve.ts"),
    import("./credit/serve.ts"),
    import("./credit/serve-requests.ts"),
    import("./commons/serve.ts"),
    import("./economy/serve.ts"),
  ]);
  return [
    m[0].groupFederationMiddleware(gateway),
    m[1].decisionFederationMiddleware(gateway),
    m[2].budgetingFederationMiddleware(gateway),
    m[3].indicatorsFederationMiddleware(gateway),
    m[4].planRoundsFederationMiddleware(gateway),
    m[5].creditFederationMiddleware(gateway),
    m[6].creditRequestsMiddleware(gateway),
    m[7].commonsFederationMiddleware(gateway),
    m[8].economyFederationMiddleware(gateway),
  ];
}

export function federationMiddleware(gateway: FederationGateway): MiddlewareHandler<WebEnv> {
  const limit = bodyLimit({
    maxSize: MAX_INBOX_BYTES,
    // The rest of the body may still be on its way: close the connection rather than reuse it.
    onError: (c) => c.text("The activity is too large.", 413, { connection: "close" }),
  });

  const serve: MiddlewareHandler<WebEnv> = async (c, next) => {
    const url = new URL(c.req.url);
    const path = url.pathname;
    const cacheKey = documentKey(c.req.raw.method, url, c.req.header("accept"));
    if (cacheKey) {
      const hit = cachedDocument(gateway, cacheKey);
      if (hit) return hit;
    }
    const { federation } = await gateway.load();
    let fallThrough = false;
    const response = await federation.fetch(c.req.raw, {
      contextData: undefined,
      onNotFound: () => {
        fallThrough = true;
        return new Response(null, { status: 404 });
      },
      onNotAcceptable: () => {
        fallThrough = true;
        return new Response(null, { status: 406 });
      },
    });
    if (fallThrough) {
      // A browser at an actor's id gets the member's profile page.
      const member = /^\/users\/([A-Za-z0-9_]+)$/.exec(path)?.[1];
      if (member && c.req.method === "GET") return redirectHere(c, `/@${member}`, 302);
      await next();
      return;
    }
    if (cacheKey && (response.status === 200 || response.status === 410)) {
      const body = await response.text();
      const headers = [...response.headers.entries()];
      if (gateway.documents.size >= CACHE_ENTRIES) gateway.documents.clear();
      gateway.documents.set(cacheKey, {
        status: response.status,
        headers,
        body,
        expires: Date.now() + CACHE_MS,
      });
      return new Response(body, { status: response.status, headers });
    }
    return response;
  };

  return async (c, next) => {
    // c.req.path: the node's app reads paths without a trailing slash (strict: false).
    if (!federationPath.test(c.req.path)) return next();
    const path = new URL(c.req.url).pathname;
    if (c.req.method === "POST" && inboxPath.test(path)) {
      // bodyLimit passes on what the next handler returns: Fedify's response.
      return limit(c, (async () => {
        const bytes = new Uint8Array(await c.req.raw.arrayBuffer());
        const problem = inboxBodyProblem(bytes);
        if (problem) return c.text(inboxShapeMessages[problem], 400);
        c.req.raw = new Request(c.req.raw, { body: bytes });
        try {
          return await serve(c, next);
        } catch (error) {
          // Fedify passes on JSON-LD errors it takes for passing ones (a context that would
          // not load); the body is the sender's to fix, not a fault of ours.
          if (!isJsonLdError(error)) throw error;
          return c.text("The activity's JSON-LD could not be processed.", 400);
        }
      }) as () => Promise<void>);
    }
    return serve(c, next);
  };
}
