/**
 * The balance-over-time chart of a ledger, drawn on the server as SVG (DESIGN.md:
 * charts as server-side SVG with a data table beside each): one step line per
 * account over the journal's numbers, the zero line across, and a legend; the
 * table after it carries the same figures for screen readers, so the SVG is
 * aria-hidden. Colours are presentation attributes (not inline style, which the
 * CSP refuses), from the palette the budgeting chart uses.
 */
import { html } from "hono/html";
import type { BalancePoint } from "../../economy/credit/journal.ts";
import { figureTable } from "../decisions/chart.ts";
import type { Html } from "../layout.ts";

const PALETTE = [
  "#1e6b3a",
  "#2f5d9e",
  "#c77c02",
  "#8a3b8f",
  "#0f7c80",
  "#b3261e",
  "#5b5b5b",
  "#6d4c1f",
];
/** Lines drawn at most: the accounts that moved most; the table has every one shown. */
export const MAX_LINES = PALETTE.length;
const W = 640;
const H = 240;
const PAD = 8;

export interface ChartLabels {
  caption: string;
  transfer: string;
  nameOf: (coop: string) => string;
  amount: (minor: number) => string;
}

/** The accounts to draw: those whose balances moved most, at most MAX_LINES. */
function busiest(points: BalancePoint[]): string[] {
  const moved = new Map<string, number>();
  for (const p of points) moved.set(p.coop, Math.max(moved.get(p.coop) ?? 0, Math.abs(p.balance)));
  return [...moved.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, MAX_LINES)
    .map(([coop]) => coop);
}

export function balanceChart(points: BalancePoint[], labels: ChartLabels): Html {
  if (points.length === 0) return html``;
  const coops = busiest(points);
  const seqs = [...new Set(points.map((p) => p.seq))].sort((a, b) => a - b);
  const first = (seqs[0] ?? 1) - 1;
  const last = seqs.at(-1) ?? 1;
  const values = points.filter((p) => coops.includes(p.coop)).map((p) => p.balance);
  const top = Math.max(0, ...values);
  const bottom = Math.min(0, ...values);
  const span = top - bottom || 1;
  // The balance after transfer n holds until n + 1: the axis runs one step past the last,
  // so the latest balances show as a level, not a bare vertical at the edge.
  const end = last + 1;
  const x = (seq: number) =>
    Math.round((PAD + ((seq - first) / Math.max(1, end - first)) * (W - 2 * PAD)) * 10) / 10;
  const y = (v: number) => Math.round((PAD + ((top - v) / span) * (H - 2 * PAD)) * 10) / 10;
  // Each account's balance after each transfer it took part in; flat (a step) in between.
  const lines = coops.map((coop, i) => {
    let balance = 0;
    let d = `M${x(first)} ${y(0)}`;
    for (const p of points)
      if (p.coop === coop) {
        d += ` H${x(p.seq)} V${y(p.balance)}`;
        balance = p.balance;
      }
    d += ` H${x(end)}`;
    return { coop, d, colour: PALETTE[i % PALETTE.length] as string, balance };
  });
  // The table: balances after each of the last transfers shown, newest first.
  const after = new Map<string, number>();
  const rows: (string | number)[][] = [];
  for (const seq of seqs) {
    for (const p of points)
      if (p.seq === seq && coops.includes(p.coop)) after.set(p.coop, p.balance);
    rows.push([String(seq), ...coops.map((c) => labels.amount(after.get(c) ?? 0))]);
  }
  return html`<figure class="ledger-chart">
    <svg viewBox="0 0 ${W} ${H}" width="100%" role="presentation" aria-hidden="true" focusable="false">
      <line x1="${PAD}" x2="${W - PAD}" y1="${y(0)}" y2="${y(0)}" stroke="#888" stroke-dasharray="4 4" />
      ${lines.map((l) => html`<path d="${l.d}" fill="none" stroke="${l.colour}" stroke-width="2.5" />`)}
    </svg>
    <figcaption>${labels.caption}</figcaption>
    <ul class="legend">${lines.map(
      (l) =>
        html`<li><svg width="14" height="14" aria-hidden="true" focusable="false"><rect width="14" height="14" fill="${l.colour}" /></svg> ${labels.nameOf(l.coop)}: ${labels.amount(l.balance)}</li>`,
    )}</ul>
  </figure>
  ${figureTable(labels.caption, [labels.transfer, ...coops.map(labels.nameOf)], rows.slice(-50).reverse())}`;
}
