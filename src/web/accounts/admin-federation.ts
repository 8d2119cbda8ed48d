/**
 * Administration: how federation is doing — the queues (waiting, delayed for a
 * retry, taken), how far the outbox relay is behind, and every known server with
 * how deliveries to it went, failing servers first (federation/node-health.ts).
 */
import { Hono } from "hono";
import { html } from "hono/html";
import { knownInstances, queueDepths, relayLag } from "../../federation/node-health.ts";
import type { WebEnv } from "../context.ts";
import { scrollBox } from "../forms.ts";
import { requireRole } from "../session.ts";
import { timeTag } from "../time.ts";
import { adminLayout } from "./admin.ts";
import type { AccountsDeps } from "./deps.ts";

export function adminFederationPages(deps: AccountsDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();

  app.get("/admin/federation", async (c) => {
    requireRole(c, "admin");
    const t = c.get("t");
    const locale = c.get("locale");
    const when = (iso: string | null) => (iso ? timeTag(locale, iso) : "—");
    const [queues, lag, instances] = await Promise.all([
      queueDepths(deps.db, deps.clock),
      relayLag(deps.db),
      knownInstances(deps.db),
    ]);
    const body = html`<h3>${t("admin.fed.queues")}</h3>
      ${scrollBox(
        t("admin.fed.queues"),
        html`<table class="figures">
          <thead><tr><th scope="col">${t("admin.fed.queue")}</th><th scope="col">${t("admin.fed.ready")}</th><th scope="col">${t("admin.fed.delayed")}</th><th scope="col">${t("admin.fed.taken")}</th><th scope="col">${t("admin.fed.oldest")}</th></tr></thead>
          <tbody>${queues.map(
            (q) =>
              html`<tr><th scope="row">${t(`admin.fed.queue.${q.queue}`)}</th><td>${q.ready}</td><td>${q.delayed}</td><td>${q.taken}</td><td>${when(q.oldest)}</td></tr>`,
          )}</tbody>
        </table>`,
      )}
      <p>${t("admin.fed.unrelayed", { count: String(lag.unrelayed) })}${lag.oldest ? html` ${t("admin.fed.since", { when: when(lag.oldest) })}` : ""}</p>
      <h3>${t("admin.fed.instances")}</h3>
      ${
        instances.length === 0
          ? html`<p class="muted">${t("admin.none")}</p>`
          : scrollBox(
              t("admin.fed.instances"),
              html`<table class="figures instances">
                <thead><tr><th scope="col">${t("admin.fed.server")}</th><th scope="col">${t("admin.fed.actors")}</th><th scope="col">${t("admin.fed.delivered")}</th><th scope="col">${t("admin.fed.failed")}</th><th scope="col">${t("admin.fed.lastSuccess")}</th><th scope="col">${t("admin.fed.lastFailure")}</th></tr></thead>
                <tbody>${instances.map(
                  (i) => html`<tr${i.failuresInARow > 0 ? html` class="failing"` : ""}>
                    <th scope="row">${i.host}${i.failuresInARow > 0 ? html`<br /><span class="muted">${t("admin.fed.inARow", { count: String(i.failuresInARow) })}</span>` : ""}</th>
                    <td>${i.actors}${i.gone > 0 ? html` <span class="muted">(${t("admin.fed.gone", { count: String(i.gone) })})</span>` : ""}</td>
                    <td>${i.delivered}</td>
                    <td>${i.failed}</td>
                    <td>${when(i.lastSuccessAt)}</td>
                    <td>${when(i.lastFailureAt)}${i.lastError ? html`<br /><span class="muted">${i.lastError}</span>` : ""}</td>
                  </tr>`,
                )}</tbody>
              </table>`,
            )
      }`;
    return adminLayout(c, "/admin/federation", body);
  });

  return app;
}
