import assert from "node:assert/strict";
import { test } from "node:test";
import { signToken, verifyToken } from "./tokens.ts";

const SECRET = "s".repeat(40);
const ID = "01a2442e-e999-7000-bb80-b01d0a7366c0";

test("a token names its subscription for its purpose only, and only with the node's secret", () => {
  const token = signToken(SECRET, "confirm", ID);
  assert.equal(verifyToken(SECRET, "confirm", token), ID);
  assert.equal(verifyToken(SECRET, "unsubscribe", token), null);
  assert.equal(verifyToken("t".repeat(40), "confirm", token), null);
  assert.equal(verifyToken(SECRET, "confirm", `${token}x`), null);
  assert.equal(verifyToken(SECRET, "confirm", token.replace(ID, ID.replace("7000", "7001"))), null);
  assert.equal(verifyToken(SECRET, "confirm", `${token}.extra`), null);
  assert.equal(verifyToken(SECRET, "confirm", "x".repeat(500)), null);
  assert.equal(verifyToken(SECRET, "confirm", ""), null);
});
