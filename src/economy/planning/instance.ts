/**
 * A seeded synthetic allocation round (the bench's instance, issue 9): co-ops
 * at random points of the unit square, each supplying and needing a few random
 * goods, each (supplier, good) linked to the nearest co-ops needing that good,
 * at a cost equal to the distance.
 */
import { seededRandom } from "../indicators/scenarios.ts";
import type { PlanInput } from "./input.ts";

export interface InstanceShape {
  coops: number;
  goods: number;
  suppliedPerCoop: number;
  neededPerCoop: number;
  linksPerSupply: number;
  seed: number;
}

function pick(count: number, from: number, random: () => number): number[] {
  const chosen = new Set<number>();
  while (chosen.size < Math.min(count, from)) chosen.add(Math.floor(random() * from));
  return [...chosen];
}

export function syntheticRound(
  shape: InstanceShape,
): Required<Pick<PlanInput, "coops" | "supplies" | "needs" | "links">> {
  const random = seededRandom(shape.seed);
  const points = Array.from({ length: shape.coops }, () => [random(), random()] as const);
  const name = (i: number) => `c${i}`;
  const goodName = (g: number) => `g${g}`;
  const supplies: PlanInput["supplies"] = [];
  const needs: PlanInput["needs"] = [];
  const suppliersOf: number[][] = Array.from({ length: shape.goods }, () => []);
  const needersOf: number[][] = Array.from({ length: shape.goods }, () => []);
  const coops: PlanInput["coops"] = [];
  for (let c = 0; c < shape.coops; c++) {
    let hoursDemand = 0;
    for (const g of pick(shape.suppliedPerCoop, shape.goods, random)) {
      const quantity = Math.round(10 + 90 * random());
      const hoursPerUnit = Math.round((0.1 + 0.9 * random()) * 100) / 100;
      hoursDemand += quantity * hoursPerUnit;
      supplies.push({ coop: name(c), good: goodName(g), quantity, hoursPerUnit });
      suppliersOf[g]?.push(c);
    }
    for (const g of pick(shape.neededPerCoop, shape.goods, random)) {
      const quantity = Math.round(10 + 90 * random());
      needs.push({
        coop: name(c),
        good: goodName(g),
        quantity,
        priority: Math.round(1 + 9 * random()),
      });
      needersOf[g]?.push(c);
    }
    // Labour binds: a co-op has hours for 50–100% of everything it could supply.
    coops.push({ id: name(c), hours: Math.round(hoursDemand * (0.5 + 0.5 * random())) });
  }
  const links: PlanInput["links"] = [];
  for (let g = 0; g < shape.goods; g++) {
    const needers = needersOf[g] ?? [];
    for (const s of suppliersOf[g] ?? []) {
      const [sx, sy] = points[s] as readonly [number, number];
      const nearest = needers
        .filter((n) => n !== s)
        .map((n) => {
          const [nx, ny] = points[n] as readonly [number, number];
          return { n, d: Math.hypot(nx - sx, ny - sy) };
        })
        .sort((a, b) => a.d - b.d)
        .slice(0, shape.linksPerSupply);
      for (const { n, d } of nearest) {
        links.push({
          from: name(s),
          to: name(n),
          cost: Math.round(d * 1e4) / 1e4,
          good: goodName(g),
        });
      }
    }
  }
  return { coops, supplies, needs, links };
}
