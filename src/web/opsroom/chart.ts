/**
 * An indicator's chart, drawn on the server as SVG (no script): the series as a
 * line with a dot per value, the detector's 95% forecast band as a hatched
 * area, Beer's capability and potentiality as dashed lines, and each alarm as
 * a marker whose shape and pattern tell its state as well as its colour does
 * (open: a solid triangle; acknowledged: a striped one; resolved: a ring;
 * false alarm: a cross). The viewBox scales to a phone's width. The SVG is
 * labelled as an image; the table under it holds the same figures.
 */
import { html } from "hono/html";
import type { AlarmState } from "../../db/schema/indicators.ts";
import type { Html } from "../layout.ts";

export interface ChartPoint {
  period: string;
  value: number;
  lower: number | null;
  upper: number | null;
}

export interface ChartAlarm {
  period: string;
  state: AlarmState;
}

const W = 640;
const H = 260;
const PAD = { left: 52, right: 12, top: 12, bottom: 30 };

export function formatNumber(x: number | null): string {
  if (x === null || !Number.isFinite(x)) return "—";
  return Math.abs(x) >= 1000 ? x.toFixed(0) : Number(x.toPrecision(4)).toString();
}

const round = (x: number) => Math.round(x * 10) / 10;

export function indicatorChart(input: {
  label: string;
  points: readonly ChartPoint[];
  alarms: readonly ChartAlarm[];
  capability: number | null;
  potentiality: number | null;
}): Html {
  const { points } = input;
  if (points.length === 0) return html``;
  const ys = points.flatMap((p) => [p.value, p.lower ?? p.value, p.upper ?? p.value]);
  for (const y of [input.capability, input.potentiality]) if (y !== null) ys.push(y);
  let min = Math.min(...ys);
  let max = Math.max(...ys);
  if (!(max > min)) {
    min -= 1;
    max += 1;
  }
  const margin = (max - min) * 0.05;
  min -= margin;
  max += margin;
  const n = points.length;
  const x = (i: number) =>
    round(PAD.left + (n === 1 ? 0.5 : i / (n - 1)) * (W - PAD.left - PAD.right));
  const y = (v: number) =>
    round(PAD.top + (1 - (v - min) / (max - min)) * (H - PAD.top - PAD.bottom));
  const indexOf = new Map(points.map((p, i) => [p.period, i]));
  const banded = points
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => p.lower !== null && p.upper !== null);
  const band =
    banded.length > 1
      ? [
          ...banded.map(({ p, i }) => `${x(i)},${y(p.upper as number)}`),
          ...banded.reverse().map(({ p, i }) => `${x(i)},${y(p.lower as number)}`),
        ].join(" ")
      : "";
  const line = points.map((p, i) => `${x(i)},${y(p.value)}`).join(" ");
  const level = (v: number | null, cls: string) =>
    v === null
      ? ""
      : html`<line class="${cls}" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v)}" y2="${y(v)}" stroke="#555" stroke-dasharray="${cls === "capability" ? "6 4" : "2 4"}" />`;
  const marker = (a: ChartAlarm) => {
    const i = indexOf.get(a.period);
    if (i === undefined) return "";
    const cx = x(i);
    const cy = y((points[i] as ChartPoint).value) - 12;
    const tri = `${cx - 7},${cy - 6} ${cx + 7},${cy - 6} ${cx},${cy + 6}`;
    if (a.state === "open")
      return html`<polygon class="alarm-open" points="${tri}" fill="#b00020" stroke="#000" />`;
    if (a.state === "acknowledged")
      return html`<polygon class="alarm-acknowledged" points="${tri}" fill="url(#ops-stripes)" stroke="#8a4b00" stroke-width="2" />`;
    if (a.state === "resolved")
      return html`<circle class="alarm-resolved" cx="${cx}" cy="${cy}" r="6" fill="none" stroke="#1b5e20" stroke-width="3" />`;
    return html`<path class="alarm-false" d="M${cx - 5} ${cy - 5}L${cx + 5} ${cy + 5}M${cx + 5} ${cy - 5}L${cx - 5} ${cy + 5}" stroke="#555" stroke-width="3" />`;
  };
  const first = points[0] as ChartPoint;
  const last = points[n - 1] as ChartPoint;
  return html`<figure class="ops-chart">
<svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${input.label}" preserveAspectRatio="xMidYMid meet">
<title>${input.label}</title>
<defs>
<pattern id="ops-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#dbe7f5" /><line x1="0" y1="0" x2="0" y2="6" stroke="#7ea3cc" stroke-width="2" /></pattern>
<pattern id="ops-stripes" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="4" height="4" fill="#ffd59e" /><line x1="0" y1="0" x2="0" y2="4" stroke="#8a4b00" stroke-width="2" /></pattern>
</defs>
<rect x="${PAD.left}" y="${PAD.top}" width="${W - PAD.left - PAD.right}" height="${H - PAD.top - PAD.bottom}" fill="#fff" stroke="#999" />
${band ? html`<polygon class="band" points="${band}" fill="url(#ops-hatch)" stroke="#7ea3cc" />` : ""}
${level(input.capability, "capability")}${level(input.potentiality, "potentiality")}
<polyline class="series" points="${line}" fill="none" stroke="#1a237e" stroke-width="2" />
${points.map((p, i) => html`<circle cx="${x(i)}" cy="${y(p.value)}" r="2.5" fill="#1a237e" />`)}
${input.alarms.map(marker)}
<text x="${PAD.left - 4}" y="${PAD.top + 10}" text-anchor="end" font-size="12">${formatNumber(max - margin)}</text>
<text x="${PAD.left - 4}" y="${H - PAD.bottom}" text-anchor="end" font-size="12">${formatNumber(min + margin)}</text>
<text x="${PAD.left}" y="${H - 8}" font-size="12">${first.period}</text>
<text x="${W - PAD.right}" y="${H - 8}" text-anchor="end" font-size="12">${last.period}</text>
</svg>
</figure>`;
}
