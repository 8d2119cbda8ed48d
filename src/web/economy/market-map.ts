/**
 * The marketplace's map: an SVG drawn on the server, no tiles and no script.
 * The proposals with coordinates are projected equirectangularly (longitude
 * scaled by the cosine of the middle latitude, so distances look right at a
 * co-op's scale) into the box around them, over a graticule with labelled
 * degrees; each is a link to its page with its name as a tooltip and an
 * accessible name. The list below the map is the fallback for every reader.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import type { Proposal } from "../../economy/market/reads.ts";
import type { WebEnv } from "../context.ts";
import type { Html } from "../layout.ts";
import { safeUrl } from "../safe-url.ts";
import { proposalHref } from "./market-render.ts";

const WIDTH = 480;
const PAD = 24;

type Placed = Proposal & { latitude: number; longitude: number };

/** A round step for grid lines: about five across the span. */
function step(span: number): number {
  const raw = span / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const m = raw / power;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * power;
}

export function marketMap(
  c: Context<WebEnv>,
  proposals: Proposal[],
  centre?: { latitude: number; longitude: number } | null,
): Html {
  const t = c.get("t");
  const placed = proposals.filter((p): p is Placed => p.latitude !== null && p.longitude !== null);
  if (placed.length === 0) return html`<p class="muted">${t("market.map.none")}</p>`;
  const lats = placed.map((p) => p.latitude).concat(centre ? [centre.latitude] : []);
  const lons = placed.map((p) => p.longitude).concat(centre ? [centre.longitude] : []);
  // At least ~0.02° across, so one point (or a village's) still has a sensible frame.
  let [minLat, maxLat, minLon, maxLon] = [
    Math.min(...lats),
    Math.max(...lats),
    Math.min(...lons),
    Math.max(...lons),
  ];
  const midLat = (minLat + maxLat) / 2;
  const k = Math.max(0.2, Math.cos((midLat * Math.PI) / 180));
  const spanLat = Math.max(maxLat - minLat, 0.02) * 1.15;
  const spanLon = Math.max(maxLon - minLon, 0.02 / k) * 1.15;
  [minLat, maxLat] = [midLat - spanLat / 2, midLat + spanLat / 2];
  const midLon = (minLon + maxLon) / 2;
  [minLon, maxLon] = [midLon - spanLon / 2, midLon + spanLon / 2];
  const inner = WIDTH - 2 * PAD;
  const scale = Math.min(inner / (spanLon * k), (inner * 0.75) / spanLat);
  const height = Math.round(spanLat * scale + 2 * PAD);
  const x = (lon: number) => PAD + (lon - minLon) * k * scale + (inner - spanLon * k * scale) / 2;
  const y = (lat: number) => PAD + (maxLat - lat) * scale;
  const gridLat = step(spanLat);
  const gridLon = step(spanLon);
  const latLines: number[] = [];
  for (let v = Math.ceil(minLat / gridLat) * gridLat; v <= maxLat; v += gridLat) latLines.push(v);
  const lonLines: number[] = [];
  for (let v = Math.ceil(minLon / gridLon) * gridLon; v <= maxLon; v += gridLon) lonLines.push(v);
  const label = (v: number, s: number) => v.toFixed(Math.max(0, -Math.floor(Math.log10(s))));
  const f = (n: number) => n.toFixed(1);
  return html`<svg class="market-map" viewBox="0 0 ${WIDTH} ${height}" role="group" aria-labelledby="market-map-title" xmlns="http://www.w3.org/2000/svg">
    <title id="market-map-title">${t("market.map.title", { count: placed.length })}</title>
    <g stroke="#cfd8e3" stroke-width="1">
      ${latLines.map((v) => html`<line x1="0" x2="${WIDTH}" y1="${f(y(v))}" y2="${f(y(v))}" />`)}
      ${lonLines.map((v) => html`<line y1="0" y2="${height}" x1="${f(x(v))}" x2="${f(x(v))}" />`)}
    </g>
    <g fill="#5b6675" font-size="13">
      ${latLines.map((v) => html`<text x="4" y="${f(y(v) - 3)}">${label(v, gridLat)}°</text>`)}
      ${lonLines.map((v) => html`<text x="${f(x(v) + 3)}" y="${height - 4}">${label(v, gridLon)}°</text>`)}
    </g>
    ${centre ? html`<g><circle cx="${f(x(centre.longitude))}" cy="${f(y(centre.latitude))}" r="5" fill="none" stroke="#1d3557" stroke-width="2" /><text x="${f(x(centre.longitude) + 8)}" y="${f(y(centre.latitude) + 4)}" font-size="13" fill="#1d3557">${t("market.map.here")}</text></g>` : ""}
    ${placed.map(
      (
        p,
      ) => html`<a href="${safeUrl(proposalHref(p))}" aria-label="${t(`market.purpose.${p.purpose}`)}: ${p.name}">
        <circle cx="${f(x(p.longitude))}" cy="${f(y(p.latitude))}" r="9" fill="${p.purpose === "offer" ? "#138a67" : "#d26a00"}" stroke="#fff" stroke-width="2"><title>${p.name}</title></circle></a>`,
    )}
    <g font-size="13">
      <circle cx="${PAD}" cy="${PAD / 2}" r="6" fill="#138a67" /><text x="${PAD + 10}" y="${PAD / 2 + 4}" fill="#1f2933">${t("market.purpose.offer")}</text>
      <circle cx="${PAD + 90}" cy="${PAD / 2}" r="6" fill="#d26a00" /><text x="${PAD + 100}" y="${PAD / 2 + 4}" fill="#1f2933">${t("market.purpose.request")}</text>
    </g>
  </svg>`;
}
