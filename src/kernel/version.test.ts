import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { SOFTWARE_VERSION, userAgent } from "./version.ts";

test("the version is package.json's", () => {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
  assert.equal(SOFTWARE_VERSION, pkg.version);
});

test("the User-Agent names the software, its version and the node's origin", () => {
  assert.equal(
    userAgent("https://coop.example"),
    `Synco/${SOFTWARE_VERSION} (+https://coop.example/)`,
  );
  assert.equal(
    userAgent("http://127.0.0.2:8080"),
    `Synco/${SOFTWARE_VERSION} (+http://127.0.0.2:8080/)`,
  );
});
