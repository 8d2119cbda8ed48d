/**
 * Charts of a decision's results, drawn on the server as SVG so the page needs no
 * script (DESIGN.md: charts as server-side SVG with a data table beside each).
 * Bars are one small SVG per row with the label and figure in HTML, so the text
 * keeps the page's size on a phone instead of shrinking with a viewBox; consent
 * positions are one stacked bar. Colours come from classes in app.css (the CSP
 * allows no inline style), so dark mode follows. Every SVG is aria-hidden: the
 * table beside it carries the same figures for screen readers.
 */
import { html } from "hono/html";
import type { Html } from "../layout.ts";

export interface Bar {
  label: string;
  value: number;
  /** The figure printed beside the bar (defaults to the value). */
  shown?: string;
  /** Drawn in the winner's colour. */
  highlight?: boolean;
}

/** Width of a bar as a share of the longest, in percent, rounded for stable markup. */
export function barWidth(value: number, max: number): number {
  if (!(max > 0) || !(value > 0)) return 0;
  return Math.round(Math.min(1, value / max) * 1000) / 10;
}

/** Horizontal bars, one row per option, longest = full width. */
export function barChart(bars: Bar[], options: { label: string; max?: number }): Html {
  const max = options.max ?? Math.max(0, ...bars.map((b) => b.value));
  return html`<figure class="decision-chart" aria-label="${options.label}">
    <ul class="bars">
      ${bars.map(
        (b) => html`<li${b.highlight ? html` class="win"` : ""}>
          <span class="bar-label">${b.label}</span>
          <span class="bar-figure">${b.shown ?? String(b.value)}</span>
          <svg class="bar" aria-hidden="true" focusable="false" width="100%" height="12"><rect class="bar-track" width="100%" height="12" rx="3" /><rect class="bar-fill" width="${barWidth(b.value, max)}%" height="12" rx="3" /></svg>
        </li>`,
      )}
    </ul>
  </figure>`;
}

export interface Segment {
  label: string;
  value: number;
  /** A class name for the colour: agree, abstain, disagree, block, yes, maybe, no. */
  kind: string;
}

/** One bar split by share (consent positions; a time slot's yes / if need be / no). */
export function stackedBar(segments: Segment[], options: { label: string }): Html {
  const total = segments.reduce((sum, s) => sum + Math.max(0, s.value), 0);
  let x = 0;
  const rects = segments.map((s) => {
    const w = barWidth(s.value, total);
    const r = html`<rect class="seg-${s.kind}" x="${x}%" width="${w}%" height="24" />`;
    x = Math.round((x + w) * 10) / 10;
    return r;
  });
  return html`<figure class="decision-chart" aria-label="${options.label}">
    <svg class="stacked" aria-hidden="true" focusable="false" width="100%" height="24"><rect class="bar-track" width="100%" height="24" />${rects}</svg>
    <ul class="legend">
      ${segments.map((s) => html`<li><span class="swatch seg-${s.kind}" aria-hidden="true"></span>${s.label}: <strong>${formatNumber(s.value)}</strong></li>`)}
    </ul>
  </figure>`;
}

/** A table of figures: the accessible twin of a chart, or the chart itself for matrices. */
export function figureTable(
  caption: string,
  head: string[],
  rows: (string | number)[][],
  options: { rowHeaders?: boolean } = {},
): Html {
  return html`<div class="table-scroll" role="region" aria-label="${caption}" tabindex="0"><table class="figures">
    <caption>${caption}</caption>
    <thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
    <tbody>${rows.map(
      (r) =>
        html`<tr>${r.map((cell, i) =>
          i === 0 && options.rowHeaders !== false
            ? html`<th scope="row">${cell}</th>`
            : html`<td>${typeof cell === "number" ? formatNumber(cell) : cell}</td>`,
        )}</tr>`,
    )}</tbody>
  </table></div>`;
}

/** Whole numbers as they are, others to two decimals (weights of delegates can be fractional). */
export function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}
