/** Reading Mastodon's CSV exports (and ours): headers optional, RFC 4180 quoting, bounds, whole-file refusal. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, parseImport } from "./csv.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

test("Mastodon's following_accounts.csv: header, BOM, CRLF, addresses normalised, repeats once", () => {
  const file =
    "\uFEFFAccount address,Show boosts,Notify on new posts,Languages\r\n" +
    "Eve@Social.Example,true,false,en\r\n" +
    "@bob@coop.example,false,true,\r\n" +
    "eve@social.example,true,false,en\r\n";
  const parsed = parseImport("following", bytes(file));
  assert.deepEqual(parsed, {
    ok: true,
    rows: [
      { target: "eve@social.example", listTitle: "" },
      { target: "bob@coop.example", listTitle: "" },
    ],
  });
});

test("blocks without a header, mutes with Mastodon's, and addresses with a port", () => {
  assert.deepEqual(parseImport("blocks", bytes("eve@social.example\nbo@127.0.0.1:8080\n")), {
    ok: true,
    rows: [
      { target: "eve@social.example", listTitle: "" },
      { target: "bo@127.0.0.1:8080", listTitle: "" },
    ],
  });
  const mutes = parseImport(
    "mutes",
    bytes("Account address,Hide notifications\neve@x.example,true\n"),
  );
  assert.ok(mutes.ok);
  assert.deepEqual(mutes.rows, [{ target: "eve@x.example", listTitle: "" }]);
});

test("bookmarks are http(s) URLs; anything else refuses the file, with its line", () => {
  const good = parseImport("bookmarks", bytes("https://social.example/users/eve/statuses/1\n"));
  assert.ok(good.ok);
  assert.deepEqual(parseImport("bookmarks", bytes("https://a.example/1\njavascript:alert(1)\n")), {
    ok: false,
    problem: "bad-row",
    line: 2,
  });
  // An address is not a bookmark: the wrong kind of file is refused, not half-read.
  assert.deepEqual(parseImport("bookmarks", bytes("eve@social.example\n")), {
    ok: false,
    problem: "bad-row",
    line: 1,
  });
});

test("lists: quoted titles with commas, quotes and line breaks; two columns needed", () => {
  const file = '"Friends, ""close""",eve@social.example\n"Two\nlines",bob@coop.example\n';
  const parsed = parseImport("lists", bytes(file));
  assert.deepEqual(parsed, {
    ok: true,
    rows: [
      { target: "eve@social.example", listTitle: 'Friends, "close"' },
      { target: "bob@coop.example", listTitle: "Two\nlines" },
    ],
  });
  assert.deepEqual(parseImport("lists", bytes("Friends\nFamily,bob@coop.example\n")), {
    ok: false,
    problem: "bad-row",
    line: 1,
  });
});

test("bounds: size, rows, empty files and unclosed quotes", () => {
  assert.deepEqual(parseImport("blocks", new Uint8Array(MAX_IMPORT_BYTES + 1)), {
    ok: false,
    problem: "too-large",
  });
  const many = Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => `u${i}@x.example`).join("\n");
  assert.deepEqual(parseImport("blocks", bytes(many)), { ok: false, problem: "too-many-rows" });
  const atLimit = Array.from({ length: MAX_IMPORT_ROWS }, (_, i) => `u${i}@x.example`).join("\n");
  const full = parseImport("blocks", bytes(atLimit));
  assert.ok(full.ok);
  assert.equal(full.rows.length, MAX_IMPORT_ROWS);
  assert.deepEqual(parseImport("mutes", bytes("Account address,Hide notifications\n")), {
    ok: false,
    problem: "empty",
  });
  assert.deepEqual(parseImport("lists", bytes('"open,eve@x.example\n')), {
    ok: false,
    problem: "malformed",
    line: 0,
  });
  assert.equal(parseImport("following", bytes("not an address\n")).ok, false);
});
