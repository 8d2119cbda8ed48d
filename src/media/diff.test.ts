import assert from "node:assert/strict";
import { test } from "node:test";
import { diffLines, MAX_DIFF_LINES } from "./diff.ts";

const show = (before: string, after: string) =>
  diffLines(before, after).map(
    (l) => `${l.op === "same" ? " " : l.op === "added" ? "+" : "-"}${l.text}`,
  );

test("a changed line in the middle is one removal and one addition between kept lines", () => {
  assert.deepEqual(show("a\nb\nc\nd", "a\nB\nc\nd"), [" a", "-b", "+B", " c", " d"]);
});

test("insertions and deletions keep the longest common run", () => {
  assert.deepEqual(show("one\ntwo\nthree", "zero\none\nthree\nfour"), [
    "+zero",
    " one",
    "-two",
    " three",
    "+four",
  ]);
  assert.deepEqual(show("", "x"), ["+x"]);
  assert.deepEqual(show("x", ""), ["-x"]);
  assert.deepEqual(show("same", "same"), [" same"]);
});

test("applying the diff gives both texts back", () => {
  const before = "# T\n\nalpha\nbeta\ngamma\ndelta\n\nend";
  const after = "# Title\n\nalpha\ngamma\nepsilon\ndelta\n\nend\nmore";
  const d = diffLines(before, after);
  assert.equal(
    d
      .filter((l) => l.op !== "added")
      .map((l) => l.text)
      .join("\n"),
    before,
  );
  assert.equal(
    d
      .filter((l) => l.op !== "removed")
      .map((l) => l.text)
      .join("\n"),
    after,
  );
});

test("huge sources compare as replaced rather than taking quadratic time", () => {
  const big = Array.from({ length: MAX_DIFF_LINES + 1 }, (_, i) => `l${i}`).join("\n");
  const d = diffLines(big, "x");
  assert.equal(d.length, MAX_DIFF_LINES + 2);
});
