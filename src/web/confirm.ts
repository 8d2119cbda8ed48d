/**
 * A page that asks before something hard to undo (ban, leave, block, delete):
 * works without JavaScript — the button that would act leads here, and only this
 * page's form acts. Cancel goes back to where the member was.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import type { WebEnv } from "./context.ts";
import { csrfField } from "./forms.ts";
import { type Html, layout } from "./layout.ts";
import { safeUrl } from "./safe-url.ts";

export interface ConfirmPageOptions {
  readonly title: string;
  /** What will happen, in a sentence (may hold people: web/actor-chips.ts). */
  readonly question: Html | string;
  /** Where the form posts. */
  readonly action: string;
  readonly confirm: string;
  /** Where Cancel leads. */
  readonly back: string;
  readonly fields?: Record<string, string>;
  /** More of the form (a reason field). */
  readonly extra?: Html;
  readonly danger?: boolean;
}

export function confirmPage(c: Context<WebEnv>, o: ConfirmPageOptions) {
  const t = c.get("t");
  const body = html`<section class="card confirm">
    <h1>${o.title}</h1>
    <p>${o.question}</p>
    <form method="post" action="${safeUrl(o.action)}" class="stack">
      ${csrfField(c)}
      ${Object.entries(o.fields ?? {}).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}" />`)}
      ${o.extra ?? ""}
      <div class="actions">
        <button type="submit"${o.danger ? html` class="danger"` : ""}>${o.confirm}</button>
        <a class="button secondary" href="${safeUrl(o.back)}">${t("confirm.cancel")}</a>
      </div>
    </form>
  </section>`;
  return c.html(layout(c, o.title, body));
}
