import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { testDatabase } from "../../test/support/db.ts";
import { createAccount } from "../accounts/accounts.ts";
import type { Db } from "../db/database.ts";
import { fixedClock } from "../kernel/clock.ts";
import { matchPost, plainText } from "./filter-matching.ts";
import {
  addKeyword,
  createFilter,
  type FilterView,
  filtersIn,
  MAX_FILTERS,
  MAX_KEYWORDS_PER_FILTER,
  memberFilters,
  updateFilter,
} from "./keyword-filters.ts";

const clock = fixedClock(new Date("2026-03-01T12:00:00Z"));
let handle: Db;
let member: string;
before(async () => {
  handle = await testDatabase();
  const made = await createAccount(
    handle.db,
    { username: "filterer", email: "f@example.org", password: "a long passphrase" },
    { passwordCost: 8 },
  );
  assert.ok(made.ok);
  member = made.value.id;
});
after(() => handle.close());

const filter = (keywords: [string, boolean][], statuses: string[] = []): FilterView => ({
  id: "f1",
  title: "t",
  context: ["home"],
  action: "warn",
  expiresAt: null,
  keywords: keywords.map(([keyword, wholeWord], i) => ({ id: `k${i}`, keyword, wholeWord })),
  statuses: statuses.map((postId, i) => ({ id: `s${i}`, postId })),
});
const post = (contentHtml: string, more: Partial<Parameters<typeof matchPost>[1]> = {}) => ({
  id: "p1",
  contentHtml,
  spoiler: "",
  mediaDescriptions: [],
  pollOptions: [],
  ...more,
});

test("keywords match whole words or anywhere, ignoring case and markup", () => {
  const words = [filter([["end", true]])];
  assert.equal(matchPost(words, post("<p>The END.</p>")).length, 1);
  assert.equal(matchPost(words, post("<p>the ending</p>")).length, 0);
  assert.equal(matchPost(words, post("<p>ñend</p>")).length, 0, "letters beyond ASCII count");
  assert.equal(matchPost([filter([["end", false]])], post("<p>the ending</p>")).length, 1);
  assert.equal(matchPost([filter([["#tag", true]])], post("<p>a #tag here</p>")).length, 1);
  assert.equal(matchPost([filter([["a.b", true]])], post("<p>axb</p>")).length, 0, "no regex");
  assert.equal(
    matchPost(words, post("<p>x</p>", { spoiler: "the end" })).length,
    1,
    "the content warning counts",
  );
  assert.equal(matchPost(words, post("<p>x</p>", { mediaDescriptions: ["end"] })).length, 1);
  assert.equal(matchPost(words, post("<p>x</p>", { pollOptions: ["end"] })).length, 1);
  assert.equal(matchPost(words, post('<a href="/end">link</a>')).length, 0, "not inside tags");
  const byId = matchPost([filter([], ["p1"])], post("<p>x</p>"));
  assert.deepEqual(byId[0]?.statusMatches, ["s0"]);
  assert.equal(plainText("a &amp; b<br>c"), "a & b\nc");
});

test("filters are kept with their keywords, capped, and refused whole when one part is bad", async () => {
  const bad = await createFilter(
    handle.db,
    member,
    {
      title: "x",
      context: ["home"],
      keywords: [{ keyword: "ok" }, { keyword: " " }],
    },
    clock,
  );
  assert.deepEqual(bad, { ok: false, reason: "keyword-invalid" });
  assert.deepEqual(await memberFilters(handle.db, member), [], "nothing was written");
  const made = await createFilter(
    handle.db,
    member,
    {
      title: "Words",
      context: ["home", "public"],
      action: "hide",
      expiresIn: 3600,
      keywords: [{ keyword: "one", wholeWord: false }],
    },
    clock,
  );
  assert.ok(made.ok);
  const [kept] = await memberFilters(handle.db, member);
  assert.equal(kept?.action, "hide");
  assert.deepEqual(
    kept?.keywords.map((k) => [k.keyword, k.wholeWord]),
    [["one", false]],
  );
  assert.equal((await filtersIn(handle.db, member, "notifications", clock)).length, 0);
  assert.equal((await filtersIn(handle.db, member, "public", clock)).length, 1);
  // The expiry is counted from the injected clock, and the filter lapses when it moves on.
  assert.equal(kept?.expiresAt, "2026-03-01T13:00:00.000Z");
  clock.advance(3600_000);
  assert.equal((await filtersIn(handle.db, member, "public", clock)).length, 0, "expired");

  for (let i = 1; i < MAX_KEYWORDS_PER_FILTER; i++)
    assert.ok(
      (await addKeyword(handle.db, member, made.value.id, { keyword: `w${i}`, wholeWord: true }))
        .ok,
    );
  const over = await addKeyword(handle.db, member, made.value.id, {
    keyword: "more",
    wholeWord: true,
  });
  assert.deepEqual(over, { ok: false, reason: "too-many-keywords" });
  const overByUpdate = await updateFilter(
    handle.db,
    member,
    made.value.id,
    {
      title: "renamed",
      keywords: [{ keyword: "more" }],
    },
    clock,
  );
  assert.deepEqual(overByUpdate, { ok: false, reason: "too-many-keywords" });
  assert.equal(
    (await memberFilters(handle.db, member))[0]?.title,
    "Words",
    "the update rolled back",
  );

  for (let i = 1; i < MAX_FILTERS; i++)
    assert.ok(
      (await createFilter(handle.db, member, { title: `f${i}`, context: ["home"] }, clock)).ok,
    );
  assert.deepEqual(
    await createFilter(handle.db, member, { title: "one more", context: ["home"] }, clock),
    {
      ok: false,
      reason: "too-many-filters",
    },
  );
});
