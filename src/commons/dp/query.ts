/** One entry point for a query named by its mechanism, as the CLI (and later the commons) asks. */
import type { PrivacyFilter } from "./accounting.ts";
import { boundedMean, boundedSum, count, histogram, type Release } from "./mechanisms.ts";
import type { NoiseKind } from "./noise.ts";
import { quantile } from "./quantile.ts";
import type { ByteSource } from "./random.ts";
import type { Table } from "./table.ts";

export const MECHANISMS = ["count", "sum", "mean", "histogram", "quantile"] as const;
export type Mechanism = (typeof MECHANISMS)[number];

export interface QuerySpec {
  readonly mechanism: Mechanism;
  /** The value column (sum, mean, quantile) or the key column (histogram). */
  readonly column?: string;
  readonly by?: string;
  readonly keys?: readonly string[];
  readonly lower?: string;
  readonly upper?: string;
  readonly grid?: string;
  readonly unit?: string;
  readonly maxRowsPerUnit?: number;
  readonly noise?: NoiseKind;
  readonly rho: number;
  readonly confidence?: number;
  readonly quantile?: string;
  readonly candidates?: readonly number[];
  readonly filter?: PrivacyFilter;
}

function need<T>(value: T | undefined, what: string, mechanism: string): T {
  if (value === undefined) throw new RangeError(`${mechanism} needs ${what}`);
  return value;
}

export function runQuery(table: Table, spec: QuerySpec, source: ByteSource): Release {
  const m = spec.mechanism;
  switch (m) {
    case "count":
      return count(table, spec, source);
    case "histogram": {
      if (spec.by !== undefined)
        throw new RangeError("histogram groups by its own column: use --column, not --by");
      return histogram(
        table,
        need(spec.column, "a column", m),
        need(spec.keys, "public keys", m),
        spec,
        source,
      );
    }
    case "sum":
    case "mean": {
      const options = {
        ...spec,
        column: need(spec.column, "a column", m),
        lower: need(spec.lower, "a lower bound", m),
        upper: need(spec.upper, "an upper bound", m),
      };
      return m === "sum" ? boundedSum(table, options, source) : boundedMean(table, options, source);
    }
    case "quantile": {
      if (spec.by !== undefined) throw new RangeError("quantile does not group");
      const options = {
        ...spec,
        column: need(spec.column, "a column", m),
        quantile: need(spec.quantile, "a quantile level", m),
        candidates: need(spec.candidates, "candidates", m),
      };
      return quantile(table, options, source);
    }
    default:
      throw new RangeError(`unknown mechanism "${m satisfies never}"`);
  }
}
