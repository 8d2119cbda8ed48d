/**
 * The node's request counters and their Prometheus text exposition (format 0.0.4,
 * written by hand: a few lines do not need a client library). The rule it keeps:
 * memory is bounded whatever clients send. Labels are the method (one of a fixed
 * list), the route *pattern* Hono matched (never the raw path) and the status
 * class; at most MAX_SERIES label combinations are kept, and any further one is
 * counted under route="(other)".
 */

export const MAX_SERIES = 500;

/** Upper bounds of the latency histogram's buckets, in seconds. */
export const LATENCY_BUCKETS = [0.005, 0.025, 0.1, 0.25, 1, 2.5, 10] as const;

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const OVERFLOW_ROUTE = "(other)";

interface Series {
  method: string;
  route: string;
  status: string;
  count: number;
}

export class RequestMetrics {
  readonly #series = new Map<string, Series>();
  readonly #maxSeries: number;
  /** Per bucket (not cumulative; summed when rendered), then +Inf. */
  readonly #buckets = new Array<number>(LATENCY_BUCKETS.length + 1).fill(0);
  #latencySum = 0;
  #latencyCount = 0;

  constructor(maxSeries = MAX_SERIES) {
    this.#maxSeries = maxSeries;
  }

  /** Counts one answered request; `route` is the pattern that answered it. */
  record(method: string, route: string, status: number, seconds: number): void {
    const m = METHODS.has(method) ? method : "OTHER";
    const s = status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : "other";
    let key = `${m} ${s} ${route}`;
    let series = this.#series.get(key);
    if (!series) {
      // Full: the new combination joins the one overflow series of its method and class.
      const r = this.#series.size >= this.#maxSeries ? OVERFLOW_ROUTE : route;
      key = `${m} ${s} ${r}`;
      series = this.#series.get(key);
      if (!series) {
        series = { method: m, route: r, status: s, count: 0 };
        this.#series.set(key, series);
      }
    }
    series.count++;
    let i = LATENCY_BUCKETS.findIndex((bound) => seconds <= bound);
    if (i < 0) i = LATENCY_BUCKETS.length;
    this.#buckets[i] = (this.#buckets[i] ?? 0) + 1;
    this.#latencySum += seconds;
    this.#latencyCount++;
  }

  /** How many label combinations are held (tests check the cap). */
  get seriesCount(): number {
    return this.#series.size;
  }

  /** The counters and the histogram as exposition lines. */
  render(): string[] {
    const lines = [
      "# HELP synco_http_requests_total HTTP requests answered, by method, route pattern and status class.",
      "# TYPE synco_http_requests_total counter",
    ];
    for (const s of this.#series.values()) {
      lines.push(
        `synco_http_requests_total${labels({ method: s.method, route: s.route, status: s.status })} ${s.count}`,
      );
    }
    lines.push(
      "# HELP synco_http_request_duration_seconds Time from a request's arrival to its answer.",
      "# TYPE synco_http_request_duration_seconds histogram",
    );
    let cumulative = 0;
    LATENCY_BUCKETS.forEach((bound, i) => {
      cumulative += this.#buckets[i] ?? 0;
      lines.push(`synco_http_request_duration_seconds_bucket{le="${bound}"} ${cumulative}`);
    });
    lines.push(
      `synco_http_request_duration_seconds_bucket{le="+Inf"} ${this.#latencyCount}`,
      `synco_http_request_duration_seconds_sum ${this.#latencySum}`,
      `synco_http_request_duration_seconds_count ${this.#latencyCount}`,
    );
    return lines;
  }
}

/** `{a="x",b="y"}` with values escaped as the text format asks (\\, \" and \n). */
export function labels(values: Record<string, string>): string {
  const parts = Object.entries(values).map(
    ([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`,
  );
  return parts.length ? `{${parts.join(",")}}` : "";
}

/** One gauge: its HELP and TYPE lines, then one sample per label set. */
export function gauge(
  name: string,
  help: string,
  samples: readonly { labels?: Record<string, string>; value: number }[],
): string[] {
  return [
    `# HELP ${name} ${help}`,
    `# TYPE ${name} gauge`,
    ...samples.map((s) => `${name}${labels(s.labels ?? {})} ${s.value}`),
  ];
}
