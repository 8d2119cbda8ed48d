/**
 * Units of measure from the OM2 ontology (http://www.ontology-of-units-of-measure.org/resource/om-2/),
 * named by their OM2 local name as ValueFlows' `hasUnit` does, and quantities as
 * fixed-point integers in thousandths of the unit (db/schema/economy.ts): people
 * type "2.5" or "2,5" and the database keeps 2500, so "available" is decremented
 * exactly. Pure: no database.
 */

export interface Unit {
  /** OM2 local name (om2:kilogram). */
  readonly id: string;
  /** The symbol shown beside a number. */
  readonly symbol: string;
  /** Goods are transferred, time and work delivered as a service (the intent's default action). */
  readonly service: boolean;
}

export const OM2 = "http://www.ontology-of-units-of-measure.org/resource/om-2/";

/** The units the marketplace offers (a short, common list; labels are in the i18n catalogue). */
export const UNITS: readonly Unit[] = [
  { id: "one", symbol: "pc", service: false },
  { id: "kilogram", symbol: "kg", service: false },
  { id: "gram", symbol: "g", service: false },
  { id: "tonne", symbol: "t", service: false },
  { id: "litre", symbol: "l", service: false },
  { id: "cubicMetre", symbol: "m³", service: false },
  { id: "metre", symbol: "m", service: false },
  { id: "squareMetre", symbol: "m²", service: false },
  { id: "kilowattHour", symbol: "kWh", service: false },
  { id: "hour", symbol: "h", service: true },
  { id: "day", symbol: "d", service: true },
];

export const UNIT_IDS = UNITS.map((u) => u.id) as [string, ...string[]];

export const unitById = (id: string): Unit | undefined => UNITS.find((u) => u.id === id);

/** The OM2 IRI of a unit (what FEP-0837 documents carry in hasUnit). */
export const unitIri = (id: string) => `${OM2}${id}`;

/** An OM2 IRI or local name back to one of our units, if it is one. */
export function unitFromIri(value: string): Unit | undefined {
  const local = value.startsWith(OM2) ? value.slice(OM2.length) : value.replace(/^om2:/, "");
  return unitById(local);
}

/** Quantities up to a trillion units (thousandths fit a JavaScript number exactly). */
export const MAX_QUANTITY = 1_000_000_000_000_000;

/** "2.5", "2,5", " 1 000 " → thousandths (2500); null for anything else (at most three decimals). */
export function parseQuantity(raw: string): number | null {
  const text = raw.trim().replace(/[\s\u00a0_]/g, "");
  const m = /^(\d{1,13})(?:[.,](\d{1,3}))?$/.exec(text);
  if (!m) return null;
  const value = Number(m[1]) * 1000 + Number((m[2] ?? "0").padEnd(3, "0"));
  return value <= MAX_QUANTITY ? value : null;
}

/** Thousandths as a form shows them: 2500 → "2.5", 3000 → "3". */
export function quantityInput(thousandths: number | bigint): string {
  const n = Number(thousandths);
  const whole = Math.trunc(n / 1000);
  const rest = Math.abs(n % 1000);
  return rest === 0
    ? String(whole)
    : `${whole}.${String(rest).padStart(3, "0").replace(/0+$/, "")}`;
}

/** Thousandths as a person reads them in their language: "2.5 kg", "1.250 kg" in es. */
export function formatQuantity(locale: string, thousandths: number | bigint, unit: string): string {
  const n = Number(thousandths) / 1000;
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 3 }).format(n);
  return `${number} ${unitById(unit)?.symbol ?? unit}`;
}

/** The price of `thousandths` at `unitPrice` minor units per whole unit, rounded down. */
export const priceOf = (thousandths: number, unitPrice: number) =>
  Math.floor((thousandths * unitPrice) / 1000);
