/**
 * Secret ballots, on SQLite or PostgreSQL (TEST_DATABASE_URL): receipts (cast,
 * change, read back; nothing else changes a ballot), and the unlinkability
 * proof: after 40 secret votes, from a copy of the database (SQLite: the file
 * copied; PostgreSQL: the database itself, read with ctid and xmin), every
 * table and column is searched for a way to link a voter to a choice — and the
 * same search finds the link once one is planted (a shared value; an order).
 */
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { sql } from "kysely";
import { onPostgres } from "../../../test/support/db.ts";
import { type DecisionsFixture, decisionsFixture } from "../../../test/support/decisions.ts";
import { findLinks, type Truth } from "../../../test/support/unlinkability.ts";
import { openDatabase } from "../../db/database.ts";
import type { LocalMember } from "../../groups/context.ts";
import type { Group } from "../../groups/groups.ts";
import { parseBallotsFile, recount } from "./ballots-file.ts";
import { closeDecision } from "./closing.ts";
import { createDecision } from "./decisions.ts";
import { exportBallots } from "./export.ts";
import { decisionView } from "./reads.ts";
import { ballotByReceipt, hashReceipt } from "./secret-ballot.ts";
import { castVote } from "./votes.ts";

const VOTERS = 40;
let f: DecisionsFixture;
let admin: LocalMember;
let voters: LocalMember[];
let group: Group;
before(async () => {
  f = await decisionsFixture();
  admin = await f.member("ana", "admin");
  voters = [];
  for (let i = 0; i < VOTERS; i++)
    voters.push(await f.member(`voter${String(i).padStart(2, "0")}`));
  group = await f.groupWith("secret", admin, voters);
});
after(() => f.handle.close());

function shuffled<T>(xs: T[]): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}

async function secretDecision(options: number) {
  const made = await createDecision(f.ctx, admin, {
    group,
    proposal: f.proposal({
      rule: "single",
      options: Array.from({ length: options }, (_, i) => ({ label: `Option ${i}` })),
      ballot: "secret",
      resultsVisibility: "after-close",
    }),
  });
  assert.ok(made.ok, JSON.stringify(made));
  return made.value.id;
}

/** Forty voters, each a different option, voting in an order unrelated to their names. */
async function voteAll(id: string) {
  const options = shuffled(voters.map((_, i) => i));
  const truth: Truth = { voters: [] };
  const receipts = new Map<string, string>();
  for (const m of shuffled(voters)) {
    const option = options.pop() as number;
    f.clock.advance(61_000);
    const cast = await castVote(f.ctx, f.voter(m), { decisionId: id, choice: { option } });
    assert.ok(cast.ok && cast.value.receipt, JSON.stringify(cast));
    receipts.set(m.username, cast.value.receipt);
    truth.voters.push({ tokens: [f.voter(m).uri, m.id], choice: JSON.stringify({ option }) });
  }
  return { truth, receipts };
}

/** A copy of the database to search: SQLite's file after a checkpoint; PostgreSQL itself. */
async function copyOfDatabase() {
  if (onPostgres) return { db: f.ctx.db, close: async () => {} };
  await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(f.ctx.db);
  const file = await sql<{
    file: string;
  }>`SELECT file FROM pragma_database_list WHERE name = 'main'`.execute(f.ctx.db);
  const copy = join(mkdtempSync(join(tmpdir(), "synco-secret-")), "copy.db");
  copyFileSync(file.rows[0]?.file as string, copy);
  const handle = await openDatabase(`sqlite:${copy}`);
  return { db: handle.db, close: () => handle.close() };
}

