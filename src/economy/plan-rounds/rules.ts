/**
 * The pure rules of a plan round (no database): how the members' open offers
 * and needs become the planner's input, and how its flows become commitments.
 *
 * - A good is a catalogue specification in one unit; co-ops are their actor URIs.
 * - A co-op's offers (needs) of one good are summed into one supply (need); a
 *   flow is attributed to the co-op's largest offer and need of that good, the
 *   proposals its agreement will be made on.
 * - A need's priority is its category's weight (set by the group's decision;
 *   1 if absent) × PRIORITY_SCALE; its minimum (what must be delivered) is the
 *   need's own minimum.
 * - An offer's minimum order is its supply's minimum lot (each flow from it is
 *   0 or at least that, as the marketplace will only agree to that much), and
 *   its hours per unit count against the hours its co-op stated for the round
 *   (both from the offer a flow is attributed to). A co-op that stated no
 *   hours is not limited by labour.
 * - Links: each supply to the LINKS_PER_SUPPLY nearest co-ops needing the good
 *   (great-circle km), at a cost per unit of km / 100; a proposal without a
 *   place is UNKNOWN_DISTANCE_KM away.
 * - A re-solve subtracts the commitments both sides accepted (fixed) from the
 *   supplies and needs, and leaves out the links of rejected commitments.
 * Everything is sorted by URI first, so the same proposals give the same input,
 * byte for byte (a stored round re-runs to the same plan).
 */
import { z } from "zod";
import { haversineKm } from "../market/distance.ts";
import type { PlanInput, PlanResult, ShortNeed } from "../planning/planner.ts";

export const PRIORITY_SCALE = 100;
export const LINKS_PER_SUPPLY = 10;
export const UNKNOWN_DISTANCE_KM = 100;
/** A round may be re-solved this many times; then it closes with what is accepted. */
export const MAX_REVISIONS = 5;
/** Caps on what a round takes in (a federation's marketplace is bounded too). */
export const MAX_PROPOSALS = 100_000;
export const MAX_CATEGORIES = 100;

export const weightsSchema = z
  .record(z.string().trim().min(1).max(60), z.number().finite().positive().max(1000))
  .refine((w) => Object.keys(w).length <= MAX_CATEGORIES, "too many categories");
export type Weights = z.output<typeof weightsSchema>;

export interface RoundProposal {
  uri: string;
  purpose: "offer" | "request";
  agentUri: string;
  specUri: string;
  name: string;
  unit: string;
  category: string;
  /** Thousandths of the unit still available (an offer) or still needed (a need). */
  available: number;
  minimum: number;
  /** Labour hours one unit takes (offers), null if not stated. */
  hoursPerUnit: number | null;
  latitude: number | null;
  longitude: number | null;
}

/** A commitment as the rules see it (fixed or rejected ones from earlier revisions). */
export interface CommitmentKey {
  providerUri: string;
  receiverUri: string;
  specUri: string;
  unit: string;
  quantity: number;
}

/** What a flow of the planner stands for: the good and the two proposals. */
export interface GoodKey {
  specUri: string;
  unit: string;
  name: string;
}

export interface RoundInput {
  input: PlanInput;
  /** goods[i] is the planner's good `g${i}`. */
  goods: GoodKey[];
  /** (co-op, good id) → the proposal a flow is attributed to. */
  offers: Record<string, string>;
  requests: Record<string, string>;
}

const goodKey = (spec: string, unit: string) => `${spec}\u0000${unit}`;
const pairKey = (coop: string, good: string) => `${coop}\u0000${good}`;
const byUri = <T extends { uri: string }>(a: T, b: T) =>
  a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0;
const units = (thousandths: number) => thousandths / 1000;

interface Side {
  coop: string;
  good: string;
  available: number;
  minimum: number;
  largest: RoundProposal;
  category: string;
  place: { latitude: number; longitude: number } | null;
}

