/**
 * Agreement notifications (both databases): the member who published a
 * proposal here is told when someone offers an agreement on it (not when they
 * respond themselves); a responder here is told when the proposer elsewhere
 * answers, and not of a withdrawal.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { testDatabase } from "../../../test/support/db.ts";
import { publishProposal } from "../../../test/support/economy.ts";
import { createAccount } from "../../accounts/accounts.ts";
import type { Db } from "../../db/database.ts";
import { fixedClock } from "../../kernel/clock.ts";
import { memberUri } from "../../kernel/uris.ts";
import { receiveAnswer } from "./answers.ts";
import type { Acting, AgreementsContext } from "./context.ts";
import { offerAgreement } from "./offers.ts";

const ORIGIN = "https://one.example";
let handle: Db;
let ctx: AgreementsContext;
let ann: Acting;
let bea: Acting;
before(async () => {
  handle = await testDatabase();
  ctx = { db: handle.db, origin: ORIGIN, clock: fixedClock(new Date("2026-03-02T09:00:00Z")) };
  const made = async (username: string): Promise<Acting> => {
    const r = await createAccount(
      handle.db,
      { username, email: `${username}@example.test`, password: "long enough pass", role: "member" },
      { passwordCost: 8 },
    );
    assert.ok(r.ok);
    return {
      accountId: r.value.id,
      username,
      role: "member",
      agentUri: memberUri(ORIGIN, username),
    };
  };
  ann = await made("ann");
  bea = await made("bea");
});
after(() => handle.close());

const noticesOf = (accountId: string) =>
  handle.db
    .selectFrom("notifications")
    .select(["type", "from_uri"])
    .where("account_id", "=", accountId)
    .where("type", "in", ["economy_agreement_offered", "economy_agreement_answered"])
    .execute();

test("the publisher is told of an agreement offered on their proposal", async () => {
  const p = await publishProposal(handle.db, ORIGIN, {
    account_id: ann.accountId,
    agent_uri: ann.agentUri,
  });
  const offered = await offerAgreement(ctx, bea, { proposalId: p.id, quantity: 1000, note: "" });
  assert.ok(offered.ok, JSON.stringify(offered));
  assert.deepEqual(await noticesOf(ann.accountId), [
    {
      type: "economy_agreement_offered",
      from_uri: `${ORIGIN}/economy/agreements/${offered.value.id}`,
    },
  ]);
  assert.deepEqual(await noticesOf(bea.accountId), []);
});

test("a responder here is told when the proposer elsewhere answers", async () => {
  const remote = "https://two.example/users/cy";
  const p = await publishProposal(handle.db, ORIGIN, {
    local: 0,
    uri: "https://two.example/economy/proposals/1",
    agent_uri: remote,
    account_id: null,
  });
  const offered = await offerAgreement(ctx, bea, { proposalId: p.id, quantity: 1000, note: "" });
  assert.ok(offered.ok, JSON.stringify(offered));
  const row = await handle.db
    .selectFrom("econ_agreements")
    .select("offer_activity_uri")
    .where("id", "=", offered.value.id)
    .executeTakeFirstOrThrow();
  // A stranger's answer changes nothing and tells no one.
  const stranger = await receiveAnswer(ctx, {
    offerActivityUri: row.offer_activity_uri,
    answerActivityUri: "https://evil.example/a/1",
    actorUri: "https://evil.example/users/x",
    status: "accepted",
    finalUri: null,
    reason: "",
  });
  assert.equal(stranger.ok, false);
  assert.deepEqual(await noticesOf(bea.accountId), []);
  const answered = await receiveAnswer(ctx, {
    offerActivityUri: row.offer_activity_uri,
    answerActivityUri: "https://two.example/a/1",
    actorUri: remote,
    status: "accepted",
    finalUri: null,
    reason: "",
  });
  assert.ok(answered.ok, JSON.stringify(answered));
  assert.deepEqual(await noticesOf(bea.accountId), [
    {
      type: "economy_agreement_answered",
      from_uri: `${ORIGIN}/economy/agreements/${offered.value.id}`,
    },
  ]);
});
