/**
 * The member's front page (issue 23): what needs me, what is new and the home
 * timeline in one server render, against the plain home timeline page (/social).
 * A node with 40 posts in the member's home timeline, a group with an open
 * decision waiting for the member's vote and a thread; each page is asked for
 * in-process (app.request: the server's time, no socket) after a warm-up.
 * Target: under 20 ms a page. TEST_DATABASE_URL=postgres://… runs it on PostgreSQL.
 *
 *   npm run bench -- front-page
 */
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { createDecision } from "../src/governance/decisions/decisions.ts";
import { sweepDecisions } from "../src/governance/decisions/sweep.ts";
import { createGroup } from "../src/groups/groups.ts";
import { joinGroup } from "../src/groups/memberships.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { createMember, signIn } from "../test/support/login.ts";
import { socialOf, startTestNode } from "../test/support/node.ts";
import { dropTemplate } from "../test/support/postgres.ts";

const POSTS = 40;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);

const node = await startTestNode({ host: "127.0.223.9" });
try {
  const ann = await createMember(node, { username: "ann", password: "long enough" });
  const bea = await createMember(node, { username: "bea", password: "long enough" });
  const ctx = { ...socialOf(node), clock: systemClock };
  const group = await createGroup(ctx, bea, {
    name: "garden",
    kind: "working_group",
    displayName: "Community garden",
    visibility: "public",
    moderated: false,
  });
  if (!group.ok) throw new Error(group.reason);
  await joinGroup(ctx, ann, { group: group.value });
  const decision = await createDecision(ctx, bea, {
    group: group.value,
    proposal: {
      title: "Plant a fruit hedge",
      rule: "consent",
      closesAt: new Date(Date.now() + 86_400_000).toISOString(),
    },
  });
  if (!decision.ok) throw new Error(decision.reason);
  await sweepDecisions(ctx);
  const session = await signIn(node, "ann", "long enough");
  for (let i = 1; i <= POSTS; i++) {
    const form = new FormData();
    form.set("visibility", "public");
    form.set("text", `Post ${i} with #bread and a link https://example.org/${i} for the page.`);
    const res = await session.postMultipart("/social/posts", form);
    if (res.status !== 303) throw new Error(`posting answered ${res.status}`);
  }

  const time = async (path: string) => {
    const ask = async () => {
      const res = await node.node.app.request(path, { headers: { cookie: session.cookie } });
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
      await res.text();
    };
    for (let i = 0; i < 20; i++) await ask();
    const ms: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const start = performance.now();
      await ask();
      ms.push(performance.now() - start);
    }
    ms.sort((a, b) => a - b);
    const at = (q: number) =>
      (ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? 0).toFixed(2);
    const mean = (ms.reduce((a, b) => a + b, 0) / ms.length).toFixed(2);
    console.log(`${path.padEnd(10)} mean ${mean} ms · p50 ${at(0.5)} ms · p99 ${at(0.99)} ms`);
  };
  console.log(
    `front page bench on ${process.env.TEST_DATABASE_URL ? "PostgreSQL" : "SQLite"}: ${POSTS} posts in the home timeline, ${ROUNDS} requests each, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  await time("/");
  await time("/social");
} finally {
  await node.close();
  const pg = process.env.TEST_DATABASE_URL;
  if (pg && process.env.SYNCO_TEST_PG_TEMPLATE)
    await dropTemplate(pg, process.env.SYNCO_TEST_PG_TEMPLATE);
}
