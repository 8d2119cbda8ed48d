/**
 * Articles bench (issue 17): rendering a long article through the one Markdown
 * path (markdown-it + plugins + sanitizer), publishing one (its post, tags,
 * events), and the scheduler's sweep over 1,000 due articles, on the database
 * TEST_DATABASE_URL names (PostgreSQL) or a fresh SQLite file.
 */
import { createAccount } from "../src/accounts/accounts.ts";
import { fixedClock } from "../src/kernel/clock.ts";
import { createDraft } from "../src/media/articles.ts";
import { renderMarkdown } from "../src/media/markdown.ts";
import { publishDueArticles } from "../src/media/scheduler.ts";
import { publishArticle, scheduleArticle } from "../src/media/workflow.ts";
import { testDatabase } from "../test/support/db.ts";

const origin = "https://coop.example";

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? 0;
}

const report = (label: string, ms: number[]) =>
  console.log(
    `${label}: p50 ${percentile(ms, 0.5).toFixed(2)} ms, p95 ${percentile(ms, 0.95).toFixed(2)} ms (n=${ms.length})`,
  );

// A 2,000-word article with headings, footnotes, a table, code and quotes.
const section = (i: number) =>
  [
    `## Part ${i}`,
    `${"The co-op's paper is written by its members, edited in the open and read by neighbours. ".repeat(8)}[^n${i}]`,
    "| year | readers |\n|:--|--:|\n| 2025 | 1,200 |\n| 2026 | 3,400 |",
    "```ts\nconst editors = staff.filter((s) => s.role === 'editor');\n```",
    "> We write for each other.",
    `[^n${i}]: A note with a [link](https://example.org/${i}).`,
  ].join("\n\n");
const body = Array.from({ length: 12 }, (_, i) => section(i + 1)).join("\n\n");

const renders: number[] = [];
for (let i = 0; i < 300; i++) {
  const t = performance.now();
  renderMarkdown(body, { origin });
  renders.push(performance.now() - t);
}
report(`render a ${body.split(/\s+/).length}-word article`, renders.slice(50));

const handle = await testDatabase();
const clock = fixedClock(new Date("2026-06-01T09:00:00Z"));
const ctx = { db: handle.db, origin, domain: "coop.example", clock };
const made = await createAccount(
  handle.db,
  { username: "writer", email: "w@example.test", password: "long enough", role: "member" },
  { passwordCost: 8 },
);
if (!made.ok) throw new Error(made.reason);
const writer = { id: made.value.id, username: "writer" };

const publishes: number[] = [];
for (let i = 0; i < 200; i++) {
  const draft = await createDraft(ctx, writer, {
    title: `Article ${i}`,
    body,
    tags: ["news", "coop"],
  });
  if (!draft.ok) throw new Error(draft.reason);
  const t = performance.now();
  const done = await publishArticle(ctx, writer, draft.value.id);
  publishes.push(performance.now() - t);
  if (!done.ok) throw new Error(done.reason);
}
report("publish (post, tags, events)", publishes.slice(20));

const due = new Date(clock.now().getTime() + 60_000);
for (let i = 0; i < 1000; i++) {
  const draft = await createDraft(ctx, writer, { title: `Scheduled ${i}`, body: "Short." });
  if (!draft.ok) throw new Error(draft.reason);
  await scheduleArticle(ctx, writer, draft.value.id, due);
}
clock.advance(120_000);
const t = performance.now();
let published = 0;
for (;;) {
  const batch = await publishDueArticles(ctx);
  if (batch.length === 0) break;
  published += batch.length;
}
const seconds = (performance.now() - t) / 1000;
console.log(
  `scheduler: ${published} due articles published in ${seconds.toFixed(2)} s (${(published / seconds).toFixed(0)}/s)`,
);
await handle.close();
