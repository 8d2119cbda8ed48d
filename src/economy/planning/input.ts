/**
 * The input of an allocation round, validated with zod: field errors name the
 * path (`supplies[3].quantity: …`), and cross-references (unknown co-ops,
 * duplicates, a minimum above its need) are checked after the shapes.
 */
import { z } from "zod";

const id = z.string().trim().min(1, "must be a non-empty string");
const quantity = z.number().finite().nonnegative();

const coop = z.strictObject({
  id,
  /** Labour hours available this round; omitted means labour does not limit this co-op. */
  hours: quantity.optional(),
});

const supply = z.strictObject({
  coop: id,
  good: id,
  quantity,
  /** Labour hours needed to provide one unit (0 if omitted). */
  hoursPerUnit: quantity.default(0),
  /**
   * The smallest lot this supply is sent in: each flow from it is 0 or at least
   * this much (an offer's minimum order). 0 if omitted.
   */
  minimumLot: quantity.default(0),
});

const need = z.strictObject({
  coop: id,
  good: id,
  quantity,
  /** Cost per unit left unmet: the higher, the more this need is served first. */
  priority: z.number().finite().positive(),
  /** Quantity that must be delivered (a hard constraint; 0 if omitted). */
  minimum: quantity.default(0),
});

const link = z.strictObject({
  from: id,
  to: id,
  /** Transport cost per unit carried. */
  cost: quantity,
  /** Restricts the link to one good; omitted, it carries every good `from` supplies and `to` needs. */
  good: id.optional(),
});

export const planInputSchema = z.strictObject({
  coops: z.array(coop).min(1),
  supplies: z.array(supply),
  needs: z.array(need),
  links: z.array(link),
  options: z
    .strictObject({
      /** Seconds the solver may run before giving up. */
      timeLimit: z.number().finite().positive().optional(),
    })
    .optional(),
});

export type PlanInput = z.input<typeof planInputSchema>;
export type ValidPlanInput = z.output<typeof planInputSchema>;

/** Malformed or inconsistent input; `issues` lists every problem found, by field. */
export class PlanInputError extends Error {
  override name = "PlanInputError";
  readonly issues: string[];
  constructor(issues: string[]) {
    super(`invalid plan input:\n  ${issues.join("\n  ")}`);
    this.issues = issues;
  }
}

function pathString(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || "(root)";
}

/** Validates shapes and cross-references; throws PlanInputError listing the problems. */
export function validatePlanInput(raw: unknown): ValidPlanInput {
  const parsed = planInputSchema.safeParse(raw);
  if (!parsed.success) {
    throw new PlanInputError(
      parsed.error.issues.slice(0, 20).map((i) => `${pathString(i.path)}: ${i.message}`),
    );
  }
  const input = parsed.data;
  const issues: string[] = [];
  const coops = new Set<string>();
  input.coops.forEach((c, i) => {
    if (coops.has(c.id)) issues.push(`coops[${i}].id: duplicate co-op "${c.id}"`);
    coops.add(c.id);
  });
  const known = (value: string, path: string) => {
    if (!coops.has(value)) issues.push(`${path}: unknown co-op "${value}" (not in coops)`);
  };
  const supplied = new Set<string>();
  input.supplies.forEach((s, i) => {
    known(s.coop, `supplies[${i}].coop`);
    const key = `${s.coop}\u0000${s.good}`;
    if (supplied.has(key))
      issues.push(`supplies[${i}]: duplicate supply of "${s.good}" by "${s.coop}"`);
    supplied.add(key);
  });
  const needed = new Set<string>();
  input.needs.forEach((n, i) => {
    known(n.coop, `needs[${i}].coop`);
    const key = `${n.coop}\u0000${n.good}`;
    if (needed.has(key)) issues.push(`needs[${i}]: duplicate need of "${n.good}" by "${n.coop}"`);
    needed.add(key);
    if (n.minimum > n.quantity) {
      issues.push(`needs[${i}].minimum: ${n.minimum} exceeds the quantity ${n.quantity}`);
    }
  });
  const linked = new Set<string>();
  input.links.forEach((l, i) => {
    known(l.from, `links[${i}].from`);
    known(l.to, `links[${i}].to`);
    const key = `${l.from}\u0000${l.to}\u0000${l.good ?? ""}`;
    if (linked.has(key))
      issues.push(
        `links[${i}]: duplicate link ${l.from} → ${l.to}${l.good ? ` for "${l.good}"` : ""}`,
      );
    linked.add(key);
  });
  if (issues.length) throw new PlanInputError(issues.slice(0, 20));
  return input;
}