test("unlinkability: no table, column, value or order links a voter to a secret choice; planted links are found", async () => {
  const id = await secretDecision(VOTERS);
  const { truth, receipts } = await voteAll(id);
  const copy = await copyOfDatabase();
  try {
    assert.deepEqual(await findLinks(copy.db, truth), []);
  } finally {
    await copy.close();
  }

  // Planted: one value shared by a voter's row and their ballot (a timestamp would do the same).
  await sql`ALTER TABLE decision_voters ADD COLUMN planted text`.execute(f.ctx.db);
  await sql`ALTER TABLE decision_ballots ADD COLUMN planted text`.execute(f.ctx.db);
  for (const m of voters) {
    const link = `2026-03-0${m.username}T12:00:00Z`;
    await sql`UPDATE decision_voters SET planted = ${link} WHERE voter_uri = ${f.voter(m).uri}`.execute(
      f.ctx.db,
    );
    await sql`UPDATE decision_ballots SET planted = ${link}
      WHERE receipt_hash = ${hashReceipt(receipts.get(m.username) as string)}`.execute(f.ctx.db);
  }
  const shared = await findLinks(f.ctx.db, truth);
  assert.ok(
    shared.some((x) => x.includes("decision_ballots.planted")),
    shared.join("\n"),
  );
  await sql`ALTER TABLE decision_voters DROP COLUMN planted`.execute(f.ctx.db);
  await sql`ALTER TABLE decision_ballots DROP COLUMN planted`.execute(f.ctx.db);
  // On PostgreSQL the plant's own row-by-row updates (voter by voter, in both tables) leave
  // their order in xmin, and the search finds it: the very leak votes avoid by rewriting both
  // tables at once. On SQLite nothing is left once the columns are gone.
  const afterPlant = await findLinks(f.ctx.db, truth);
  if (onPostgres)
    assert.ok(
      afterPlant.some((x) => x.includes("decision_ballots.__xmin against decision_voters.__xmin")),
      afterPlant.join("\n"),
    );
  else assert.deepEqual(afterPlant, []);

  // Planted: the order votes came in, kept on both sides (as an autoincrement or a rowid would).
  await sql`ALTER TABLE decision_voters ADD COLUMN seq integer`.execute(f.ctx.db);
  await sql`ALTER TABLE decision_ballots ADD COLUMN seq integer`.execute(f.ctx.db);
  let seq = 0;
  for (const v of truth.voters) {
    seq++;
    const m = voters.find((x) => f.voter(x).uri === v.tokens[0]) as LocalMember;
    await sql`UPDATE decision_voters SET seq = ${seq} WHERE voter_uri = ${v.tokens[0]}`.execute(
      f.ctx.db,
    );
    await sql`UPDATE decision_ballots SET seq = ${seq}
      WHERE receipt_hash = ${hashReceipt(receipts.get(m.username) as string)}`.execute(f.ctx.db);
  }
  const ordered = await findLinks(f.ctx.db, truth);
  assert.ok(
    ordered.some((x) => x.includes("decision_ballots.seq against decision_voters.seq")),
    ordered.join("\n"),
  );
  await sql`ALTER TABLE decision_voters DROP COLUMN seq`.execute(f.ctx.db);
  await sql`ALTER TABLE decision_ballots DROP COLUMN seq`.execute(f.ctx.db);

  // Planted: tables that keep arrival order physically (rowid, ctid), with no column saying so.
  await sql`CREATE TABLE leaky_voters (voter_uri text NOT NULL)`.execute(f.ctx.db);
  await sql`CREATE TABLE leaky_ballots (choice text NOT NULL)`.execute(f.ctx.db);
  for (const v of truth.voters) {
    await sql`INSERT INTO leaky_voters VALUES (${v.tokens[0]})`.execute(f.ctx.db);
    await sql`INSERT INTO leaky_ballots VALUES (${v.choice})`.execute(f.ctx.db);
  }
  const physical = await findLinks(f.ctx.db, truth);
  assert.ok(
    physical.some((x) => x.startsWith("order: leaky_ballots.__scan against leaky_voters.__scan")),
    physical.join("\n"),
  );
  await sql`DROP TABLE leaky_voters`.execute(f.ctx.db);
  await sql`DROP TABLE leaky_ballots`.execute(f.ctx.db);
});

