/**
 * Signing up from an app (POST /api/v1/accounts, docs.joinmastodon.org/methods/accounts/#create):
 * the co-op's registration mode, checks and rate limits are the web sign-up's
 * (the accounts capability's register()). Open: a working Token. Approval: a
 * Token that works once an admin approves. Closed: 403.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { emailSchema } from "../../accounts/accounts.ts";
import { limits } from "../../accounts/rate-limits.ts";
import { register } from "../../accounts/registration.ts";
import { tellStaffOfApplication } from "../../social/staff-notices.ts";
import { clientIp } from "../../web/accounts/deps.ts";
import type { WebEnv } from "../../web/context.ts";
import { requireToken } from "../auth.ts";
import type { ApiDeps, ApiEnv } from "../deps.ts";
import { ApiError } from "../errors.ts";
import { issueToken } from "../oauth/store.ts";
import { readParams, truthy } from "../params.ts";

export function signupRoutes(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const { db } = deps;
  // Sign-up from an app: the token must be the app's own (client_credentials), as on Mastodon.
  app.post("/api/v1/accounts", async (c) => {
    const token = requireToken(c, "write:accounts");
    const p = z
      .object({
        username: z.string().max(100),
        email: z.string().max(300),
        password: z.string().max(2000),
        agreement: z.unknown(),
        locale: z.string().max(10).optional(),
        reason: z.string().max(2000).optional(),
        invite_code: z.string().max(200).optional(),
      })
      .parse(await readParams(c));
    if (!truthy(p.agreement))
      throw new ApiError(422, "Validation failed: Agreement must be accepted", {
        details: { agreement: [{ error: "ERR_ACCEPTED", description: "must be accepted" }] },
      });
    const ip = clientIp(c as unknown as Context<WebEnv>, deps.config.trustedProxies);
    const email = emailSchema.safeParse(p.email);
    const allowed = await deps.limiter.reserve([
      { limit: limits.signupPerIp, subject: ip },
      ...(email.success ? [{ limit: limits.signupPerAccount, subject: email.data }] : []),
    ]);
    if (!allowed.ok) {
      c.header("Retry-After", String(Math.ceil(allowed.retryAfterMs / 1000)));
      throw new ApiError(429, "Too many requests");
    }
    const coop = await deps.coop.get();
    const result = await register(
      db,
      {
        username: p.username,
        email: p.email,
        password: p.password,
        invite: p.invite_code ?? "",
        reason: p.reason ?? "",
        language: p.locale === "es" ? "es" : "en",
      },
      {
        mode: coop.registration,
        passwordCost: deps.config.passwordCost,
        verifyEmail: deps.config.smtpUrl !== null,
        clock: deps.clock,
        onApplication: tellStaffOfApplication(deps.config.origin, deps.clock),
      },
    );
    if (!result.ok) {
      if (result.reason === "closed")
        throw new ApiError(403, "Registrations are closed on this server");
      const details = Object.fromEntries(
        Object.entries(result.problems).map(([k, v]) => [
          k === "invite" ? "invite_code" : k,
          [{ error: v?.includes("taken") ? "ERR_TAKEN" : "ERR_INVALID", description: String(v) }],
        ]),
      );
      throw new ApiError(
        422,
        `Validation failed: ${Object.entries(result.problems)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ")}`,
        { details },
      );
    }
    const issued = await issueToken(
      db,
      { appId: token.appId, accountId: result.value.id, scopes: [...token.scopes] },
      deps.clock,
    );
    // A pending account (approval mode) gets its token, but it works only once approved.
    return c.json({
      access_token: issued.accessToken,
      token_type: "Bearer",
      scope: issued.scopes.join(" "),
      created_at: Math.floor(Date.parse(issued.createdAt) / 1000),
      ...(result.value.status === "pending" ? { approval_required: true } : {}),
    });
  });
  return app;
}
