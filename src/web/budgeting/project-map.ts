/**
 * A map of where a process's projects are, drawn on the server as SVG with no
 * tiles (no third-party server learns who looks at what, and no script is
 * needed): the projects with coordinates as numbered markers on a light
 * graticule, fitted to their bounding box. The markers' numbers are those of
 * the list under it, which carries the same content — each project's link,
 * place and coordinates — for screen readers and small screens, which is why
 * the SVG is aria-hidden (DESIGN.md: charts with their data beside them).
 * Colours are SVG presentation attributes (the CSP allows no inline style).
 */
import { html } from "hono/html";
import type { Project } from "../../governance/budgeting/processes/reads.ts";
import type { Html } from "../layout.ts";

/** The drawing's size in SVG units (it scales to the page's width). */
const WIDTH = 480;
const HEIGHT = 320;
const PAD = 24;
/** Markers drawn at most (the list below still names every project with a place). */
export const MAX_MARKERS = 200;

export interface MapPoint {
  id: string;
  title: string;
  location: string;
  latitude: number;
  longitude: number;
  funded: boolean;
}

/** Projects with both coordinates, in the order given, capped. */
export function mapPoints(projects: readonly Project[], funded: ReadonlySet<string>): MapPoint[] {
  return projects
    .flatMap((p) =>
      p.latitude === null || p.longitude === null
        ? []
        : [
            {
              id: p.id,
              title: p.title,
              location: p.location,
              latitude: p.latitude,
              longitude: p.longitude,
              funded: funded.has(p.id),
            },
          ],
    )
    .slice(0, MAX_MARKERS);
}

/**
 * Longitude and latitude → SVG x, y (equirectangular, x shrunk by the cosine
 * of the middle latitude so a city's streets keep their shape), fitted into
 * the drawing with a margin; one point or one place is centred.
 */
export function projection(points: readonly { latitude: number; longitude: number }[]) {
  const lats = points.map((p) => p.latitude);
  const lons = points.map((p) => p.longitude);
  const [minLat, maxLat] = [Math.min(...lats), Math.max(...lats)];
  const [minLon, maxLon] = [Math.min(...lons), Math.max(...lons)];
  const k = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  // At least ~200 m across, so a single project is not drawn at infinite zoom.
  const spanX = Math.max((maxLon - minLon) * k, 0.002);
  const spanY = Math.max(maxLat - minLat, 0.002);
  const scale = Math.min((WIDTH - 2 * PAD) / spanX, (HEIGHT - 2 * PAD) / spanY);
  const cx = ((minLon + maxLon) / 2) * k;
  const cy = (minLat + maxLat) / 2;
  return {
    x: (lon: number) => WIDTH / 2 + (lon * k - cx) * scale,
    y: (lat: number) => HEIGHT / 2 - (lat - cy) * scale,
    /** Degrees between graticule lines: a round step giving about four lines. */
    step: niceStep(Math.max(spanX / k, spanY) / 4),
    bounds: { minLat, maxLat, minLon, maxLon },
  };
}

function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

/** Grid lines at multiples of `step` inside the drawing. */
function graticule(pr: ReturnType<typeof projection>) {
  const lines: { x1: number; y1: number; x2: number; y2: number }[] = [];
  const within = (v: number, max: number) => v >= 0 && v <= max;
  const from = (v: number) => Math.floor(v / pr.step) * pr.step;
  const { minLat, maxLat, minLon, maxLon } = pr.bounds;
  for (let i = 0, lon = from(minLon - pr.step * 4); i < 40 && lon <= maxLon + pr.step * 4; i++) {
    const x = pr.x(lon);
    if (within(x, WIDTH)) lines.push({ x1: x, y1: 0, x2: x, y2: HEIGHT });
    lon += pr.step;
  }
  for (let i = 0, lat = from(minLat - pr.step * 4); i < 40 && lat <= maxLat + pr.step * 4; i++) {
    const y = pr.y(lat);
    if (within(y, HEIGHT)) lines.push({ x1: 0, y1: y, x2: WIDTH, y2: y });
    lat += pr.step;
  }
  return lines;
}

const round = (n: number) => Math.round(n * 10) / 10;

export interface MapLabels {
  heading: string;
  intro: string;
  funded: string;
  coordinates: (lat: string, lon: string) => string;
}

/** The map and its list, or nothing when no project has coordinates. */
export function projectMap(
  processId: string,
  points: readonly MapPoint[],
  labels: MapLabels,
  locale: string,
): Html | "" {
  if (points.length === 0) return "";
  const pr = projection(points);
  const deg = new Intl.NumberFormat(locale, { maximumFractionDigits: 5 });
  return html`<section aria-labelledby="pb-map" class="pb-map">
    <h2 id="pb-map">${labels.heading}</h2>
    <p class="muted">${labels.intro}</p>
    <svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" role="presentation" aria-hidden="true" focusable="false">
      <rect x="0" y="0" width="${WIDTH}" height="${HEIGHT}" fill="#eef3ee" stroke="#b8c4b8" />
      ${graticule(pr).map((l) => html`<line x1="${round(l.x1)}" y1="${round(l.y1)}" x2="${round(l.x2)}" y2="${round(l.y2)}" stroke="#d4ddd4" stroke-width="1" />`)}
      ${points.map((p, i) => {
        const x = round(pr.x(p.longitude));
        const y = round(pr.y(p.latitude));
        return html`<g><circle cx="${x}" cy="${y}" r="13" fill="${p.funded ? "#1f6f43" : "#2b4c7e"}" stroke="#ffffff" stroke-width="2" />
          <text x="${x}" y="${round(y + 4.5)}" text-anchor="middle" font-size="13" font-family="sans-serif" fill="#ffffff">${i + 1}</text></g>`;
      })}
    </svg>
    <ol class="pb-map-list">${points.map(
      (
        p,
      ) => html`<li><a href="/budgets/${processId}/projects/${p.id}">${p.title}</a>${p.funded ? html` · ✓ ${labels.funded}` : ""}${p.location ? html` — ${p.location}` : ""}
        <span class="muted">(${labels.coordinates(deg.format(p.latitude), deg.format(p.longitude))})</span></li>`,
    )}</ol>
  </section>`;
}
