/**
 * The allocation chart of a participatory budget's results, drawn on the server
 * as SVG (DESIGN.md: charts as server-side SVG with a data table beside each):
 * one bar the width of the district's budget, split into the money funded per
 * category and what was left over, with a legend; then the table that carries
 * the same figures (and greedy's, for the comparison) for screen readers, which
 * is why the SVG is aria-hidden. Colours are classes in app.css (the CSP allows
 * no inline style), six of them, repeating.
 */
import { html } from "hono/html";
import type { CategorySpend } from "../../governance/budgeting/processes/results-view.ts";
import { barWidth, figureTable } from "../decisions/chart.ts";
import type { Html } from "../layout.ts";

export const CATEGORY_COLOURS = 6;

const formats = new Map<string, Intl.NumberFormat>();
/** Formatters are costly to build and a results page prints hundreds of amounts: one per kind, kept. */
function formatter(locale: string, currency: string, whole: boolean): Intl.NumberFormat {
  const key = `${locale} ${currency} ${whole}`;
  let f = formats.get(key);
  if (!f) {
    f = /^[A-Z]{3}$/.test(currency)
      ? new Intl.NumberFormat(locale, {
          style: "currency",
          currency,
          minimumFractionDigits: whole ? 0 : 2,
          maximumFractionDigits: 2,
        })
      : new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
    if (formats.size > 200) formats.clear();
    formats.set(key, f);
  }
  return f;
}

/** Minor units as money: a currency's symbol when it is an ISO code, else the amount and the unit's name. */
export function formatMoney(locale: string, currency: string, minor: number): string {
  const amount = minor / 100;
  const whole = Number.isInteger(amount);
  if (/^[A-Z]{3}$/.test(currency)) {
    try {
      return formatter(locale, currency, whole).format(amount);
    } catch {
      // An unknown code: spelled out below.
    }
  }
  return `${formatter(locale, "", whole).format(amount)} ${currency}`;
}

export interface AllocationLabels {
  caption: string;
  category: string;
  funded: string;
  greedy: string;
  unspent: string;
  uncategorised: string;
}

/** Segments of the bar: x and width in percent of the budget, rounded for stable markup. */
export function segments(
  categories: readonly CategorySpend[],
  budget: number,
): { index: number; x: number; width: number }[] {
  let x = 0;
  const out: { index: number; x: number; width: number }[] = [];
  categories.forEach((c, index) => {
    const width = barWidth(c.spent, budget);
    if (width <= 0) return;
    const w = Math.min(width, Math.round((100 - x) * 10) / 10);
    out.push({ index, x, width: w });
    x = Math.round((x + w) * 10) / 10;
  });
  return out;
}

export function allocationChart(
  categories: readonly CategorySpend[],
  o: { budget: number; spent: number; money: (minor: number) => string; labels: AllocationLabels },
): Html {
  const name = (c: CategorySpend) => c.name ?? o.labels.uncategorised;
  const colour = (i: number) => `pb-cat-${i % CATEGORY_COLOURS}`;
  const parts = segments(categories, o.budget);
  const unspent = Math.max(0, o.budget - o.spent);
  const rows = categories.map((c) => [name(c), o.money(c.spent), o.money(c.greedySpent)]);
  rows.push([o.labels.unspent, o.money(unspent), ""]);
  return html`<figure class="decision-chart pb-allocation" aria-label="${o.labels.caption}">
    <svg class="stacked" aria-hidden="true" focusable="false" width="100%" height="28"><rect class="bar-track" width="100%" height="28" />${parts.map(
      (s) => html`<rect class="${colour(s.index)}" x="${s.x}%" width="${s.width}%" height="28" />`,
    )}</svg>
    <ul class="legend">
      ${categories.map(
        (c, i) =>
          html`<li><span class="swatch ${colour(i)}" aria-hidden="true"></span>${name(c)}: <strong>${o.money(c.spent)}</strong></li>`,
      )}
      <li><span class="swatch bar-track pb-unspent" aria-hidden="true"></span>${o.labels.unspent}: <strong>${o.money(unspent)}</strong></li>
    </ul>
  </figure>
  ${figureTable(o.labels.caption, [o.labels.category, o.labels.funded, o.labels.greedy], rows)}`;
}
