/**
 * A release's public page: the question, the answer as a chart with its
 * intervals and the table behind it, the noise, the cost, the signature and
 * downloads. Everything shown comes from the signed body.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import type { ReleaseView } from "../../commons/releases.ts";
import type { WebEnv } from "../context.ts";
import { figureTable } from "../decisions/chart.ts";
import { formatDate } from "../forms.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import type { Html } from "../layout.ts";
import { safeUrl } from "../safe-url.ts";
import { formatFigure, releaseChart } from "./chart.ts";
import { combinedParts } from "./federation-views.ts";

/** A long token with break points every 16 characters, so it wraps on a phone (no inline style). */
function breakable(text: string): Html {
  const parts = text.match(/.{1,16}/g) ?? [];
  return html`${parts.map((p, i) => (i === 0 ? p : html`<wbr />${p}`))}`;
}

export const fmtRho = (x: number) => Number(x.toPrecision(4)).toString();

export function questionText(c: Context<WebEnv>, r: ReleaseView["parsed"]): string {
  const t = c.get("t");
  const q = r.query;
  const what = t(`commons.mechanism.${q.mechanism}` as MessageKey);
  const parts = [what];
  if (q.field) parts.push(t("commons.release.of", { field: q.field }));
  if (q.quantile !== null) parts.push(t("commons.release.level", { q: q.quantile }));
  if (q.by) parts.push(t("commons.release.by", { field: q.by }));
  return parts.join(" ");
}

export function releaseBody(c: Context<WebEnv>, r: ReleaseView, reused: boolean): Html {
  const t = c.get("t");
  const b = r.parsed;
  const question = questionText(c, b);
  const rankGap = b.result.estimates.some((e) => e.of === "rank-gap");
  const clip = b.result.clippedUnits;
  const base = `/commons/releases/${r.id}`;
  return html`<p><a href="${safeUrl(`/commons/datasets/${b.dataset.id.split("/").pop() ?? ""}`)}">${b.dataset.title}</a></p>
    <h1>${question}</h1>
    ${reused ? html`<p class="notice ok" role="status">${t("commons.release.reused")}</p>` : ""}
    <p class="lead">${t("commons.release.meta", { period: b.period, date: formatDate(c.get("locale"), b.published) })}</p>
    ${releaseChart(b, question)}
    ${figureTable(
      t("commons.release.table", {
        level: Math.round((b.result.estimates[0]?.level ?? 0.95) * 100),
      }),
      [
        t("commons.release.key"),
        t("commons.release.value"),
        t("commons.release.low"),
        t("commons.release.high"),
      ],
      b.result.estimates.map((e) => [
        e.key ?? "—",
        formatFigure(e.value),
        formatFigure(e.low),
        formatFigure(e.high),
      ]),
    )}
    ${rankGap ? html`<p class="hint">${t("commons.release.rankGap")}</p>` : ""}
    <h2>${t("commons.release.cost")}</h2>
    <dl class="facts">
      <dt>ρ (zCDP)</dt><dd>${fmtRho(b.cost.rho)}</dd>
      <dt>ε</dt><dd>${t("commons.epsilonAt", { epsilon: fmtRho(b.cost.epsilon), delta: "10⁻⁶" })}</dd>
      <dt>${t("commons.release.ledger")}</dt><dd>${b.ledger ? t("commons.release.ledgerAfter", { spent: fmtRho(b.ledger.spentAfter), budget: fmtRho(b.ledger.budget), period: b.period }) : t("commons.federated.eachLedger")}</dd>
      <dt>${t("commons.release.clipped")}</dt><dd>${clip ? t("commons.release.clippedUnits", { value: clip.value, low: clip.low, high: clip.high }) : "—"}</dd>
      <dt>${t("commons.release.rowsPerUnit")}</dt><dd>${b.query.rowsPerUnit} (${t(`commons.unit.${b.dataset.unit}` as MessageKey)})</dd>
    </dl>
    <h2>${t("commons.release.noise")}</h2>
    ${figureTable(
      t("commons.release.noiseCaption"),
      [
        t("commons.release.noiseFor"),
        t("commons.release.noiseKind"),
        t("commons.release.scale"),
        t("commons.release.sensitivity"),
      ],
      // A combined release's noise is each co-op's: named by its server, so the table fits a phone.
      b.result.noise.map((n) => [
        URL.canParse(n.for) ? new URL(n.for).host : n.for,
        n.kind,
        n.scale,
        `${n.sensitivity} × ${n.units}`,
      ]),
    )}
    ${combinedParts(c, b)}
    <h2>${t("commons.release.fields")}</h2>
    <ul>${b.dataset.fields.map((f) =>
      f.type === "number"
        ? html`<li><strong>${f.name}</strong>: ${f.lower} … ${f.upper} ${f.unit}</li>`
        : html`<li><strong>${f.name}</strong>: ${f.values.join(", ")}</li>`,
    )}</ul>
    <h2>${t("commons.release.signature")}</h2>
    <p class="hint">${t("commons.release.signatureHint")}</p>
    <dl class="facts"><dt>keyId</dt><dd><code>${breakable(r.key_id)}</code></dd>
      <dt>Ed25519</dt><dd><code>${breakable(r.signature)}</code></dd></dl>
    <p><a href="${safeUrl(`${base}/release.json`)}" download>${t("commons.release.json")}</a> ·
      <a href="${safeUrl(`${base}/release.csv`)}" download>${t("commons.release.csv")}</a></p>`;
}
