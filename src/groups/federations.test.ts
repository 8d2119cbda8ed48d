/**
 * Federations of co-ops, per verb: a member co-op naming delegates here, our
 * co-op joining a federation here or elsewhere, naming and dropping delegates,
 * leaving, and who votes. Refusals write nothing; two asks at once make one
 * affiliation. On SQLite, or PostgreSQL with TEST_DATABASE_URL.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type GroupsFixture, groupsFixture, ORIGIN } from "../../test/support/groups.ts";
import type { LocalMember } from "./context.ts";
import {
  answerAffiliation,
  delegatesOf,
  joinFederation,
  joinWithOurCoop,
  leaveFederation,
  receiveDelegate,
  setDelegates,
  votingGroupOf,
} from "./federations.ts";
import { receiveJoin } from "./memberships.ts";
import { eligibleVoters } from "./voting.ts";

let f: GroupsFixture;
let ada: LocalMember;
let bea: LocalMember;
before(async () => {
  f = await groupsFixture();
  ada = await f.member("ada", "admin");
  bea = await f.member("bea");
});
after(() => f.handle.close());

const nothingWritten = async (what: () => Promise<unknown>) => {
  const tables = [
    "group_members",
    "group_delegates",
    "coop_affiliations",
    "coop_delegates",
    "outbox_events",
  ] as const;
  const counts = () => Promise.all(tables.map((t) => f.count(t)));
  const before = await counts();
  await what();
  assert.deepEqual(await counts(), before);
};

test("receiveDelegate: only an active member co-op names delegates, and only its own people", async () => {
  const fed = await f.group(ada, { name: "fed_deleg", kind: "federation" });
  const coop = await f.remote("https://other.example/users/coop", "Organization");
  const rosa = "https://other.example/users/rosa";
  const add = { group: fed, delegateUri: rosa, add: true };
  await nothingWritten(async () => {
    assert.deepEqual(await receiveDelegate(f.ctx, coop, add), {
      ok: false,
      reason: "not-a-member-coop",
    });
  });
  assert.ok((await receiveJoin(f.ctx, coop, { group: fed, activityUri: `${coop.uri}/f/1` })).ok);
  await nothingWritten(async () => {
    assert.deepEqual(
      await receiveDelegate(f.ctx, coop, { ...add, delegateUri: "https://elsewhere.example/u/x" }),
      { ok: false, reason: "not-its-member" },
    );
    assert.deepEqual(await receiveDelegate(f.ctx, coop, { ...add, delegateUri: "not a url" }), {
      ok: false,
      reason: "not-its-member",
    });
  });
  assert.ok((await receiveDelegate(f.ctx, coop, add)).ok);
  assert.ok((await receiveDelegate(f.ctx, coop, add)).ok, "the same Add again is fine");
  assert.deepEqual(await delegatesOf(f.ctx.db, fed.id), [
    { coop_uri: coop.uri, delegate_uri: rosa },
  ]);
  assert.ok((await receiveDelegate(f.ctx, coop, { ...add, add: false })).ok);
  assert.deepEqual(await delegatesOf(f.ctx.db, fed.id), []);
  // A working group has no member co-ops.
  const wg = await f.group(ada, { name: "wg_deleg" });
  assert.deepEqual(await receiveDelegate(f.ctx, coop, { ...add, group: wg }), {
    ok: false,
    reason: "not-a-member-coop",
  });
});

test("joinWithOurCoop: a node admin moderating the federation; once; not a working group", async () => {
  const fed = await f.group(ada, { name: "fed_ours", kind: "federation" });
  const wg = await f.group(ada, { name: "wg_ours" });
  await nothingWritten(async () => {
    assert.deepEqual(await joinWithOurCoop(f.ctx, bea, { group: fed }), {
      ok: false,
      reason: "forbidden",
    });
    assert.deepEqual(await joinWithOurCoop(f.ctx, ada, { group: wg }), {
      ok: false,
      reason: "not-a-federation",
    });
  });
  const results = await Promise.all([
    joinWithOurCoop(f.ctx, ada, { group: fed }),
    joinWithOurCoop(f.ctx, ada, { group: fed }),
  ]);
  assert.deepEqual(results.map((r) => (r.ok ? "ok" : r.reason)).sort(), ["already-member", "ok"]);
  // Our co-op named with a delegate here, then counted as one vote.
  const ours = { uri: `${ORIGIN}/users/coop` };
  assert.ok(
    (
      await receiveDelegate(f.ctx, ours, {
        group: fed,
        delegateUri: `${ORIGIN}/users/bea`,
        add: true,
      })
    ).ok,
  );
  assert.deepEqual(eligibleVoters(await votingGroupOf(f.ctx, fed)), [
    { countsFor: ours.uri, castBy: [`${ORIGIN}/users/bea`] },
  ]);
  // "direct": each member of our co-op votes (the node's active members).
  const direct = eligibleVoters(await votingGroupOf(f.ctx, fed), "direct").map((b) => b.countsFor);
  assert.deepEqual(direct.sort(), [`${ORIGIN}/users/ada`, `${ORIGIN}/users/bea`]);
});

test("joinFederation: a node admin asks once (Follow recorded); two asks at once make one", async () => {
  const group = await f.remote("https://fed.example/groups/fednet", "Group");
  const ask = { groupUri: group.uri, remoteId: group.remoteId };
  await nothingWritten(async () => {
    assert.deepEqual(await joinFederation(f.ctx, bea, ask), { ok: false, reason: "forbidden" });
  });
  const results = await Promise.all([
    joinFederation(f.ctx, ada, ask),
    joinFederation(f.ctx, ada, ask),
    joinFederation(f.ctx, ada, ask),
  ]);
  assert.equal(results.filter((r) => r.ok).length, 1, JSON.stringify(results));
  assert.ok(results.every((r) => r.ok || r.reason === "already"));
  const rows = await f.ctx.db.selectFrom("coop_affiliations").selectAll().execute();
  assert.equal(rows.length, 1);
  assert.equal(rows[0]?.status, "pending");
  assert.deepEqual(await f.events("groups.coop.followed"), [{ affiliationId: rows[0]?.id }]);
  // The federation answers: Accept makes it active; an answer from another Group changes nothing.
  assert.deepEqual(
    await answerAffiliation(f.ctx, { uri: "https://fed.example/groups/other" }, { accepted: true }),
    { ok: false, reason: "not-found" },
  );
  assert.ok((await answerAffiliation(f.ctx, group, { accepted: true })).ok);
  assert.equal(
    (await f.ctx.db.selectFrom("coop_affiliations").select("status").executeTakeFirst())?.status,
    "active",
  );
});

test("setDelegates: active members only (else nothing changes); each change recorded; leaving takes them", async () => {
  const group = await f.remote("https://fed2.example/groups/fed2", "Group");
  const joined = await joinFederation(f.ctx, ada, {
    groupUri: group.uri,
    remoteId: group.remoteId,
  });
  assert.ok(joined.ok);
  const affiliationId = joined.value.id;
  await nothingWritten(async () => {
    assert.deepEqual(await setDelegates(f.ctx, bea, { affiliationId, accountIds: [bea.id] }), {
      ok: false,
      reason: "forbidden",
    });
    assert.deepEqual(
      await setDelegates(f.ctx, ada, { affiliationId, accountIds: [bea.id, "nobody"] }),
      { ok: false, reason: "invalid" },
    );
    assert.deepEqual(await setDelegates(f.ctx, ada, { affiliationId: "nope", accountIds: [] }), {
      ok: false,
      reason: "not-found",
    });
  });
  assert.deepEqual(
    await setDelegates(f.ctx, ada, { affiliationId, accountIds: [bea.id, bea.id] }),
    {
      ok: true,
      value: { added: 1, removed: 0 },
    },
  );
  assert.deepEqual(await setDelegates(f.ctx, ada, { affiliationId, accountIds: [ada.id] }), {
    ok: true,
    value: { added: 1, removed: 1 },
  });
  assert.deepEqual(
    (await f.events("groups.delegate.removed")).map((e) => e.accountId),
    [bea.id],
  );
  await nothingWritten(async () => {
    assert.deepEqual(await leaveFederation(f.ctx, bea, { affiliationId }), {
      ok: false,
      reason: "forbidden",
    });
  });
  const results = await Promise.all([
    leaveFederation(f.ctx, ada, { affiliationId }),
    leaveFederation(f.ctx, ada, { affiliationId }),
  ]);
  assert.deepEqual(results.map((r) => (r.ok ? "ok" : r.reason)).sort(), ["not-found", "ok"]);
  assert.equal((await f.events("groups.coop.unfollowed")).length, 1, "one Undo, not two");
  assert.equal(await f.count("coop_delegates"), 0);
});
