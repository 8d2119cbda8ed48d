/**
 * A release's chart, drawn on the server as SVG (no script): one row per
 * estimate, with its label and figures in HTML, a bar or a dot for the value and
 * the confidence interval as a line with end caps. Colours come from app.css
 * classes (the CSP allows no inline style). Each SVG is aria-hidden: the table
 * beside it holds the same figures for screen readers.
 */
import { html } from "hono/html";
import type { ReleaseBody } from "../../commons/releases.ts";
import type { Html } from "../layout.ts";

/** Percent of the axis, rounded for stable markup. */
export function axisPercent(x: number, min: number, max: number): number {
  if (!(max > min)) return 0;
  return Math.round(Math.min(1, Math.max(0, (x - min) / (max - min))) * 1000) / 10;
}

export function formatFigure(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 100 ? x.toFixed(0) : Number(x.toPrecision(4)).toString();
}

/** Bars for counts and sums (they start at 0), dots for means and quantiles. */
export function releaseChart(r: ReleaseBody, label: string): Html {
  const rows = r.result.estimates;
  const valueInterval = (e: (typeof rows)[number]) => e.of === "value";
  const lows = rows.map((e) => (valueInterval(e) ? e.low : e.value));
  const highs = rows.map((e) => (valueInterval(e) ? e.high : e.value));
  const bars = r.query.mechanism !== "mean" && r.query.mechanism !== "quantile";
  const min = Math.min(bars ? 0 : Number.POSITIVE_INFINITY, ...lows, ...rows.map((e) => e.value));
  const max = Math.max(bars ? 0 : Number.NEGATIVE_INFINITY, ...highs, ...rows.map((e) => e.value));
  const span = max > min ? [min, max] : [min - 1, max + 1];
  const [lo = 0, hi = 1] = span;
  const at = (x: number) => axisPercent(x, lo, hi);
  return html`<figure class="decision-chart commons-chart" aria-label="${label}">
    <ul class="bars">
      ${rows.map((e) => {
        const v = at(e.value);
        const zero = at(0);
        const interval = valueInterval(e)
          ? html`<line class="ci" x1="${at(e.low)}%" x2="${at(e.high)}%" y1="10" y2="10" stroke="currentColor" stroke-width="2" /><line class="ci" x1="${at(e.low)}%" x2="${at(e.low)}%" y1="4" y2="16" stroke="currentColor" stroke-width="2" /><line class="ci" x1="${at(e.high)}%" x2="${at(e.high)}%" y1="4" y2="16" stroke="currentColor" stroke-width="2" />`
          : "";
        const mark = bars
          ? html`<rect class="bar-fill" x="${Math.min(v, zero)}%" width="${Math.abs(v - zero)}%" y="6" height="8" rx="2" />`
          : html`<circle class="bar-fill" cx="${v}%" cy="10" r="5" />`;
        return html`<li>
          <span class="bar-label">${e.key ?? "—"}</span>
          <span class="bar-figure">${formatFigure(e.value)}${valueInterval(e) ? ` [${formatFigure(e.low)}, ${formatFigure(e.high)}]` : ""}</span>
          <svg class="bar" aria-hidden="true" focusable="false" width="100%" height="20"><rect class="bar-track" width="100%" y="8" height="4" rx="2" />${mark}${interval}</svg>
        </li>`;
      })}
    </ul>
  </figure>`;
}
