/** Every page of the accounts area, mounted at "/" by src/app.ts. */
import { Hono } from "hono";
import type { WebEnv } from "../context.ts";
import type { AccountsDeps } from "./deps.ts";
import { loginPages } from "./login.ts";

export type { AccountsDeps } from "./deps.ts";

export function accountPages(deps: AccountsDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  app.route("/", loginPages(deps));
  return app;
}
