/**
 * The marketplace's capabilities on a real database (SQLite, or PostgreSQL with
 * TEST_DATABASE_URL): publishing as a member or the co-op, editing, closing and
 * withdrawing, the catalogue, search and distance, watches, moderation, copies
 * from elsewhere, export and deletion. Bad input writes nothing.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type GroupsFixture, groupsFixture, ORIGIN } from "../../../test/support/groups.ts";
import type { LocalMember } from "../../groups/context.ts";
import { joinWithOurCoop } from "../../groups/federations.ts";
import type { Group } from "../../groups/groups.ts";
import { coopUri, memberUri } from "../../kernel/uris.ts";
import type { MarketActor } from "./context.ts";
import { marketContributor } from "./data.ts";
import { receiveProposalReport, reportProposal, setProposalHidden } from "./moderation.ts";
import { changeProposalStatus, editProposal, publishProposal } from "./proposals.ts";
import { proposalById } from "./reads.ts";
import { searchProposals } from "./search.ts";
import { catalogueOf, decideSpec, proposeSpec } from "./specs.ts";
import { addWatch, notifyWatchers, removeWatch, watchesOf } from "./watches.ts";

let f: GroupsFixture;
let ada: LocalMember;
let bea: LocalMember;
let cyd: LocalMember;
let valley: Group;
before(async () => {
  f = await groupsFixture();
  ada = await f.member("ada", "admin");
  bea = await f.member("bea");
  cyd = await f.member("cyd");
  valley = await f.group(ada, { name: "valley", kind: "federation" });
  const joined = await joinWithOurCoop(f.ctx, ada, { group: valley });
  assert.ok(joined.ok);
});
after(() => f.handle.close());

const as = (m: LocalMember): MarketActor => ({
  uri: memberUri(ORIGIN, m.username),
  accountId: m.id,
});
const offer = (over: Record<string, unknown> = {}) => ({
  purpose: "offer",
  name: "Tomatoes",
  note: "Ripe, from the valley.",
  category: "vegetables",
  unit: "kilogram",
  quantity: 40_000,
  minimum: 1_000,
  placeName: "Valley farm",
  latitude: 40.42,
  longitude: -3.7,
  reciprocity: "money",
  unitPrice: 250,
  currency: "EUR",
  ...over,
});
const rows = async (
  table: "econ_proposals" | "econ_specs" | "econ_watches" | "outbox_events" | "reports",
) =>
  Number(
    (
      await f.handle.db
        .selectFrom(table)
        .select(f.handle.db.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );

test("members publish as themselves, the assembly's admins for the co-op; bad input writes nothing", async () => {
  const made = await publishProposal(f.ctx, as(bea), offer());
  assert.ok(made.ok, JSON.stringify(made));
  const row = await proposalById(f.ctx, made.value.id);
  assert.equal(row?.agent_uri, memberUri(ORIGIN, "bea"));
  assert.equal(row?.agent_kind, "person");
  assert.equal(Number(row?.available), 40_000);
  assert.equal(row?.action, "transfer");
  assert.equal(row?.uri, `${ORIGIN}/economy/proposals/${made.value.id}`);
  assert.deepEqual(await f.events("economy.proposal.created"), [{ proposalId: made.value.id }]);

  const before = [await rows("econ_proposals"), await rows("outbox_events")];
  assert.deepEqual(await publishProposal(f.ctx, as(bea), offer({ asCoop: true })), {
    ok: false,
    reason: "forbidden",
  });
  for (const bad of [
    offer({ quantity: -1 }),
    offer({ minimum: 50_000 }),
    offer({ latitude: 91 }),
    offer({ reciprocity: "barter" }),
    offer({ name: "" }),
    offer({ images: [{ mediaId: "someone-elses", alt: "" }] }),
    { ...offer(), extra: 1 },
    "not an object",
  ])
    assert.equal((await publishProposal(f.ctx, as(bea), bad)).ok, false, JSON.stringify(bad));
  assert.deepEqual(
    await publishProposal(f.ctx, as(bea), offer({ groupUri: "https://else.example/groups/x" })),
    {
      ok: false,
      reason: "unknown-group",
    },
  );
  assert.deepEqual([await rows("econ_proposals"), await rows("outbox_events")], before);

  const coop = await publishProposal(
    f.ctx,
    as(ada),
    offer({ asCoop: true, unit: "hour", name: "Tractor time", category: "machinery" }),
  );
  assert.ok(coop.ok);
  const coopRow = await proposalById(f.ctx, coop.value.id);
  assert.equal(coopRow?.agent_uri, coopUri(ORIGIN));
  assert.equal(coopRow?.action, "deliverService");
});

test("the author edits (what agreements took stays taken), closes, reopens and withdraws; others cannot", async () => {
  const made = await publishProposal(f.ctx, as(bea), offer({ name: "Apples", category: "fruit" }));
  assert.ok(made.ok);
  const id = made.value.id;
  // An agreement took 15 kg (agree's atomic decrement).
  await f.handle.db
    .updateTable("econ_proposals")
    .set({ available: 25_000 })
    .where("id", "=", id)
    .execute();
  const edited = await editProposal(f.ctx, as(bea), {
    proposalId: id,
    proposal: offer({ name: "Apples", category: "fruit", quantity: 30_000 }),
  });
  assert.ok(edited.ok, JSON.stringify(edited));
  const row = await proposalById(f.ctx, id);
  assert.equal(Number(row?.quantity), 30_000);
  assert.equal(Number(row?.available), 15_000);
  assert.deepEqual(
    await editProposal(f.ctx, as(bea), {
      proposalId: id,
      proposal: offer({ quantity: 10_000, minimum: 0 }),
    }),
    { ok: false, reason: "invalid" },
  );
  assert.deepEqual(await editProposal(f.ctx, as(cyd), { proposalId: id, proposal: offer() }), {
    ok: false,
    reason: "forbidden",
  });
  assert.deepEqual(
    await changeProposalStatus(f.ctx, as(cyd), { proposalId: id, change: "close" }),
    {
      ok: false,
      reason: "forbidden",
    },
  );
  assert.ok((await changeProposalStatus(f.ctx, as(bea), { proposalId: id, change: "close" })).ok);
  assert.deepEqual(
    await changeProposalStatus(f.ctx, as(bea), { proposalId: id, change: "close" }),
    {
      ok: false,
      reason: "wrong-status",
    },
  );
  assert.ok((await changeProposalStatus(f.ctx, as(bea), { proposalId: id, change: "reopen" })).ok);
  assert.ok(
    (await changeProposalStatus(f.ctx, as(bea), { proposalId: id, change: "withdraw" })).ok,
  );
  assert.equal((await proposalById(f.ctx, id))?.status, "withdrawn");
  assert.ok((await f.events("economy.proposal.deleted")).some((e) => e.proposalId === id));
  assert.deepEqual(await editProposal(f.ctx, as(bea), { proposalId: id, proposal: offer() }), {
    ok: false,
    reason: "wrong-status",
  });
});

test("the catalogue: members of a member co-op propose, moderators decide with a public note", async () => {
  const spec = { name: "Olive oil", unit: "litre", category: "oils" };
  const proposed = await proposeSpec(f.ctx, as(bea), { groupId: valley.id, spec });
  assert.ok(proposed.ok);
  assert.equal(proposed.value.status, "proposed");
  assert.deepEqual(await proposeSpec(f.ctx, as(cyd), { groupId: valley.id, spec }), {
    ok: false,
    reason: "duplicate",
  });
  assert.deepEqual(
    await proposeSpec(f.ctx, as(bea), { groupId: valley.id, spec: { ...spec, unit: "parsec" } }),
    {
      ok: false,
      reason: "invalid",
    },
  );
  const garden = await f.group(ada, { name: "garden" });
  assert.deepEqual(
    await proposeSpec(f.ctx, as(bea), { groupId: garden.id, spec: { ...spec, name: "Other" } }),
    {
      ok: false,
      reason: "not-found",
    },
  );
  assert.deepEqual(
    await decideSpec(f.ctx, as(bea), { specId: proposed.value.id, decision: { accept: true } }),
    {
      ok: false,
      reason: "forbidden",
    },
  );
  assert.deepEqual(
    await decideSpec(f.ctx, as(ada), { specId: proposed.value.id, decision: { accept: false } }),
    {
      ok: false,
      reason: "invalid",
    },
  );
  assert.ok(
    (
      await decideSpec(f.ctx, as(ada), {
        specId: proposed.value.id,
        decision: { accept: true, note: "Welcome" },
      })
    ).ok,
  );
  const listed = await catalogueOf(f.ctx, `${ORIGIN}/groups/valley`);
  assert.deepEqual(
    listed.map((s) => [s.name, s.decision_note]),
    [["Olive oil", "Welcome"]],
  );
  // A moderator's own entry is accepted at once; a proposal naming it takes its category and group.
  const direct = await proposeSpec(f.ctx, as(ada), {
    groupId: valley.id,
    spec: { name: "Wheat", unit: "tonne", category: "grain" },
  });
  assert.ok(direct.ok);
  assert.equal(direct.value.status, "accepted");
  const made = await publishProposal(
    f.ctx,
    as(cyd),
    offer({ specId: direct.value.id, name: "Wheat, 2026", category: "whatever", unit: "tonne" }),
  );
  assert.ok(made.ok);
  const row = await proposalById(f.ctx, made.value.id);
  assert.equal(row?.category, "grain");
  assert.equal(row?.group_uri, `${ORIGIN}/groups/valley`);
  assert.equal(row?.spec_uri, `${ORIGIN}/economy/specs/${direct.value.id}`);
});

test("search filters by purpose, category, words, reciprocity, dates and distance, with pages", async () => {
  const put = async (over: Record<string, unknown>) => {
    const made = await publishProposal(f.ctx, as(cyd), offer({ category: "search-test", ...over }));
    assert.ok(made.ok, JSON.stringify(made));
    return made.value.id;
  };
  const near = await put({ name: "Lettuce 50% off", latitude: 40.43, longitude: -3.71 });
  const far = await put({ name: "Lettuce from Barcelona", latitude: 41.39, longitude: 2.17 });
  const need = await put({
    purpose: "request",
    name: "Seeds wanted",
    reciprocity: "gift",
    unitPrice: 0,
    currency: "",
  });
  const later = await put({
    name: "Winter kale",
    availableFrom: "2027-01-01",
    availableUntil: "2027-02-01",
    latitude: null,
    longitude: null,
  });
  const ids = async (q: Record<string, unknown>) => {
    const found = await searchProposals(f.ctx, { category: "search-test", ...q });
    assert.ok(found.ok, JSON.stringify(q));
    return found.items.map((p) => p.id);
  };
  assert.deepEqual(await ids({}), [later, need, far, near]);
  assert.deepEqual(await ids({ purpose: "request" }), [need]);
  assert.deepEqual(await ids({ q: "LETTUCE" }), [far, near]);
  // Wildcards typed are plain characters.
  assert.deepEqual(await ids({ q: "50%" }), [near]);
  assert.deepEqual(await ids({ q: "_" }), []);
  assert.deepEqual(await ids({ reciprocity: "gift" }), [need]);
  assert.deepEqual(await ids({ from: "2027-01-15" }), [later, need, far, near]);
  assert.deepEqual(await ids({ from: "2026-01-01", until: "2026-06-01" }), [need, far, near]);
  const madrid = await searchProposals(f.ctx, {
    category: "search-test",
    near: { latitude: 40.4168, longitude: -3.7038, km: 50 },
  });
  assert.ok(madrid.ok);
  assert.deepEqual(madrid.items.map((p) => p.id).sort(), [need, near].sort());
  assert.ok(madrid.items.every((p) => (p.distanceKm ?? 99) < 5));
  const page1 = await searchProposals(f.ctx, { category: "search-test", limit: 3 });
  assert.ok(page1.ok && page1.next);
  const page2 = await searchProposals(f.ctx, {
    category: "search-test",
    limit: 3,
    maxId: page1.next,
  });
  assert.ok(page2.ok);
  assert.deepEqual(
    page2.items.map((p) => p.id),
    [near],
  );
  assert.equal(page2.next, null);
  for (const bad of [
    { limit: 1000 },
    { near: { latitude: 100, longitude: 0, km: 1 } },
    { from: "2027-02-01", until: "2027-01-01" },
    { purpose: "x" },
  ])
    assert.equal((await searchProposals(f.ctx, bad as never)).ok, false, JSON.stringify(bad));
});

test("watchers of a category are told of a new local or federated match, not of their own", async () => {
  const w = await addWatch(f.ctx, as(ada), { category: "honey" });
  assert.ok(w.ok);
  assert.deepEqual(await addWatch(f.ctx, as(ada), { category: "honey" }), w);
  const offersOnly = await addWatch(f.ctx, as(cyd), { category: "honey", purpose: "offer" });
  assert.ok(offersOnly.ok);
  assert.deepEqual(await addWatch(f.ctx, as(ada), { category: "" }), {
    ok: false,
    reason: "invalid",
  });
  assert.deepEqual(await addWatch(f.ctx, as(ada), { specId: "nope" }), {
    ok: false,
    reason: "unknown-spec",
  });
  const told = (m: LocalMember) =>
    f.handle.db
      .selectFrom("notifications")
      .select("from_uri")
      .where("account_id", "=", m.id)
      .where("type", "=", "economy_match")
      .execute();
  const made = await publishProposal(
    f.ctx,
    as(bea),
    offer({ category: "honey", name: "Heather honey" }),
  );
  assert.ok(made.ok);
  const need = await publishProposal(
    f.ctx,
    as(cyd),
    offer({ purpose: "request", category: "honey", name: "Jars of honey" }),
  );
  assert.ok(need.ok);
  assert.deepEqual(
    (await told(ada)).map((n) => n.from_uri).sort(),
    [made.value.uri, need.value.uri].sort(),
  );
  assert.deepEqual(
    (await told(cyd)).map((n) => n.from_uri),
    [made.value.uri],
  );
  // A copy received from another node (agreements' receiveRemoteProposal stores it) tells them too.
  const copy = {
    id: "0190a000-0000-7000-8000-000000000001",
    uri: "https://other.example/economy/proposals/1",
    local: 0,
    purpose: "offer" as const,
    agent_uri: "https://other.example/users/coop",
    agent_kind: "coop" as const,
    account_id: null,
    group_uri: null,
    spec_id: null,
    spec_uri: "https://other.example/economy/proposals/1#resource",
    name: "Mountain honey",
    note: "",
    category: "honey",
    unit: "kilogram",
    quantity: 5000,
    available: 5000,
    minimum: 0,
    place_name: "",
    latitude: null,
    longitude: null,
    available_from: null,
    available_until: null,
    reciprocity: "credit" as const,
    unit_price: 900,
    currency: "ECO",
    action: "transfer" as const,
    images: "[]",
    status: "open" as const,
    published_at: "2026-03-01T10:00:00.000Z",
    created_at: "2026-03-01T10:00:00.000Z",
    updated_at: "2026-03-01T10:00:00.000Z",
  };
  const toldOfCopy = await f.handle.db.transaction().execute(async (trx) => {
    await trx.insertInto("econ_proposals").values(copy).execute();
    return notifyWatchers(trx, f.ctx, copy);
  });
  assert.equal(toldOfCopy, 2);
  assert.equal((await told(ada)).length, 3);
  assert.equal((await told(cyd)).length, 2);
  assert.equal((await watchesOf(f.ctx, ada.id)).length, 1);
  assert.deepEqual(await removeWatch(f.ctx, as(bea), w.value.id), {
    ok: false,
    reason: "not-found",
  });
  assert.ok((await removeWatch(f.ctx, as(ada), w.value.id)).ok);
});

test("reports reach the moderators, who hide and show a proposal", async () => {
  const made = await publishProposal(
    f.ctx,
    as(bea),
    offer({ name: "Suspicious pills", category: "health" }),
  );
  assert.ok(made.ok);
  assert.deepEqual(
    await reportProposal(f.ctx, as(cyd), { proposalId: made.value.id, comment: "" }),
    {
      ok: false,
      reason: "bad-comment",
    },
  );
  assert.ok(
    (
      await reportProposal(f.ctx, as(cyd), {
        proposalId: made.value.id,
        comment: "Not allowed here",
      })
    ).ok,
  );
  assert.deepEqual(
    await setProposalHidden(f.ctx, as(cyd), { proposalId: made.value.id, hidden: true }),
    {
      ok: false,
      reason: "forbidden",
    },
  );
  assert.ok(
    (await setProposalHidden(f.ctx, as(ada), { proposalId: made.value.id, hidden: true })).ok,
  );
  const found = await searchProposals(f.ctx, { category: "health" });
  assert.ok(found.ok);
  assert.equal(found.items.length, 0);
  const report = await f.handle.db
    .selectFrom("reports")
    .select(["resolved_at", "target_uri"])
    .executeTakeFirstOrThrow();
  assert.equal(report.target_uri, made.value.uri);
  assert.ok(report.resolved_at);
  assert.ok(
    (await setProposalHidden(f.ctx, as(ada), { proposalId: made.value.id, hidden: false })).ok,
  );
  assert.equal((await proposalById(f.ctx, made.value.id))?.status, "open");
});

test("forwarding: only a copy's report goes out; a forwarded report comes in once, on our own", async () => {
  const made = await publishProposal(f.ctx, as(bea), offer({ name: "Quinces", category: "fruit" }));
  assert.ok(made.ok);
  const here = await reportProposal(f.ctx, as(cyd), {
    proposalId: made.value.id,
    comment: "Not quinces",
    forward: true,
  });
  assert.ok(here.ok);
  assert.equal(here.value.forwarded, false, "our own proposal has no other node to tell");
  const sent = await f.handle.db
    .selectFrom("outbox_events")
    .select("id")
    .where("type", "=", "economy.proposal.report.forwarded")
    .execute();
  assert.equal(sent.length, 0);
  const flag = {
    uri: "https://elsewhere.example/activities/1",
    reporterUri: "https://elsewhere.example/users/coop",
    proposalUri: made.value.uri,
    comment: "Seen from elsewhere",
  };
  assert.equal(await receiveProposalReport(f.ctx, flag), true);
  assert.equal(await receiveProposalReport(f.ctx, flag), false, "a Flag seen twice");
  assert.equal(
    await receiveProposalReport(f.ctx, {
      ...flag,
      uri: "https://elsewhere.example/activities/2",
      proposalUri: "https://elsewhere.example/economy/proposals/theirs",
    }),
    false,
    "about nothing of ours",
  );
  const filed = await f.handle.db
    .selectFrom("reports")
    .select(["comment", "reporter_uri", "reporter_account_id", "uri"])
    .where("target_uri", "=", made.value.uri)
    .orderBy("id")
    .execute();
  assert.deepEqual(
    filed.map((r) => [r.comment, r.reporter_uri, r.reporter_account_id, r.uri]),
    [
      ["Not quinces", memberUri(ORIGIN, cyd.username), cyd.id, null],
      ["Seen from elsewhere", flag.reporterUri, null, flag.uri],
    ],
  );
});

test("export holds a member's proposals and watches; deletion withdraws theirs and keeps the co-op's", async () => {
  const dee = await f.member("dee", "admin");
  const own = await publishProposal(
    f.ctx,
    as(dee),
    offer({ name: "Dee's jam", category: "preserves" }),
  );
  const coop = await publishProposal(
    f.ctx,
    as(dee),
    offer({ asCoop: true, name: "Co-op jam", category: "preserves" }),
  );
  assert.ok(own.ok && coop.ok);
  assert.ok((await addWatch(f.ctx, as(dee), { category: "preserves" })).ok);
  const data = (await marketContributor(ORIGIN).export(f.handle.db, dee.id)) as {
    proposals: { name: string }[];
    watches: unknown[];
  };
  assert.deepEqual(data.proposals.map((p) => p.name).sort(), ["Co-op jam", "Dee's jam"]);
  assert.equal(data.watches.length, 1);
  await f.handle.db
    .transaction()
    .execute((trx) => marketContributor(ORIGIN).erase(trx, dee.id, new Date().toISOString()));
  assert.equal((await proposalById(f.ctx, own.value.id))?.status, "withdrawn");
  const kept = await proposalById(f.ctx, coop.value.id);
  assert.equal(kept?.status, "open");
  assert.equal(kept?.account_id, null);
  assert.equal((await watchesOf(f.ctx, dee.id)).length, 0);
  assert.ok(
    (await f.events("economy.proposal.deleted")).some((e) => e.proposalId === own.value.id),
  );
});
