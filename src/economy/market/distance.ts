/**
 * Distances on the Earth for "offers near me": the great-circle distance
 * (haversine, on a sphere of the mean radius, good to ~0.5%) and the
 * latitude/longitude box that surely holds every point within a distance, so a
 * query can prefilter with plain comparisons on indexed columns before the exact
 * test. Pure: no database.
 */

export const EARTH_RADIUS_KM = 6371.0088;
const rad = (deg: number) => (deg * Math.PI) / 180;

export interface Point {
  latitude: number;
  longitude: number;
}

/** Great-circle distance in kilometres. */
export function haversineKm(a: Point, b: Point): number {
  const dLat = rad(b.latitude - a.latitude);
  const dLon = rad(b.longitude - a.longitude);
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

export interface Box {
  minLat: number;
  maxLat: number;
  /** When the box crosses the antimeridian, minLon > maxLon (the box wraps). */
  minLon: number;
  maxLon: number;
}

/**
 * The box around `center` holding every point within `km`. Near a pole (or for
 * a radius reaching it) every longitude qualifies; across ±180° the box wraps.
 */
export function boundingBox(center: Point, km: number): Box {
  const dLat = (km / EARTH_RADIUS_KM) * (180 / Math.PI);
  const minLat = Math.max(-90, center.latitude - dLat);
  const maxLat = Math.min(90, center.latitude + dLat);
  if (minLat <= -90 || maxLat >= 90) return { minLat, maxLat, minLon: -180, maxLon: 180 };
  // The widest longitude span is at the latitude nearest a pole the box reaches.
  const ratio = Math.sin(km / EARTH_RADIUS_KM) / Math.cos(rad(center.latitude));
  if (ratio >= 1) return { minLat, maxLat, minLon: -180, maxLon: 180 };
  const dLon = Math.asin(ratio) * (180 / Math.PI);
  const wrap = (x: number) => (x > 180 ? x - 360 : x < -180 ? x + 360 : x);
  return {
    minLat,
    maxLat,
    minLon: wrap(center.longitude - dLon),
    maxLon: wrap(center.longitude + dLon),
  };
}