function sides(
  proposals: RoundProposal[],
  purpose: RoundProposal["purpose"],
  goods: Map<string, number>,
) {
  const out = new Map<string, Side>();
  for (const p of proposals) {
    if (p.purpose !== purpose || p.available <= 0) continue;
    const good = `g${goods.get(goodKey(p.specUri, p.unit))}`;
    const key = pairKey(p.agentUri, good);
    const place =
      p.latitude !== null && p.longitude !== null
        ? { latitude: p.latitude, longitude: p.longitude }
        : null;
    const side = out.get(key);
    if (!side) {
      out.set(key, {
        coop: p.agentUri,
        good,
        available: p.available,
        minimum: p.minimum,
        largest: p,
        category: p.category,
        place,
      });
      continue;
    }
    side.available += p.available;
    side.minimum += p.minimum;
    if (p.available > side.largest.available) {
      side.largest = p;
      side.category = p.category;
      side.place = place ?? side.place;
    }
  }
  return out;
}

/** The planner's input for a round (and how to read its flows back). */
export function roundInput(
  proposals: readonly RoundProposal[],
  options: {
    weights: Weights;
    fixed?: readonly CommitmentKey[];
    rejected?: readonly CommitmentKey[];
    /** The labour hours each co-op stated for the round (co-op URI → hours). */
    hours?: Readonly<Record<string, number>>;
    linksPerSupply?: number;
  },
): RoundInput {
  const sorted = [...proposals].sort(byUri);
  const goodIndex = new Map<string, number>();
  const goods: GoodKey[] = [];
  for (const p of sorted) {
    const k = goodKey(p.specUri, p.unit);
    if (goodIndex.has(k)) continue;
    goodIndex.set(k, goods.length);
    goods.push({ specUri: p.specUri, unit: p.unit, name: p.name });
  }
  const supplies = sides(sorted, "offer", goodIndex);
  const needs = sides(sorted, "request", goodIndex);
  // What both sides accepted earlier is settled: it leaves the supplies and needs.
  for (const c of options.fixed ?? []) {
    const good = `g${goodIndex.get(goodKey(c.specUri, c.unit))}`;
    const s = supplies.get(pairKey(c.providerUri, good));
    if (s) s.available = Math.max(0, s.available - c.quantity);
    const n = needs.get(pairKey(c.receiverUri, good));
    if (n) {
      n.available = Math.max(0, n.available - c.quantity);
      n.minimum = Math.max(0, n.minimum - c.quantity);
    }
  }
  const refused = new Set(
    (options.rejected ?? []).map((c) =>
      [c.providerUri, c.receiverUri, `g${goodIndex.get(goodKey(c.specUri, c.unit))}`].join(
        "\u0000",
      ),
    ),
  );
  const coops = new Set<string>();
  const input: Required<Pick<PlanInput, "coops" | "supplies" | "needs" | "links">> = {
    coops: [],
    supplies: [],
    needs: [],
    links: [],
  };
  const offers: Record<string, string> = {};
  const requests: Record<string, string> = {};
  const needersOf = new Map<string, Side[]>();
  for (const n of needs.values()) {
    if (n.available <= 0) continue;
    coops.add(n.coop);
    const quantity = units(n.available);
    input.needs.push({
      coop: n.coop,
      good: n.good,
      quantity,
      priority: (options.weights[n.category] ?? 1) * PRIORITY_SCALE,
      minimum: Math.min(quantity, units(n.minimum)),
    });
    requests[pairKey(n.coop, n.good)] = n.largest.uri;
    const list = needersOf.get(n.good) ?? [];
    list.push(n);
    needersOf.set(n.good, list);
  }
  const perSupply = options.linksPerSupply ?? LINKS_PER_SUPPLY;
  for (const s of supplies.values()) {
    if (s.available <= 0) continue;
    coops.add(s.coop);
    const quantity = units(s.available);
    // The marketplace agrees to less than the minimum only for all that is left.
    const lot = Math.min(units(s.largest.minimum), units(s.largest.available), quantity);
    const hoursPerUnit = s.largest.hoursPerUnit ?? 0;
    input.supplies.push({
      coop: s.coop,
      good: s.good,
      quantity,
      // Only when set, so a round without them stores the same input as before.
      ...(hoursPerUnit > 0 ? { hoursPerUnit } : {}),
      ...(lot > 0 ? { minimumLot: lot } : {}),
    });
    offers[pairKey(s.coop, s.good)] = s.largest.uri;
    const nearest = (needersOf.get(s.good) ?? [])
      .filter((n) => n.coop !== s.coop && !refused.has([s.coop, n.coop, s.good].join("\u0000")))
      .map((n) => ({ n, km: distanceKm(s.place, n.place) }))
      .sort((a, b) => a.km - b.km || (a.n.coop < b.n.coop ? -1 : 1))
      .slice(0, perSupply);
    for (const { n, km } of nearest)
      input.links.push({
        from: s.coop,
        to: n.coop,
        good: s.good,
        cost: Math.round((km / 100) * 1e4) / 1e4,
      });
  }
  const hours = options.hours ?? {};
  input.coops = [...coops].sort().map((id) => {
    const h = Object.hasOwn(hours, id) ? hours[id] : undefined;
    return h !== undefined && Number.isFinite(h) && h >= 0 ? { id, hours: h } : { id };
  });
  return { input, goods, offers, requests };
}

