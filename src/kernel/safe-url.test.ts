import assert from "node:assert/strict";
import { it } from "node:test";
import { httpUrlOrNull, localPathOrNull } from "./safe-url.ts";

it("keeps http(s) URLs and drops every other scheme", () => {
  assert.equal(httpUrlOrNull("HTTPS://Example.org/a b"), "https://example.org/a%20b");
  for (const bad of ["javascript:alert(1)", " javascript:x", "data:,x", "ftp://x/", "/a", null])
    assert.equal(httpUrlOrNull(bad), null, String(bad));
});

it("keeps a path here, encoded, and refuses what a browser would take elsewhere", () => {
  assert.equal(localPathOrNull("/social?x=1#top"), "/social?x=1#top");
  assert.equal(localPathOrNull("/tags/ñ"), "/tags/%C3%B1");
  for (const bad of [
    "//evil.example",
    "/\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\u0000",
    "https://evil.example",
    "evil",
    "",
    42,
  ])
    assert.equal(localPathOrNull(bad), null, JSON.stringify(bad));
});
