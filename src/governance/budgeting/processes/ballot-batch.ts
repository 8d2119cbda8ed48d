/**
 * Writes a batch of ballots on one process in one transaction (ballots.ts
 * queues them; decisions' group-commit.ts forms the batches). Every ballot is
 * checked as if it were alone — the process found, not imported, in its voting
 * phase, the district this process's, the voter taking part, the ballot valid
 * for the rules against the district's feasible projects — and gets its own
 * answer; a refused ballot writes nothing. What the checks read is read once
 * per batch: the process with its group (the process locked on PostgreSQL, so
 * a phase change waits for the batch or the batch sees it), the districts'
 * budgets with the feasible projects' ids and costs (kept in memory while a
 * process hosted here votes: district-rules.ts), and eligibility for all
 * voters at once (on PostgreSQL, with batchSettings.readAhead, the last two
 * are read beside the transaction while it begins and takes the lock:
 * ballot-reads-ahead.ts). Each voter's
 * first named ballot in the batch goes in one upsert (new or a change of an
 * earlier batch's); a secret one in one insert whose unique key says who had
 * voted already, a secret district's tables rewritten in the same statements
 * (PostgreSQL); and one event is recorded per district touched.
 *
 * Within a batch the ballots keep their order: a second ballot by the same
 * voter in a district is a change of the first (named), or needs the receipt
 * (secret), exactly as if the two had come one after the other.
 */
import type { Kysely } from "kysely";
import { recordEvent } from "../../../db/outbox.ts";
import type { Schema } from "../../../db/schema.ts";
import { fail, ok, type Result } from "../../../kernel/errors.ts";
import { newId } from "../../../kernel/ids.ts";
import { isPostgres } from "../../decisions/secret-ballot.ts";
import { processWithGroup, type ReadsAhead, readAhead } from "./ballot-reads-ahead.ts";
import { type Choices, validateChoices } from "./ballot-rules.ts";
import type { BallotCast, CastBallot, CastProblem } from "./ballots.ts";
import { rulesOf } from "./ballots.ts";
import type { BudgetingContext, Voter } from "./context.ts";
import { type DistrictRules, districtRules } from "./district-rules.ts";
import { whoTakePart } from "./eligibility.ts";
import { changeSecretBallot, insertSecretBallots } from "./secret-ballots.ts";

/** One ballot waiting to be written: who cast it and what. */
export interface BallotRequest {
  ctx: BudgetingContext;
  voter: Voter;
  input: CastBallot;
}

type Answer = Result<BallotCast, CastProblem>;

/** A ballot that passed its checks, ready to write. */
interface Accepted {
  index: number;
  req: BallotRequest;
  choices: Choices;
}

const keyOf = (a: Accepted) => `${a.req.input.districtId}\n${a.req.voter.uri}`;

/**
 * Reads ahead of the transaction on PostgreSQL (ballot-reads-ahead.ts): off,
 * because on this shared machine (load 17–40) bursts were slower with them
 * than without (docs/budgeting.md, "Bench"): on saturated cores two more
 * connections' work is not free. Benches and tests turn it on to compare.
 */
export const batchSettings = { readAhead: false };

/** Writes ballots that all name the same process; one answer per ballot, in order. */
export async function writeBallots(requests: BallotRequest[]): Promise<Answer[]> {
  const first = requests[0];
  if (!first) return [];
  const { ctx } = first;
  const ahead =
    batchSettings.readAhead && isPostgres(ctx.db)
      ? readAhead(
          ctx,
          first.input.processId,
          requests.map((r) => r.voter.uri),
        )
      : undefined;
  try {
    return await writeBatch(requests, ahead);
  } finally {
    // A batch refused early (voting closed, no such process) leaves nothing to read for.
    ahead?.drop();
  }
}

/** The batch's transaction: the checks (with what was read ahead, if valid), then the writes. */
function writeBatch(requests: BallotRequest[], ahead: ReadsAhead | undefined): Promise<Answer[]> {
  const first = requests[0] as BallotRequest;
  const { ctx } = first;
  return ctx.db.transaction().execute(async (trx) => {
    const answers: Answer[] = requests.map(() => fail("not-found"));
    const locked = await processWithGroup(trx, first.input.processId, isPostgres(trx));
    if (!locked) return answers;
    const { p, group } = locked;
    // A copy (local = 0) is voted in here and relayed to its host (federation/budgeting).
    if (p.imported) return answers.map(() => fail("not-hosted-here"));
    if (p.phase !== "voting") return answers.map(() => fail("not-voting"));

    const ballots = await districtRules(
      ctx.db,
      trx,
      p,
      requests.map((r) => r.input.districtId),
      await ahead?.rules(p),
    );
    const inDistrict = requests.flatMap((r, i) => {
      if (ballots.has(r.input.districtId)) return [i];
      answers[i] = fail("district-not-found");
      return [];
    });
    if (inDistrict.length === 0) return answers;
    const takingPart =
      (await ahead?.takingPart(p)) ??
      (await whoTakePart(
        { ...ctx, db: trx },
        p,
        inDistrict.map((i) => (requests[i] as BallotRequest).voter.uri),
        group,
      ));
    const accepted: Accepted[] = [];
    for (const index of inDistrict) {
      const req = requests[index] as BallotRequest;
      if (!takingPart.has(req.voter.uri)) {
        answers[index] = fail("not-eligible");
        continue;
      }
      const ballot = ballots.get(req.input.districtId) as DistrictRules;
      const checked = validateChoices(
        rulesOf(p, ballot.budget),
        ballot.projects,
        req.input.choices,
      );
      if (checked.ok) accepted.push({ index, req, choices: checked.value });
      else answers[index] = checked;
    }
    if (accepted.length === 0) return answers;

    const touched =
      p.secrecy === "secret"
        ? await secretBallots(trx, p.id, accepted, answers)
        : await namedBallots(trx, ctx, p.id, accepted, answers);
    for (const districtId of touched)
      await recordEvent(trx, {
        type: "budgeting.ballot.cast",
        payload: { processId: p.id, districtId },
      });
    return answers;
  });
}

