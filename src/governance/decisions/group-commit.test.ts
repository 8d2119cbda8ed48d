/** The group-commit queue alone (no database): who shares a batch, and what a failed batch does. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { groupCommit } from "./group-commit.ts";

test("calls made in the same tick share a batch; calls during a batch form the next one", async () => {
  const batches: number[][] = [];
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const gc = groupCommit<number, number>(async (items) => {
    batches.push(items);
    if (batches.length === 1) await gate;
    return items.map((i) => i * 10);
  });
  const first = [1, 2, 3].map((i) => gc.submit("d", i));
  await Promise.resolve();
  await Promise.resolve();
  // The first batch is being written: these wait for it, then go together.
  const second = [4, 5].map((i) => gc.submit("d", i));
  const other = gc.submit("e", 6);
  release();
  assert.deepEqual(await Promise.all([...first, ...second, other]), [10, 20, 30, 40, 50, 60]);
  assert.deepEqual(batches, [[1, 2, 3], [6], [4, 5]]);
});

test("a batch that fails as a whole is retried call by call: only the bad call fails", async () => {
  const batches: string[][] = [];
  const gc = groupCommit<string, string>(async (items) => {
    batches.push(items);
    if (items.includes("bad")) throw new Error("boom");
    return items.map((s) => s.toUpperCase());
  });
  const results = await Promise.allSettled(["a", "bad", "c"].map((s) => gc.submit("d", s)));
  assert.deepEqual(
    results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message)),
    ["A", "boom", "C"],
  );
  assert.deepEqual(batches, [["a", "bad", "c"], ["a"], ["bad"], ["c"]]);
});

test("a batch holds at most maxBatch calls", async () => {
  const sizes: number[] = [];
  const gc = groupCommit<number, number>(async (items) => {
    sizes.push(items.length);
    return items;
  }, 4);
  await Promise.all(Array.from({ length: 10 }, (_, i) => gc.submit("d", i)));
  assert.deepEqual(sizes, [4, 4, 2]);
});
