/**
 * The load generator of the HTTP bench, run as its own process so its CPU is not
 * the server's: `connections` keep-alive connections, each sending the next
 * request as soon as the last answer is read (as autocannon does), for `seconds`.
 * Several URLs (comma-separated) share the connections in turn, as a balancer in
 * front of several web processes would. Prints one JSON line: requests per second,
 * latency percentiles, non-2xx count.
 */
import { Pool } from "undici";

const [urls, seconds, connections, headersJson] = process.argv.slice(2);
if (!urls) throw new Error("usage: load-client URL[,URL…] SECONDS CONNECTIONS [HEADERS_JSON]");
const targets = urls.split(",").map((u) => new URL(u));
const headers = JSON.parse(headersJson ?? "{}") as Record<string, string>;
const count = Number(connections ?? 10);
const pools = targets.map(
  (t) => new Pool(t.origin, { connections: Math.ceil(count / targets.length), pipelining: 1 }),
);
const latencies: number[] = [];
let errors = 0;
let bytes = 0;
const until = performance.now() + Number(seconds ?? 5) * 1000;

async function worker(n: number) {
  const pool = pools[n % pools.length] as Pool;
  const target = targets[n % targets.length] as URL;
  const path = `${target.pathname}${target.search}`;
  while (performance.now() < until) {
    const t = performance.now();
    try {
      const res = await pool.request({ method: "GET", path, headers });
      const body = await res.body.arrayBuffer();
      bytes += body.byteLength;
      if (res.statusCode >= 300) errors++;
    } catch {
      errors++;
    }
    latencies.push(performance.now() - t);
  }
}
const started = performance.now();
await Promise.all(Array.from({ length: count }, (_, n) => worker(n)));
const elapsed = (performance.now() - started) / 1000;
await Promise.all(pools.map((p) => p.close()));
latencies.sort((a, b) => a - b);
const at = (p: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
console.log(
  JSON.stringify({
    rps: latencies.length / elapsed,
    p50: at(0.5),
    p99: at(0.99),
    errors,
    requests: latencies.length,
    bytesPerAnswer: latencies.length ? Math.round(bytes / latencies.length) : 0,
  }),
);
