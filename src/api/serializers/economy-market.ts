/**
 * The marketplace as apps see it (docs/api.md "Economy: marketplace"): offers
 * and needs with quantities both as stored (thousandths of the unit, integers)
 * and as decimals, prices in minor units, the OM2 unit, the place, the window;
 * catalogue entries; watches. Ids are strings.
 */

import { imagesOf, type Proposal, type Spec } from "../../economy/market/reads.ts";
import { unitIri } from "../../economy/market/units.ts";
import type { Watch } from "../../economy/market/watches.ts";
import { mediaUrl } from "../../storage/images.ts";

/** `paths`: upload id → stored path, for the images' URLs (one query for a page). */
export function serializeProposal(
  origin: string,
  p: Proposal & { distanceKm?: number | null },
  paths: Map<string, string>,
) {
  return {
    id: p.id,
    uri: p.uri,
    url: p.local ? `${origin}/economy/proposals/${p.id}` : p.uri,
    hosted_here: p.local === 1,
    purpose: p.purpose,
    status: p.status,
    agent: { uri: p.agent_uri, kind: p.agent_kind },
    group: p.group_uri,
    spec: { id: p.spec_id, uri: p.spec_uri },
    name: p.name,
    note: p.note,
    category: p.category,
    unit: p.unit,
    unit_iri: unitIri(p.unit),
    quantity_thousandths: Number(p.quantity),
    available_thousandths: Number(p.available),
    minimum_thousandths: Number(p.minimum),
    quantity: Number(p.quantity) / 1000,
    available: Number(p.available) / 1000,
    minimum: Number(p.minimum) / 1000,
    hours_per_unit: p.hours_per_unit === null ? null : Number(p.hours_per_unit),
    place: {
      name: p.place_name,
      latitude: p.latitude,
      longitude: p.longitude,
      ...(p.distanceKm !== undefined && p.distanceKm !== null
        ? { distance_km: Math.round(p.distanceKm * 100) / 100 }
        : {}),
    },
    available_from: p.available_from,
    available_until: p.available_until,
    reciprocity: p.reciprocity,
    unit_price: Number(p.unit_price),
    currency: p.currency,
    action: p.action,
    images: imagesOf(p).flatMap((i) => {
      const url = i.mediaId
        ? paths.has(i.mediaId)
          ? `${origin}${mediaUrl(paths.get(i.mediaId) ?? "")}`
          : null
        : (i.url ?? null);
      return url ? [{ url, alt: i.alt }] : [];
    }),
    published_at: p.published_at,
    updated_at: p.updated_at,
  };
}

export const serializeSpec = (s: Spec) => ({
  id: s.id,
  uri: s.uri,
  group: s.group_uri,
  hosted_here: s.local === 1,
  name: s.name,
  note: s.note,
  unit: s.unit,
  unit_iri: unitIri(s.unit),
  category: s.category,
  status: s.status,
  proposed_by: s.proposed_by_uri,
  decided_by: s.decided_by_uri,
  decision_note: s.decision_note,
  created_at: s.created_at,
});

export const serializeWatch = (w: Watch) => ({
  id: w.id,
  category: w.category,
  spec_uri: w.spec_uri,
  spec_name: w.spec_name,
  purpose: w.purpose,
  created_at: w.created_at,
});
