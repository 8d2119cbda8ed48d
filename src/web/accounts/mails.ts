/** The messages the account pages send; each in the member's own language. */
import { getLogger } from "@logtape/logtape";
import type { Context } from "hono";
import { requestEmailChange } from "../../accounts/email-change.ts";
import { issueAccountToken } from "../../accounts/tokens.ts";
import type { WebEnv } from "../context.ts";
import { isLocale, translator } from "../i18n/i18n.ts";
import type { AccountsDeps } from "./deps.ts";

const logger = getLogger(["synco", "mail"]);

interface Recipient {
  id: string;
  username: string;
  email: string;
  language: string;
  display_name: string;
}

async function send(
  c: Context<WebEnv>,
  deps: AccountsDeps,
  account: Recipient,
  kind: "verify" | "reset" | "email" | "emailChanged",
  values: { link?: string; email?: string },
) {
  if (!deps.mailer) return;
  const t = translator(isLocale(account.language) ? account.language : c.get("locale"));
  const params = {
    name: account.display_name || account.username,
    coop: c.get("coop").name,
    ...values,
  };
  try {
    await deps.mailer.send({
      to: account.email,
      subject: t(`mail.${kind}.subject`, params),
      text: t(`mail.${kind}.body`, params),
    });
  } catch (error) {
    // A mail server that is down must not turn a sign-up into an error page; logging in
    // again sends a new confirmation, and a reset can be asked for again.
    logger.error("Sending {kind} mail to account {id} failed: {error}", {
      kind,
      id: account.id,
      error,
    });
  }
}

export async function sendVerification(c: Context<WebEnv>, deps: AccountsDeps, account: Recipient) {
  const token = await issueAccountToken(deps.db, account.id, "verify", { clock: deps.clock });
  await send(c, deps, account, "verify", { link: `${deps.config.origin}/verify-email/${token}` });
}

export async function sendPasswordReset(
  c: Context<WebEnv>,
  deps: AccountsDeps,
  account: Recipient,
) {
  const token = await issueAccountToken(deps.db, account.id, "reset", { clock: deps.clock });
  await send(c, deps, account, "reset", {
    link: `${deps.config.origin}/password/reset/${token}`,
  });
}

/** The link that confirms a new address goes to that address, not the old one. */
export async function sendEmailChange(
  c: Context<WebEnv>,
  deps: AccountsDeps,
  account: Recipient,
  email: string,
) {
  const token = await requestEmailChange(deps.db, account.id, email, deps.clock);
  await send(c, deps, { ...account, email }, "email", {
    link: `${deps.config.origin}/confirm-email/${token}`,
  });
}

/** The old address hears that the account has moved (a hijacked session shows up here). */
export async function sendEmailChanged(
  c: Context<WebEnv>,
  deps: AccountsDeps,
  account: Recipient,
  email: string,
) {
  await send(c, deps, account, "emailChanged", { email });
}
