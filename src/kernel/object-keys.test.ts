import assert from "node:assert/strict";
import { it } from "node:test";
import { bareObject, isUnsafeKey, jsonShapeProblem } from "./object-keys.ts";

const limits = { maxDepth: 4, maxValues: 100 };

it("names the prototype's keys, and only them", () => {
  for (const key of ["__proto__", "constructor", "prototype"]) assert.ok(isUnsafeKey(key));
  for (const key of ["", "proto", "__proto", "Constructor", "toString"])
    assert.ok(!isUnsafeKey(key));
  assert.equal(Object.getPrototypeOf(bareObject()), null);
});

it("finds an unsafe key at any depth of parsed JSON, and refuses depth and width", () => {
  assert.equal(jsonShapeProblem(JSON.parse('{"a":[{"b":1}]}'), limits), null);
  assert.equal(jsonShapeProblem(JSON.parse('{"a":[{"__proto__":{}}]}'), limits), "unsafe-key");
  assert.equal(jsonShapeProblem(JSON.parse('{"constructor":1}'), limits), "unsafe-key");
  assert.equal(jsonShapeProblem(JSON.parse("[[[[[1]]]]]"), limits), "too-deep");
  assert.equal(jsonShapeProblem(new Array(200).fill(0), limits), "too-many-values");
  // Deeper than any stack: the walk is iterative.
  const deep = JSON.parse(`${"[".repeat(100_000)}${"]".repeat(100_000)}`);
  assert.equal(jsonShapeProblem(deep, { maxDepth: 200_000, maxValues: 200_000 }), null);
});
