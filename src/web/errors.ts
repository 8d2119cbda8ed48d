/**
 * The one error handler. Input errors become 4xx answers with a clear message
 * (JSON for the API, a page for people); anything else is logged with its stack
 * and answered with a plain 500 that reveals nothing.
 */
import { getLogger } from "@logtape/logtape";
import type { Context } from "hono";
import { html } from "hono/html";
import { HTTPException } from "hono/http-exception";
import { ZodError } from "zod";
import { InputError } from "../kernel/errors.ts";
import type { WebEnv } from "./context.ts";
import { translator } from "./i18n/i18n.ts";
import { layout } from "./layout.ts";
import { MAX_FORM_BODY_BYTES, megabytes } from "./uploads.ts";

const logger = getLogger(["synco", "http"]);

function wantsJson(c: Context): boolean {
  const path = new URL(c.req.url).pathname;
  return (
    path.startsWith("/api/") ||
    path.startsWith("/oauth/") ||
    path.startsWith("/.well-known/") ||
    path.startsWith("/nodeinfo/") ||
    (c.req.header("accept") ?? "").includes("json")
  );
}

/** The translator, even for errors raised before the context middleware ran. */
const tr = (c: Context<WebEnv>) => c.get("t") ?? translator("en");

export function errorPage(c: Context<WebEnv>, status: number, message: string) {
  if (wantsJson(c)) return c.json({ error: message }, status as 400);
  if (!c.get("coop")) return c.text(message, status as 400);
  const t = tr(c);
  const body = html`<h1>${t("error.title")}</h1>
    <p class="notice">${message}</p>
    <p><a href="/">${t("error.back")}</a></p>`;
  return c.html(layout(c, t("error.title"), body), status as 400);
}

export function onError(error: Error, c: Context<WebEnv>) {
  const t = tr(c);
  if (error instanceof InputError) return errorPage(c, error.status, error.message);
  if (error instanceof ZodError) {
    const issue = error.issues[0];
    const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
    return errorPage(
      c,
      422,
      t("error.badRequest", { detail: `${where}${issue?.message ?? "invalid"}` }),
    );
  }
  if (error instanceof HTTPException && error.status < 500) {
    const message =
      error.status === 413
        ? tooLargeText(c)
        : error.message || t("error.badRequest", { detail: String(error.status) });
    return errorPage(c, error.status, message);
  }
  logger.error("Unhandled error on {method} {path}: {error}", {
    method: c.req.method,
    path: new URL(c.req.url).pathname,
    error,
  });
  return errorPage(c, 500, t("error.internal"));
}

/** A page's form says how big it was and what it may carry; anything else, that it was too large. */
function tooLargeText(c: Context<WebEnv>): string {
  const t = tr(c);
  const multipart = (c.req.header("content-type") ?? "").startsWith("multipart/form-data");
  const size = Number(c.req.header("content-length"));
  if (!multipart || wantsJson(c) || !Number.isFinite(size) || size <= 0) return t("error.tooLarge");
  const locale = c.get("locale") ?? "en";
  return t("upload.formTooLarge", {
    size: megabytes(locale, size),
    max: megabytes(locale, MAX_FORM_BODY_BYTES),
  });
}

export function notFound(c: Context<WebEnv>) {
  return errorPage(c, 404, tr(c)("error.notFound"));
}
