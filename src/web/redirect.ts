/**
 * Every redirect a page or route answers goes through here, and only to a path
 * on this site: targets are often built from input (`next`, names, ids), and a
 * redirect to another origin is an open redirect (issue 14, item 5). The one
 * exception is OAuth's redirect to an app's registered redirect_uri
 * (api/oauth/routes.ts), matched exactly against what the app registered.
 */
import type { Context } from "hono";
import { localPathOrNull } from "../kernel/safe-url.ts";

type RedirectStatus = 301 | 302 | 303 | 307 | 308;

/** A redirect to `target` if it is a path here, else to the home page. */
export function redirectHere(c: Context, target: string, status: RedirectStatus = 302): Response {
  return c.redirect(localPathOrNull(target) ?? "/", status);
}