/** Each voter's first ballot per district in the batch, and the later ones (changes). */
function firstsAndRepeats(accepted: Accepted[]) {
  const seen = new Set<string>();
  const firsts: Accepted[] = [];
  const repeats: Accepted[] = [];
  for (const a of accepted) {
    if (seen.has(keyOf(a))) repeats.push(a);
    else {
      seen.add(keyOf(a));
      firsts.push(a);
    }
  }
  return { firsts, repeats };
}

/** Named ballots: firsts (new or changed) in one upsert, the rest replace the stored ballot in order. */
async function namedBallots(
  trx: Kysely<Schema>,
  ctx: BudgetingContext,
  processId: string,
  accepted: Accepted[],
  answers: Answer[],
): Promise<Set<string>> {
  const now = ctx.clock.now().toISOString();
  const { firsts, repeats } = firstsAndRepeats(accepted);
  // One upsert for every voter's first ballot in the batch: a row keeps its id when it is
  // changed, so the id that comes back says whether the ballot was new or a change.
  const rows = firsts.map((a) => ({
    id: newId(),
    process_id: processId,
    district_id: a.req.input.districtId,
    voter_uri: a.req.voter.uri,
    cast_by_uri: a.req.voter.uri,
    account_id: a.req.voter.accountId,
    choices: JSON.stringify(a.choices),
    created_at: now,
    updated_at: now,
  }));
  const written = await trx
    .insertInto("pb_ballots")
    .values(rows)
    .onConflict((oc) =>
      oc.columns(["process_id", "district_id", "voter_uri"]).doUpdateSet((eb) => ({
        choices: eb.ref("excluded.choices"),
        cast_by_uri: eb.ref("excluded.cast_by_uri"),
        updated_at: eb.ref("excluded.updated_at"),
      })),
    )
    .returning(["id"])
    .execute();
  const fresh = new Set(written.map((r) => r.id));
  firsts.forEach((a, i) => {
    answers[a.index] = ok({ changed: !fresh.has(rows[i]?.id ?? ""), receipt: null });
  });
  // A voter's later ballots in the same batch change their first, in order.
  for (const a of repeats) {
    await trx
      .updateTable("pb_ballots")
      .set({ choices: JSON.stringify(a.choices), cast_by_uri: a.req.voter.uri, updated_at: now })
      .where("process_id", "=", processId)
      .where("district_id", "=", a.req.input.districtId)
      .where("voter_uri", "=", a.req.voter.uri)
      .execute();
    answers[a.index] = ok({ changed: true, receipt: null });
  }
  return new Set(accepted.map((a) => a.req.input.districtId));
}

/**
 * Secret ballots: a ballot with a receipt changes the receipt's ballot; one
 * without is a first ballot (all in one insert), refused with
 * "receipt-required" when the voter had voted in that district. On
 * PostgreSQL the insert rewrites every district written, once.
 */
async function secretBallots(
  trx: Kysely<Schema>,
  processId: string,
  accepted: Accepted[],
  answers: Answer[],
): Promise<Set<string>> {
  const touched = new Set<string>();
  const casts: Accepted[] = [];
  for (const a of accepted) {
    const { receipt, districtId } = a.req.input;
    if (receipt === undefined || receipt === "") {
      casts.push(a);
      continue;
    }
    if (await changeSecretBallot(trx, { processId, districtId }, receipt, a.choices)) {
      answers[a.index] = ok({ changed: true, receipt: null });
      touched.add(districtId);
    } else answers[a.index] = fail("receipt-unknown");
  }
  const { firsts, repeats } = firstsAndRepeats(casts);
  for (const a of repeats) answers[a.index] = fail("receipt-required");
  const receipts = await insertSecretBallots(
    trx,
    processId,
    firsts.map((a) => ({
      districtId: a.req.input.districtId,
      voterUri: a.req.voter.uri,
      castByUri: a.req.voter.uri,
      choices: a.choices,
    })),
    [...touched],
  );
  firsts.forEach((a, i) => {
    const receipt = receipts[i];
    if (!receipt) answers[a.index] = fail("receipt-required");
    else {
      answers[a.index] = ok({ changed: false, receipt });
      touched.add(a.req.input.districtId);
    }
  });
  return touched;
}
