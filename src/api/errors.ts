/**
 * Errors as Mastodon answers them: a status code and `{"error": "…"}`
 * (docs.joinmastodon.org/entities/Error). Unknown ids are 404, a missing or
 * bad token 401, a missing scope 403, bad parameters 422, an unparseable body 400.
 */
import { getLogger } from "@logtape/logtape";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { ZodError } from "zod";
import { InputError } from "../kernel/errors.ts";

const logger = getLogger(["synco", "api"]);

export class ApiError extends Error {
  readonly status: 400 | 401 | 403 | 404 | 409 | 410 | 413 | 422 | 429 | 503;
  readonly extra: Record<string, unknown>;
  constructor(status: ApiError["status"], message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.extra = extra;
  }
}

export const notFound = () => new ApiError(404, "Record not found");
export const unprocessable = (message: string) =>
  new ApiError(422, `Validation failed: ${message}`);

export function apiOnError(error: Error, c: Context) {
  if (error instanceof ApiError)
    return c.json({ error: error.message, ...error.extra }, error.status);
  if (error instanceof InputError) return c.json({ error: error.message }, error.status);
  if (error instanceof ZodError) {
    const issue = error.issues[0];
    const where = issue?.path.length ? `${issue.path.join(".")} ` : "";
    return c.json({ error: `Validation failed: ${where}${issue?.message ?? "is invalid"}` }, 422);
  }
  if (error instanceof HTTPException && error.status < 500)
    return c.json({ error: error.message || "Bad request" }, error.status);
  logger.error("Unhandled API error on {method} {path}: {error}", {
    method: c.req.method,
    path: new URL(c.req.url).pathname,
    error,
  });
  return c.json({ error: "Internal server error" }, 500);
}
