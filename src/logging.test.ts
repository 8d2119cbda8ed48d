import assert from "node:assert/strict";
import { test } from "node:test";
import { getLogger, reset, withContext } from "@logtape/logtape";
import { setupLogging } from "./logging.ts";

/** Captures what the console sink writes, whichever console method the level uses. */
async function captured(run: () => void): Promise<string[]> {
  const lines: string[] = [];
  const methods = ["debug", "info", "log", "warn", "error"] as const;
  const saved = methods.map((m) => console[m]);
  for (const m of methods) console[m] = (...args: unknown[]) => lines.push(args.join(" "));
  try {
    run();
  } finally {
    methods.forEach((m, i) => {
      console[m] = saved[i] as (typeof console)[typeof m];
    });
  }
  return lines;
}

test("SYNCO_LOG_FORMAT=json writes one JSON object per record, context included", async (t) => {
  t.after(() => reset());
  await setupLogging("info", "json");
  const lines = await captured(() =>
    withContext({ requestId: "r-1" }, () =>
      getLogger(["synco", "test"]).info("Delivered {count} activities", { count: 3 }),
    ),
  );
  assert.equal(lines.length, 1);
  const record = JSON.parse(lines[0] ?? "");
  assert.equal(record.level, "INFO");
  assert.equal(record.logger, "synco.test");
  assert.equal(record.message, "Delivered 3 activities");
  assert.equal(record.properties.count, 3);
  assert.equal(record.properties.requestId, "r-1");
});

test("the text format (the default) stays a readable line", async (t) => {
  t.after(() => reset());
  await setupLogging("info", "text");
  const lines = await captured(() =>
    getLogger(["synco", "test"]).info("Hello {who}", { who: "co-op" }),
  );
  assert.equal(lines.length, 1);
  // The console sink styles the line (%c); the words are there, not a JSON object.
  assert.ok(lines[0]?.includes("Hello") && lines[0].includes("co-op"));
  assert.throws(() => JSON.parse(lines[0] ?? ""));
});
