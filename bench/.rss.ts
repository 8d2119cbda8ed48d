// scratch: RSS breakdown after load, for ENTRY (argv[2])
import { spawn } from "node:child_process";
import { readFileSync, copyFileSync, mkdtempSync } from "node:fs";
import { join } from "node:path";
import { freePort, rssMb, sleep } from "./http/measure.ts";
import { syncoRequests } from "./http/requests.ts";
const entry = process.argv[2]!;
const flags = (process.env.FLAGS ?? "--max-semi-space-size=4 --max-old-space-size=384").split(" ").filter(Boolean);
const seeded = JSON.parse(readFileSync("/tmp/start3-seed/bench.json", "utf8")).seeded;
const dir = mkdtempSync("/tmp/start3-rss-");
copyFileSync("/tmp/start3-seed/synco.db", join(dir, "synco.db"));
const port = await freePort();
const child = spawn(join(import.meta.dirname, "../node_modules/.bin/node"), [...flags, entry, "start"], { env: { ...process.env, MALLOC_ARENA_MAX: "2", NODE_COMPILE_CACHE: "/tmp/synco-compile-cache", SYNCO_DATA_DIR: dir, SYNCO_DATABASE_URL: `sqlite:${join(dir, "synco.db")}`, SYNCO_PORT: String(port), SYNCO_LOG_LEVEL: "error", SYNCO_DOMAIN: "127.0.0.1:8787", SYNCO_SECRET: "bench-secret-".padEnd(40, "x"), SYNCO_METRICS_TOKEN: "m".repeat(40) }, stdio: "inherit" });
const pid = child.pid!;
for (;;) { try { const r = await fetch(`http://127.0.0.1:${port}/healthz`); await r.text(); if (r.ok) break; } catch {} await sleep(10); }
const metrics = async () => { const t = await (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${"m".repeat(40)}` } })).text(); const g = (n: string) => (Number(new RegExp(`^${n} (\\S+)`, "m").exec(t)?.[1]) / 2 ** 20).toFixed(1); return `heap used ${g("synco_process_heap_used_bytes")} total ${g("synco_process_heap_total_bytes")}`; };
const smaps = () => { const s = readFileSync(`/proc/${pid}/smaps`, "utf8"); let anon = 0, file = 0; for (const block of s.split(/\n(?=[0-9a-f]+-)/)) { const rss = Number(/^Rss:\s+(\d+)/m.exec(block)?.[1] ?? 0); const name = block.split("\n")[0]!.split(/\s+/).slice(5).join(" "); if (name.startsWith("/")) file += rss; else anon += rss; } return `anon ${(anon / 1024).toFixed(1)} file ${(file / 1024).toFixed(1)}`; };
await sleep(1000);
console.log(`idle: RSS ${rssMb(pid).toFixed(1)} (${smaps()}) ${await metrics()}`);
const requests = syncoRequests(seeded, "127.0.0.1:8787").filter((r) => !r.single);
const N = Number(process.env.N ?? 400);
for (const r of requests) { let left = N; const c = async () => { while (left-- > 0) { const res = await fetch(`http://127.0.0.1:${port}${r.path}`, { headers: r.headers }); await res.text(); } }; await Promise.all([c(), c(), c(), c()]); }
console.log(`loaded: RSS ${rssMb(pid).toFixed(1)} (${smaps()}) ${await metrics()}`);
await sleep(3000);
console.log(`3 s later: RSS ${rssMb(pid).toFixed(1)} (${smaps()}) ${await metrics()}`);
child.kill("SIGTERM");
