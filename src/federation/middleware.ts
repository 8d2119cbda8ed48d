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

/**
 * Serves a kept actor, WebFinger or NodeInfo answer before the areas' federation
 * middleware (groups, decisions, budgeting) look at the request: a WebFinger for a
 * member otherwise costs the groups' lookup of a group by that name first (issue 24).
 * Only answers Fedify gave are kept, and the names of members and groups never meet.
 */
export function cachedFederationDocuments(gateway: FederationGateway): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    if (c.req.method !== "GET") return next();
    const path = c.req.path;
    if (!cacheablePath.test(path)) return next();
    const key = documentKey("GET", new URL(c.req.url), c.req.header("accept"));
    const hit = key ? cachedDocument(gateway, key) : null;
    return hit ?? next();
  };
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
    const path = new URL(c.req.url).pathname;
    if (!federationPath.test(path)) return next();
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
