/**
 * Pabulib files through the app, on SQLite or PostgreSQL (TEST_DATABASE_URL):
 * the real elections in ../fixtures (Assen 2024, Świecie 2023, both counted
 * officially with MES + Add1) imported by a group's moderator, counted by the
 * worker's sweep, reproduce their official winners, and export back with them;
 * bad files and people who may not import are refused, nothing written.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import {
  type BudgetingVoteFixture,
  budgetingVoteFixture,
} from "../../../../test/support/budgeting-vote.ts";
import type { LocalMember } from "../../../groups/context.ts";
import type { Group } from "../../../groups/groups.ts";
import { parsePbFile, readPb } from "../pabulib.ts";
import { countWaitingProcesses } from "./counting.ts";
import { exportPb, importPb } from "./pb-files.ts";
import { resultsOf } from "./results.ts";

let f: BudgetingVoteFixture;
let admin: LocalMember;
let member: LocalMember;
let group: Group;
before(async () => {
  f = await budgetingVoteFixture();
  admin = await f.member("ana", "admin");
  member = await f.member("bo");
  group = await f.groupWith("budget", admin, [member]);
});
after(() => f.handle.close());

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8");

for (const name of ["Netherlands_Assen_2024.pb", "Poland_Swiecie_2023.pb"])
  test(`${name}: imported, recounted by the worker, the official winners`, async () => {
    const text = fixture(name);
    const imported = await importPb(f.ctx, f.voter(admin), group.id, text);
    assert.ok(imported.ok, JSON.stringify(imported));
    const official = imported.value.officialWinners;
    assert.ok(official && official.length > 0);
    assert.deepEqual(
      new Set(official),
      new Set(
        parsePbFile(text)
          .projects.rows.filter((r) => r.selected === "1")
          .map((r) => r.project_id),
      ),
    );

    assert.deepEqual(
      (await resultsOf(f.ctx, imported.value.id))?.districts,
      [],
      "counted by the worker, not the import",
    );
    assert.deepEqual(await countWaitingProcesses(f.ctx), { counted: 1 });
    const results = await resultsOf(f.ctx, imported.value.id);
    assert.equal(results?.process.imported, 1);
    assert.equal(results?.process.rule, "mes-add1", "the file's rule: equalshares/add1");
    const [district] = results?.districts ?? [];
    assert.ok(district);
    assert.equal(district.ballots, readPb(text).ballots.length);
    const sources = new Map(
      (
        await f.handle.db
          .selectFrom("pb_projects")
          .select(["id", "source_id"])
          .where("process_id", "=", imported.value.id)
          .execute()
      ).map((r) => [r.id, r.source_id]),
    );
    assert.deepEqual(new Set(district.winners.map((w) => sources.get(w.id))), new Set(official));
    assert.ok(
      district.losers.every((l) => l.reason !== ""),
      "every project is explained",
    );

    // Exported for Pabulib: the same projects, ballots and winners.
    const exported = await exportPb(f.ctx, imported.value.id, district.districtId);
    assert.ok(exported.ok);
    const back = parsePbFile(exported.value);
    assert.deepEqual(
      new Set(back.projects.rows.filter((r) => r.selected === "1").map((r) => r.project_id)),
      new Set(official),
    );
    const original = readPb(text);
    const again = readPb(exported.value);
    assert.equal(again.ballots.length, original.ballots.length);
    assert.deepEqual(
      new Map(again.ballots.map((b) => [b.voterId, [...b.projects].sort().join()])),
      new Map(original.ballots.map((b) => [b.voterId, [...b.projects].sort().join()])),
    );
  });

test("bad files and members who do not run the group: refused, nothing written", async () => {
  const assen = fixture("Netherlands_Assen_2024.pb");
  const rows = async () => ({
    processes: (await f.handle.db.selectFrom("pb_processes").select("id").execute()).length,
    ballots: (await f.table("pb_ballots")).length,
    events: (await f.table("outbox_events")).length,
  });
  const before = await rows();
  const cases: [LocalMember, string, string][] = [
    [member, assen, "forbidden"],
    [admin, "not a pb file", "file-invalid"],
    [admin, assen.replace("budget;100000", "budget;ten"), "file-invalid"],
    [admin, assen.replace("budget;100000", "budget;100000.005"), "amount-not-in-cents"],
    [admin, assen.replace("vote_type;approval", "vote_type;ordinal"), "vote-type-unsupported"],
    [admin, assen.replace(/\n3;7200;/, '\n3;7200;"'), "file-invalid"],
  ];
  for (const [who, text, reason] of cases) {
    const got = await importPb(f.ctx, f.voter(who), group.id, text);
    assert.equal(got.ok, false, reason);
    if (!got.ok) assert.ok(got.reason.startsWith(reason), `${reason}: ${got.reason}`);
  }
  assert.deepEqual(await importPb(f.ctx, f.voter(admin), "no-such-group", assen), {
    ok: false,
    reason: "not-found",
  });
  assert.deepEqual(await rows(), before);
});
