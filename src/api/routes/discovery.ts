/**
 * Documents apps and crawlers read before anything else: OAuth 2 authorization
 * server metadata (RFC 8414, as Mastodon 4.3 serves it, so apps see PKCE), the
 * NodeInfo index with 2.0 beside 2.1 (older crawlers only read 2.0), and /health.
 * Mounted before the federation middleware so the NodeInfo index is ours.
 */
import { Hono } from "hono";
import type { Config } from "../../config.ts";
import type { FederationGateway } from "../../federation/index.ts";
import { knownScopes } from "../oauth/scopes.ts";

const NODEINFO = "http://nodeinfo.diaspora.software/ns/schema";

export function discoveryRoutes(deps: { config: Config; federation: FederationGateway }): Hono {
  const app = new Hono();
  const { origin } = deps.config;

  app.get("/.well-known/oauth-authorization-server", (c) =>
    c.json({
      issuer: `${origin}/`,
      service_documentation: "https://docs.joinmastodon.org/",
      authorization_endpoint: `${origin}/oauth/authorize`,
      token_endpoint: `${origin}/oauth/token`,
      revocation_endpoint: `${origin}/oauth/revoke`,
      app_registration_endpoint: `${origin}/api/v1/apps`,
      scopes_supported: [...knownScopes],
      response_types_supported: ["code"],
      response_modes_supported: ["query", "fragment", "form_post"],
      code_challenge_methods_supported: ["S256"],
      grant_types_supported: ["authorization_code", "client_credentials", "refresh_token"],
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    }),
  );

  app.get("/.well-known/nodeinfo", (c) =>
    c.json({
      links: ["2.0", "2.1"].map((v) => ({
        rel: `${NODEINFO}/${v}`,
        href: `${origin}/nodeinfo/${v}`,
      })),
    }),
  );

  // 2.0 is 2.1 without software.repository / homepage (its schema allows only name and version).
  app.get("/nodeinfo/2.0", async (c) => {
    const { federation } = await deps.federation.load();
    const res = await federation.fetch(
      new Request(`${origin}/nodeinfo/2.1`, { headers: { accept: "application/json" } }),
      { contextData: undefined },
    );
    const doc = (await res.json()) as { software: { name: string; version: string } };
    return c.json(
      {
        ...doc,
        version: "2.0",
        software: { name: doc.software.name, version: doc.software.version },
      },
      200,
      {
        "content-type": `application/json; profile="${NODEINFO}/2.0#"`,
      },
    );
  });

  // RFC 6415 host-meta: where WebFinger is (older software looks here first), XML and JSON.
  const lrdd = `${origin}/.well-known/webfinger?resource={uri}`;
  app.get("/.well-known/host-meta", (c) =>
    c.body(
      `<?xml version="1.0" encoding="UTF-8"?>\n<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n  <Link rel="lrdd" template="${lrdd}"/>\n</XRD>\n`,
      200,
      { "content-type": "application/xrd+xml; charset=utf-8" },
    ),
  );
  app.get("/.well-known/host-meta.json", (c) =>
    c.json({ links: [{ rel: "lrdd", template: lrdd }] }),
  );

  // Mastodon's health check (load balancers ask for it): the process answers.
  app.get("/health", (c) => c.text("OK"));
  return app;
}
