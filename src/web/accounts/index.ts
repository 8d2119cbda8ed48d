/** Every page of the accounts area, mounted at "/" by src/app.ts. */
import { Hono } from "hono";
import type { WebEnv } from "../context.ts";
import { adminPages } from "./admin.ts";
import { adminFederationPages } from "./admin-federation.ts";
import { adminMemberPages } from "./admin-members.ts";
import type { AccountsDeps } from "./deps.ts";
import { loginPages } from "./login.ts";
import { profilePages } from "./profile-page.ts";
import { resetPages } from "./reset.ts";
import { settingsPages } from "./settings.ts";
import { accountDataPages } from "./settings-data.ts";
import { emailSettingsPages } from "./settings-email.ts";
import { signupPages } from "./signup.ts";

export type { AccountsDeps } from "./deps.ts";

export function accountPages(deps: AccountsDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  app.route("/", loginPages(deps));
  app.route("/", signupPages(deps));
  app.route("/", resetPages(deps));
  app.route("/", settingsPages(deps));
  app.route("/", accountDataPages(deps));
  app.route("/", emailSettingsPages(deps));
  app.route("/", profilePages(deps));
  app.route("/", adminPages(deps));
  app.route("/", adminMemberPages(deps));
  app.route("/", adminFederationPages(deps));
  return app;
}