function distanceKm(
  a: { latitude: number; longitude: number } | null,
  b: { latitude: number; longitude: number } | null,
): number {
  return a && b ? haversineKm(a, b) : UNKNOWN_DISTANCE_KM;
}

/** A commitment the planner proposes, with its explanation. */
export interface ProposedCommitment extends CommitmentKey {
  name: string;
  offerUri: string;
  requestUri: string;
  unitCost: number;
  destinationPrice: number;
  marginalCost: number;
  supplyPrice: number;
}

/** The planner's flows read back as commitments (a flow under a thousandth of a unit is noise). */
export function commitmentsOf(round: RoundInput, result: PlanResult): ProposedCommitment[] {
  const supplyPrice = new Map(result.supplies.map((s) => [pairKey(s.coop, s.good), s.shadowPrice]));
  const out: ProposedCommitment[] = [];
  for (const f of result.flows) {
    const quantity = Math.round(f.quantity * 1000);
    if (quantity < 1) continue;
    const good = round.goods[Number(f.good.slice(1))];
    const offerUri = round.offers[pairKey(f.from, f.good)];
    const requestUri = round.requests[pairKey(f.to, f.good)];
    if (!good || !offerUri || !requestUri) continue;
    out.push({
      providerUri: f.from,
      receiverUri: f.to,
      specUri: good.specUri,
      unit: good.unit,
      name: good.name,
      quantity,
      offerUri,
      requestUri,
      unitCost: f.unitCost,
      destinationPrice: f.destinationPrice,
      marginalCost: f.marginalCost,
      supplyPrice: supplyPrice.get(pairKey(f.from, f.good)) ?? 0,
    });
  }
  return out;
}

/** Where a round goes once every commitment of its current revision is answered. */
export function afterAnswers(
  answers: readonly { provider: string | null; receiver: string | null }[],
  revision: number,
): "waiting" | "closed" | "re-solving" {
  if (answers.some((a) => a.provider === null || a.receiver === null)) return "waiting";
  const rejected = answers.some((a) => a.provider === "rejected" || a.receiver === "rejected");
  return rejected && revision < MAX_REVISIONS ? "re-solving" : "closed";
}

/** A need whose minimum cannot be met with the others (the engine's diagnosis, named). */
export interface ShortMinimum {
  coop: string;
  specUri: string;
  name: string;
  unit: string;
  /** Units (not thousandths): what must arrive, and the most that can with the others. */
  minimum: number;
  delivered: number;
}

export function diagnosisOf(round: RoundInput, short: readonly ShortNeed[]): ShortMinimum[] {
  return short.map((n) => {
    const good = round.goods[Number(n.good.slice(1))];
    return {
      coop: n.coop,
      specUri: good?.specUri ?? "",
      name: good?.name ?? n.good,
      unit: good?.unit ?? "",
      minimum: n.minimum,
      delivered: n.delivered,
    };
  });
}
