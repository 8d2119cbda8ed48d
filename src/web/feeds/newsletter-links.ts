/**
 * The links in newsletter mail: `/newsletters/confirm/{token}` (double opt-in)
 * and `/newsletters/unsubscribe/{token}` (RFC 8058). GET only shows a page with
 * a button — mail scanners open links, and must not confirm or unsubscribe
 * anyone — and POST does it. The unsubscribe POST is what a mail client sends
 * for `List-Unsubscribe-Post: List-Unsubscribe=One-Click`: no cookie, no CSRF
 * token; the signed token in the address is the authority, so these routes are
 * mounted before the session and CSRF middleware.
 */
import { type Context, Hono } from "hono";
import { html } from "hono/html";
import type { NewsletterContext } from "../../media/newsletters/context.ts";
import {
  confirmSubscription,
  subscriptionById,
  unsubscribe,
} from "../../media/newsletters/subscriptions.ts";
import { verifyToken } from "../../media/newsletters/tokens.ts";
import type { WebEnv } from "../context.ts";
import { errorPage } from "../errors.ts";
import { layout } from "../layout.ts";

const TOKEN = ":token{[A-Za-z0-9_.-]{1,200}}";

async function listName(n: NewsletterContext, list: { kind: string; id: string }) {
  if (list.kind === "member") {
    const a = await n.db
      .selectFrom("accounts")
      .select(["username", "display_name"])
      .where("id", "=", list.id)
      .executeTakeFirst();
    return a ? a.display_name || a.username : "";
  }
  const g = await n.db
    .selectFrom("groups")
    .select(["name", "display_name"])
    .where("id", "=", list.id)
    .executeTakeFirst();
  return g ? g.display_name || g.name : "";
}

export function newsletterLinkPages(n: NewsletterContext): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const bad = (c: Context<WebEnv>) => errorPage(c, 400, c.get("t")("feeds.token.bad"));

  for (const purpose of ["confirm", "unsubscribe"] as const) {
    app.get(`/newsletters/${purpose}/${TOKEN}`, async (c) => {
      const t = c.get("t");
      const token = c.req.param("token") ?? "";
      const id = verifyToken(n.secret, purpose, token);
      const found = id ? await subscriptionById(n, id) : null;
      if (!found) return bad(c);
      const params = { email: found.email, name: await listName(n, found.list) };
      const title = t(`feeds.${purpose}.title`);
      const body = html`<h1>${title}</h1>
        <p>${t(`feeds.${purpose}.intro`, params)}</p>
        <form method="post" action="/newsletters/${purpose}/${token}">
          <button type="submit">${t(`feeds.${purpose}.button`)}</button>
        </form>`;
      return c.html(layout(c, title, body));
    });
  }

  app.post(`/newsletters/confirm/${TOKEN}`, async (c) => {
    const t = c.get("t");
    const result = await confirmSubscription(n, c.req.param("token") ?? "");
    if (!result.ok) return bad(c);
    const params = { email: result.value.email, name: await listName(n, result.value.list) };
    const title = t("feeds.confirm.title");
    const message =
      result.value.status === "confirmed"
        ? t("feeds.confirm.done", params)
        : t("feeds.confirm.left");
    return c.html(layout(c, title, html`<h1>${title}</h1><p class="notice ok">${message}</p>`));
  });

  app.post(`/newsletters/unsubscribe/${TOKEN}`, async (c) => {
    const t = c.get("t");
    const result = await unsubscribe(n, c.req.param("token") ?? "");
    if (!result.ok) return bad(c);
    const params = { email: result.value.email, name: await listName(n, result.value.list) };
    const title = t("feeds.unsubscribe.title");
    return c.html(
      layout(
        c,
        title,
        html`<h1>${title}</h1><p class="notice ok">${t("feeds.unsubscribe.done", params)}</p>`,
      ),
    );
  });
  return app;
}