test("a receipt changes or reads a secret ballot; without it, or with another, nothing changes", async () => {
  const id = await secretDecision(3);
  const [a, b] = voters as [LocalMember, LocalMember];
  const cast = await castVote(f.ctx, f.voter(a), { decisionId: id, choice: { option: 0 } });
  assert.ok(cast.ok && cast.value.receipt);
  const receipt = cast.value.receipt;
  assert.match(receipt, /^[A-Za-z0-9_-]{43}$/);
  const stored = await f.ctx.db
    .selectFrom("decision_ballots")
    .selectAll()
    .where("decision_id", "=", id)
    .executeTakeFirstOrThrow();
  assert.equal(stored.receipt_hash, hashReceipt(receipt), "only the hash is stored");
  assert.ok(!JSON.stringify(stored).includes(receipt));

  const before = await f.ctx.db
    .selectFrom("decision_ballots")
    .selectAll()
    .where("decision_id", "=", id)
    .execute();
  for (const [input, reason] of [
    [{}, "receipt-required"],
    [{ receipt: "x".repeat(43) }, "receipt-unknown"],
    [{ receipt: "not a receipt" }, "receipt-unknown"],
  ] as const)
    assert.deepEqual(
      await castVote(f.ctx, f.voter(a), { decisionId: id, choice: { option: 1 }, ...input }),
      { ok: false, reason },
    );
  assert.deepEqual(
    await f.ctx.db
      .selectFrom("decision_ballots")
      .selectAll()
      .where("decision_id", "=", id)
      .execute(),
    before,
  );
  assert.deepEqual(
    await castVote(f.ctx, f.voter(a), { decisionId: id, choice: { option: 2 }, receipt }),
    { ok: true, value: { countsFor: f.voter(a).uri, changed: true, receipt: null } },
  );
  assert.deepEqual(await ballotByReceipt(f.ctx.db, id, receipt), { option: 2 });
  assert.equal(await ballotByReceipt(f.ctx.db, id, "y".repeat(43)), null);
  assert.ok((await castVote(f.ctx, f.voter(b), { decisionId: id, choice: { option: 1 } })).ok);
  assert.equal((await decisionView(f.ctx, a, id))?.tally, null, "no running tally while open");
  assert.deepEqual(await exportBallots(f.ctx, a, id), { ok: false, reason: "not-closed" });
  const closed = await closeDecision(f.ctx, admin, { decisionId: id });
  assert.ok(closed.ok);
  const file = await exportBallots(f.ctx, a, id);
  assert.ok(file.ok);
  const parsed = parseBallotsFile(file.value);
  assert.equal(parsed.secret, true);
  assert.ok(parsed.ballots.every((x) => x.voter === undefined));
  assert.deepEqual(recount(parsed), closed.value.tally);
  const view = await decisionView(f.ctx, a, id);
  assert.equal(view?.votes, null, "who chose what is not listed");
  assert.notEqual(view?.tally, null, "closed: the tally shows");
  assert.equal(view?.hasVoted, true);
  assert.equal(view?.decision.voters_count, 2);
});

test("control: the same search links every voter of a named decision to their choice", async () => {
  const made = await createDecision(f.ctx, admin, {
    group,
    proposal: f.proposal({
      rule: "single",
      options: Array.from({ length: VOTERS }, (_, i) => ({ label: `Named ${i}` })),
      ballot: "anonymous",
    }),
  });
  assert.ok(made.ok);
  await f.ctx.db.deleteFrom("decision_ballots").execute(); // only this decision's choices in play
  const { truth } = await voteAllNamed(made.value.id);
  const found = await findLinks(f.ctx.db, truth);
  assert.ok(
    found.includes("decision_votes: a row holds both a voter and a choice"),
    found.join("\n"),
  );
});

async function voteAllNamed(id: string) {
  const truth: Truth = { voters: [] };
  const options = shuffled(voters.map((_, i) => i));
  for (const m of voters) {
    const option = options.pop() as number;
    assert.ok((await castVote(f.ctx, f.voter(m), { decisionId: id, choice: { option } })).ok);
    truth.voters.push({ tokens: [f.voter(m).uri, m.id], choice: JSON.stringify({ option }) });
  }
  return { truth };
}
