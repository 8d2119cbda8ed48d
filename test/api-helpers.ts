/**
 * Helpers for the client API tests: an app registered with masto, a member
 * authorized through the real consent page (OAuth 2 with PKCE), and polling.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { createOAuthAPIClient, createRestAPIClient, type mastodon } from "masto";
import { createMember, signIn } from "./support/login.ts";
import type { TestNode } from "./support/node.ts";

export const REDIRECT = "https://app.example/callback";

export async function registerApp(node: TestNode, scopes = "read write follow push") {
  const anon = createRestAPIClient({ url: node.url });
  return anon.v1.apps.create({
    clientName: "Test app",
    redirectUris: REDIRECT,
    scopes,
    website: "https://app.example",
  });
}

/** Goes through /oauth/authorize as the logged-in member; returns the code. */
export async function authorize(
  node: TestNode,
  who: { username: string; password: string },
  app: { clientId?: string | null },
  options: { scope?: string; challenge?: string } = {},
): Promise<string> {
  const session = await signIn(node, who.username, who.password);
  const query = new URLSearchParams({
    response_type: "code",
    client_id: app.clientId ?? "",
    redirect_uri: REDIRECT,
    scope: options.scope ?? "read write follow",
    state: "xyz",
    ...(options.challenge
      ? { code_challenge: options.challenge, code_challenge_method: "S256" }
      : {}),
  });
  const page = await session.get(`/oauth/authorize?${query}`);
  assert.equal(page.status, 200, await page.clone().text());
  const form = Object.fromEntries(
    [...(await page.text()).matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map(
      (m) => [m[1] ?? "", (m[2] ?? "").replace(/&amp;/g, "&")],
    ),
  );
  const res = await session.post("/oauth/authorize", { ...form, decision: "approve" });
  assert.equal(res.status, 303);
  const back = new URL(res.headers.get("location") ?? "");
  assert.equal(back.searchParams.get("state"), "xyz");
  return back.searchParams.get("code") ?? "";
}

export function pkce() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/** A member with a token (authorization_code + PKCE) and a masto client for them. */
export async function memberClient(
  node: TestNode,
  username: string,
  app?: mastodon.v1.Client,
): Promise<{ client: mastodon.rest.Client; token: string; app: mastodon.v1.Client; id: string }> {
  const password = "correct horse battery";
  const member = await createMember(node, { username, password });
  const registered = app ?? (await registerApp(node));
  const { verifier, challenge } = pkce();
  const code = await authorize(node, { username, password }, registered, { challenge });
  const oauth = createOAuthAPIClient({ url: node.url });
  const token = await oauth.token.create({
    grantType: "authorization_code",
    clientId: registered.clientId ?? "",
    clientSecret: registered.clientSecret ?? "",
    redirectUri: REDIRECT,
    code,
    codeVerifier: verifier,
  } as Parameters<typeof oauth.token.create>[0]);
  return {
    client: createRestAPIClient({ url: node.url, accessToken: token.accessToken }),
    token: token.accessToken,
    app: registered,
    id: member.id,
  };
}

/** Polls `check` until it returns a value (not undefined/false) or the deadline passes. */
export async function until<T>(
  check: () => Promise<T | undefined | false | null>,
  what: string,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A JSON body whose fields the test reads as text (tokens, errors). */
export async function json(res: Response): Promise<Record<string, string>> {
  return (await res.json()) as Record<string, string>;
}

/**
 * The HTTP status of a failed masto call. In these tests the server runs in the
 * same process, and @hono/node-server swaps the global Response class, so masto
 * sometimes rethrows the Response itself instead of wrapping it in MastoHttpError.
 */
export function statusOf(error: unknown): number | undefined {
  const e = error as { statusCode?: number; status?: number };
  return e.statusCode ?? e.status;
}
