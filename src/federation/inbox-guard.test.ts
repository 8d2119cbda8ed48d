import assert from "node:assert/strict";
import { test } from "node:test";
import {
  inboxShapeProblem,
  MAX_INBOX_ARRAY,
  MAX_INBOX_CONTAINERS,
  MAX_INBOX_DEPTH,
} from "./inbox-guard.ts";

const nested = (depth: number) => `${'{"a":'.repeat(depth - 1)}{}${"}".repeat(depth - 1)}`;

test("depth: up to MAX_INBOX_DEPTH levels pass, one more is refused", () => {
  assert.equal(inboxShapeProblem(nested(MAX_INBOX_DEPTH)), null);
  assert.equal(inboxShapeProblem(nested(MAX_INBOX_DEPTH + 1)), "too-deep");
});

test("brackets, braces and commas inside strings do not count", () => {
  const text = JSON.stringify({ content: `${"[{".repeat(500)}\\"${",".repeat(5000)}` });
  assert.equal(inboxShapeProblem(text), null);
});

test("lists and containers are counted", () => {
  const list = (n: number) => JSON.stringify({ tag: Array.from({ length: n }, () => 1) });
  assert.equal(inboxShapeProblem(list(MAX_INBOX_ARRAY - 1)), null);
  assert.equal(inboxShapeProblem(list(MAX_INBOX_ARRAY + 1)), "list-too-long");
  const many = JSON.stringify({
    a: Array.from({ length: 10 }, () =>
      Array.from({ length: MAX_INBOX_CONTAINERS / 9 }, () => ({})),
    ),
  });
  assert.equal(inboxShapeProblem(many), "too-many-objects");
});

test("reserved keys, however escaped, bad contexts and non-objects are refused", () => {
  assert.equal(inboxShapeProblem('{"__proto__":{"x":1}}'), "forbidden-key");
  assert.equal(inboxShapeProblem('{"a":{"\\u0063onstructor":1}}'), "forbidden-key");
  assert.equal(inboxShapeProblem('{"prototype":1}'), "forbidden-key");
  assert.equal(inboxShapeProblem('{"@context":""}'), "bad-context");
  assert.equal(
    inboxShapeProblem('{"@context":["https://www.w3.org/ns/activitystreams",{"a":"b"}]}'),
    null,
  );
  assert.equal(inboxShapeProblem('"a string"'), "not-an-object");
  assert.equal(inboxShapeProblem("[1]"), "not-an-object");
  assert.equal(inboxShapeProblem("{"), "not-json");
  assert.equal(({} as Record<string, unknown>).x, undefined);
});
