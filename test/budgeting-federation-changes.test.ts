/**
 * Issue 19's follow-ups across three real nodes (127.0.197.x): a federation
 * hosted on A with the co-ops of B and C as members (docs/budgeting.md,
 * "Changing a proposal from a copy", "Refusals" and "Comments").
 *
 * - bea (B) proposes in B's copy, edits it there and the edit reaches A and
 *   C's copy; a co-op on another node cannot change it; she withdraws it from B
 *   and every copy shows it withdrawn.
 * - A refuses a proposal and an edit it may not take (its phase moved on):
 *   B's copy marks the proposal refused with the reason, and bea is notified
 *   with a link that says why.
 * - Comments: bea comments on B, cyd on C, ana on A; every node shows each
 *   thread; ana removes bea's comment as moderator and cyd removes her own on
 *   C, and both go everywhere; a stranger's comment is not taken.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { waitFor } from "../src/federation/testing.ts";
import { postComment, removeComment } from "../src/governance/budgeting/processes/comments.ts";
import { createProcess } from "../src/governance/budgeting/processes/processes.ts";
import { proposeProject } from "../src/governance/budgeting/processes/projects.ts";
import { joinWithOurCoop } from "../src/groups/federations.ts";
import { createGroup, type Group } from "../src/groups/groups.ts";
import { memberClient } from "./api-helpers.ts";
import { joinFederationOn } from "./support/federations.ts";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";
import { type RemoteActor, startRemoteActor } from "./support/remote-actor.ts";

type Member = { id: string; username: string };
let a: TestNode;
let b: TestNode;
let c: TestNode;
let evil: RemoteActor;
let ana: Member;
let bea: Member;
let cyd: Member;
let beaIn: SignedIn;
let cydIn: SignedIn;
let fednet: Group;
const stops: (() => Promise<void>)[] = [];
const SLOW = 120_000;
const waitLong = <T>(what: string, check: () => Promise<T>) => waitFor(what, check, SLOW);
const anaVoter = () => ({ uri: `${a.url}/users/ana`, accountId: ana.id });

before(async () => {
  const env = { SYNCO_LOG_LEVEL: process.env.BUDGETING_LOG ?? "error" };
  [a, b, c] = await Promise.all([
    startTestNode({ host: "127.0.197.1", env }),
    startTestNode({ host: "127.0.197.2", env }),
    startTestNode({ host: "127.0.197.3", env }),
  ]);
  for (const n of [a, b, c]) stops.push(await n.node.startWorker());
  evil = await startRemoteActor("127.0.197.9", "coop", { type: "Organization" });
  ana = await createMember(a, { username: "ana", password: "password123", role: "admin" });
  const ben = await createMember(b, { username: "ben", password: "password123", role: "admin" });
  bea = await createMember(b, { username: "bea", password: "password123" });
  const cal = await createMember(c, { username: "cal", password: "password123", role: "admin" });
  cyd = await createMember(c, { username: "cyd", password: "password123" });
  beaIn = await signIn(b, "bea", "password123");
  cydIn = await signIn(c, "cyd", "password123");
  const made = await createGroup(socialOf(a), ana, {
    name: "fednet",
    kind: "federation",
    displayName: "Federation",
    visibility: "public",
    moderated: false,
    votingMode: "direct",
  });
  assert.ok(made.ok, JSON.stringify(made));
  fednet = made.value;
  assert.ok((await joinWithOurCoop(socialOf(a), ana, { group: fednet })).ok);
  await joinFederationOn(a, b, ben, "fednet");
  await joinFederationOn(a, c, cal, "fednet");
});

after(async () => {
  for (const stop of stops) await stop();
  evil?.close();
  await Promise.all([a, b, c].filter(Boolean).map((n) => n.close()));
});

async function openProcess(title: string) {
  const made = await createProcess(socialOf(a), anaVoter(), {
    groupId: fednet.id,
    process: {
      title,
      description: "What the federation builds next year",
      currency: "EUR",
      rule: "mes-add1",
      districts: [{ name: "North", budget: 10_000 }],
      categories: [],
    },
  });
  assert.ok(made.ok, JSON.stringify(made));
  const id = made.value.id;
  const { uri } = await a.node.db.db
    .selectFrom("pb_processes")
    .select("uri")
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  const anas = await proposeProject(socialOf(a), anaVoter(), {
    processId: id,
    project: {
      districtId: (
        await a.node.db.db
          .selectFrom("pb_districts")
          .select("id")
          .where("process_id", "=", id)
          .executeTakeFirstOrThrow()
      ).id,
      title: "Benches",
      description: "Benches in the square",
      cost: 3_000,
    },
  });
  assert.ok(anas.ok);
  return { id, uri, benches: anas.value.id };
}

/** The copy of a process on a node, once it has a project of that title. */
async function copyOn(n: TestNode, uri: string, title = "Benches") {
  return waitLong(`the copy on ${n.domain}`, async () => {
    const row = await n.node.db.db
      .selectFrom("pb_processes")
      .select(["id", "local"])
      .where("uri", "=", uri)
      .executeTakeFirst();
    if (!row || row.local) return undefined;
    const project = await n.node.db.db
      .selectFrom("pb_projects")
      .select("id")
      .where("process_id", "=", row.id)
      .where("title", "=", title)
      .executeTakeFirst();
    return project ? { id: row.id, project: project.id } : undefined;
  });
}

const districtOf = async (n: TestNode, processId: string) =>
  (
    await n.node.db.db
      .selectFrom("pb_districts")
      .select("id")
      .where("process_id", "=", processId)
      .executeTakeFirstOrThrow()
  ).id;

function proposalForm(district: string, title: string, cost: string) {
  const form = new FormData();
  form.set("title", title);
  form.set("description", `${title}, by the school`);
  form.set("cost", cost);
  form.set("districtId", district);
  form.set("location", "School street");
  return form;
}

const projectOn = (n: TestNode, processId: string, title: string) =>
  n.node.db.db
    .selectFrom("pb_projects")
    .selectAll()
    .where("process_id", "=", processId)
    .where("title", "=", title)
    .executeTakeFirst();

test("bea edits and withdraws her proposal from B's copy; A and C's copy follow; another co-op cannot change it", async () => {
  const p = await openProcess("Parks");
  const onB = await copyOn(b, p.uri);
  const onC = await copyOn(c, p.uri);
  const sent = await beaIn.postMultipart(
    `/budgets/${onB.id}/propose`,
    proposalForm(await districtOf(b, onB.id), "Fountain", "25"),
  );
  assert.equal(sent.status, 303, await sent.text());
  const mine = await projectOn(b, onB.id, "Fountain");
  assert.ok(mine?.proposal_uri);
  const adb = a.node.db.db;
  const onA = await waitLong("A stores bea's proposal", () =>
    adb
      .selectFrom("pb_projects")
      .selectAll()
      .where("proposal_uri", "=", mine.proposal_uri)
      .executeTakeFirst(),
  );
  await waitLong("C's copy shows it", () => projectOn(c, onC.id, "Fountain"));
  await waitLong("B's row becomes A's project", async () => {
    const row = await projectOn(b, onB.id, "Fountain");
    return row?.uri === onA.uri;
  });

  // The edit page is hers only.
  const cydIsNotHer = await memberClient(b, "bob");
  const notHers = await fetch(`${b.url}/api/synco/v1/budgets/${onB.id}/projects/${mine.id}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${cydIsNotHer.token}`, "content-type": "application/json" },
    body: JSON.stringify({
      district_id: mine.district_id,
      title: "Mine now",
      description: "x",
      cost: 100,
    }),
  });
  assert.equal(notHers.status, 403);
  const editPage = await beaIn.get(`/budgets/${onB.id}/projects/${mine.id}/edit`);
  assert.equal(editPage.status, 200);
  assert.ok((await editPage.text()).includes(`hosted by ${a.domain}`));
  const bad = await beaIn.postMultipart(
    `/budgets/${onB.id}/projects/${mine.id}/edit`,
    proposalForm(mine.district_id, "Drinking fountain", "999999"),
  );
  assert.equal(bad.status, 422, "over the district's budget");
  const edited = await beaIn.postMultipart(
    `/budgets/${onB.id}/projects/${mine.id}/edit`,
    proposalForm(mine.district_id, "Drinking fountain", "30"),
  );
  assert.equal(edited.status, 303, await edited.text());
  await waitLong("A takes the edit", async () => {
    const row = await adb
      .selectFrom("pb_projects")
      .select(["title", "cost", "proposed_by_uri", "status"])
      .where("id", "=", onA.id)
      .executeTakeFirst();
    return row?.title === "Drinking fountain" && row.cost === 3_000 ? row : undefined;
  });
  await waitLong("C's copy shows the edit", () => projectOn(c, onC.id, "Drinking fountain"));
  assert.equal((await projectOn(b, onB.id, "Drinking fountain"))?.id, mine.id, "the same row on B");

  // A co-op on another node cannot change bea's proposal (nor withdraw it).
  const groupUri = `${a.url}/groups/fednet`;
  for (const [type, n] of [
    ["Update", 1],
    ["Delete", 2],
  ] as const) {
    const res = await fetch(
      await evil.signed(`${a.url}/inbox`, {
        "@context": "https://www.w3.org/ns/activitystreams",
        id: `${evil.url}/activities/change-${n}`,
        type,
        actor: evil.id,
        object: mine.proposal_uri,
        to: groupUri,
      }),
    );
    assert.ok(res.status === 202 || res.status === 200, String(res.status));
  }
  await waitFor(
    "A's inbox queue is empty",
    async () => !(await adb.selectFrom("queue_messages").select("id").executeTakeFirst()),
    SLOW,
  );
  const still = await adb
    .selectFrom("pb_projects")
    .select(["title", "status"])
    .where("id", "=", onA.id)
    .executeTakeFirstOrThrow();
  assert.deepEqual(still, { title: "Drinking fountain", status: "proposed" });

  // bea withdraws from B's page: A and every copy show it withdrawn.
  const page = await (await beaIn.get(`/budgets/${onB.id}/projects/${mine.id}`)).text();
  assert.ok(page.includes(`/budgets/${onB.id}/projects/${mine.id}/withdraw`));
  const gone = await beaIn.post(`/budgets/${onB.id}/projects/${mine.id}/withdraw`, {});
  assert.equal(gone.status, 303);
  await waitLong("A withdraws it", async () => {
    const row = await adb
      .selectFrom("pb_projects")
      .select("status")
      .where("id", "=", onA.id)
      .executeTakeFirst();
    return row?.status === "withdrawn";
  });
  await waitLong("C's copy shows it withdrawn", async () => {
    const row = await projectOn(c, onC.id, "Drinking fountain");
    return row?.status === "withdrawn";
  });
  assert.equal((await projectOn(b, onB.id, "Drinking fountain"))?.status, "withdrawn");
});

test("A refuses a proposal and an edit it may not take: B marks it refused, bea is told why", async () => {
  const p = await openProcess("Streets");
  const onB = await copyOn(b, p.uri);
  const district = await districtOf(b, onB.id);
  const sent = await beaIn.postMultipart(
    `/budgets/${onB.id}/propose`,
    proposalForm(district, "Lamps", "20"),
  );
  assert.equal(sent.status, 303);
  const adb = a.node.db.db;
  const lamps = await projectOn(b, onB.id, "Lamps");
  assert.ok(lamps?.proposal_uri);
  const lampsOnA = await waitLong("A stores the lamps", () =>
    adb
      .selectFrom("pb_projects")
      .select("uri")
      .where("proposal_uri", "=", lamps.proposal_uri)
      .executeTakeFirst(),
  );
  // B has heard A's description with them (so no later refresh moves B's copy on).
  await waitLong("B's row becomes A's lamps", async () => {
    const row = await projectOn(b, onB.id, "Lamps");
    return row?.uri === lampsOnA.uri;
  });
  // A's process moves on before B's copy hears of it (no event: B still shows proposing).
  await adb.updateTable("pb_processes").set({ phase: "review" }).where("id", "=", p.id).execute();
  const late = await beaIn.postMultipart(
    `/budgets/${onB.id}/propose`,
    proposalForm(district, "Late idea", "10"),
  );
  assert.equal(late.status, 303);
  const lateRow = await projectOn(b, onB.id, "Late idea");
  assert.ok(lateRow);
  const bdb = b.node.db.db;
  const refused = await waitLong("B marks the late proposal refused", async () => {
    const row = await bdb
      .selectFrom("pb_projects")
      .select(["status", "review_note"])
      .where("id", "=", lateRow.id)
      .executeTakeFirst();
    return row?.status === "refused" ? row : undefined;
  });
  assert.equal(refused.review_note, "wrong-phase");
  assert.equal(
    (await adb.selectFrom("pb_projects").select("id").where("title", "=", "Late idea").execute())
      .length,
    0,
    "nothing stored on A",
  );
  const told = await waitLong("bea is notified", () =>
    bdb
      .selectFrom("notifications")
      .select(["from_uri"])
      .where("account_id", "=", bea.id)
      .where("type", "=", "budget_refused")
      .execute()
      .then((rows) => (rows.length ? rows : undefined)),
  );
  assert.deepEqual(
    told.map((n) => n.from_uri),
    [`${b.url}/budgets/${onB.id}/projects/${lateRow.id}?refused=proposal.wrong-phase`],
  );
  const refusedPage = await (
    await beaIn.get(`/budgets/${onB.id}/projects/${lateRow.id}?refused=proposal.wrong-phase`)
  ).text();
  assert.ok(refusedPage.includes("Refused by the host"), "the state");
  assert.ok(refusedPage.includes("The process no longer takes this"), "why");
  assert.ok(refusedPage.includes(`${a.domain} did not take your proposal.`));
  const notices = await (await beaIn.get("/notifications")).text();
  assert.ok(notices.includes("refused what you sent"), "the notice reads in words");

  // An edit A may no longer take (it is in review there): refused, the row on A unchanged.
  const edited = await beaIn.postMultipart(
    `/budgets/${onB.id}/projects/${lamps.id}/edit`,
    proposalForm(lamps.district_id, "Bright lamps", "20"),
  );
  assert.equal(edited.status, 303);
  await waitLong("bea hears the edit was refused", async () =>
    (
      await bdb
        .selectFrom("notifications")
        .select("from_uri")
        .where("account_id", "=", bea.id)
        .where("type", "=", "budget_refused")
        .execute()
    ).some((n) => n.from_uri.endsWith(`/projects/${lamps.id}?refused=edit.wrong-phase`)),
  );
  assert.ok(
    await adb
      .selectFrom("pb_projects")
      .select("id")
      .where("title", "=", "Lamps")
      .executeTakeFirst(),
    "A keeps the lamps as they were",
  );
});

test("comments travel between A, B and C; removals follow; a stranger's comment is not taken", async () => {
  const p = await openProcess("Squares");
  const onB = await copyOn(b, p.uri);
  const onC = await copyOn(c, p.uri);
  const adb = a.node.db.db;
  const bdb = b.node.db.db;
  const cdb = c.node.db.db;
  const thread = (n: TestNode, projectId: string) =>
    n.node.db.db
      .selectFrom("pb_comments")
      .select(["uri", "author_uri", "content", "removed_at"])
      .where("project_id", "=", projectId)
      .orderBy("id")
      .execute();

  // bea comments on B's page; bad input first.
  const empty = await beaIn.post(`/budgets/${onB.id}/projects/${onB.project}/comments`, {
    content: "   ",
  });
  assert.equal(empty.status, 422);
  const long = await beaIn.post(`/budgets/${onB.id}/projects/${onB.project}/comments`, {
    content: "x".repeat(5001),
  });
  assert.equal(long.status, 422);
  assert.equal((await thread(b, onB.project)).length, 0);
  const posted = await beaIn.post(`/budgets/${onB.id}/projects/${onB.project}/comments`, {
    content: "Could they be <b>wooden</b>?\n\nAnd shaded.",
  });
  assert.equal(posted.status, 303, await posted.text());
  const [beas] = await thread(b, onB.project);
  assert.ok(beas);
  assert.ok(beas.uri.startsWith(`${b.url}/pb-comments/`));
  await waitLong("A has bea's comment", async () =>
    (await thread(a, p.benches)).find((x) => x.uri === beas.uri),
  );
  await waitLong("C has bea's comment", async () =>
    (await thread(c, onC.project)).find((x) => x.uri === beas.uri),
  );
  const onAComment = (await thread(a, p.benches))[0];
  assert.equal(onAComment?.author_uri, `${b.url}/users/bea`);
  assert.equal(onAComment?.content, "Could they be <b>wooden</b>?\n\nAnd shaded.");

  // cyd comments on C's page, dan through C's API, ana on A.
  assert.equal(
    (
      await cydIn.post(`/budgets/${onC.id}/projects/${onC.project}/comments`, {
        content: "Yes, please!",
      })
    ).status,
    303,
  );
  const cyds = (await thread(c, onC.project)).find((x) => x.author_uri === `${c.url}/users/cyd`);
  assert.ok(cyds);
  const danApi = await memberClient(c, "dan");
  const apiUrl = `${c.url}/api/synco/v1/budgets/${onC.id}/projects/${onC.project}/comments`;
  const asDan = { authorization: `Bearer ${danApi.token}`, "content-type": "application/json" };
  const viaApi = await fetch(apiUrl, {
    method: "POST",
    headers: asDan,
    body: JSON.stringify({ content: "Near the fountain?" }),
  });
  const answer = await viaApi.text();
  assert.equal(viaApi.status, 201, answer);
  const dans = JSON.parse(answer) as { id: string; uri: string; content: string };
  assert.equal(dans.content, "Near the fountain?");
  const badApi = await fetch(apiUrl, {
    method: "POST",
    headers: asDan,
    body: JSON.stringify({ content: "" }),
  });
  assert.equal(badApi.status, 422);
  const cydsOnC = await c.node.db.db
    .selectFrom("pb_comments")
    .select("id")
    .where("uri", "=", cyds.uri)
    .executeTakeFirstOrThrow();
  const notDans = await fetch(`${apiUrl}/${cydsOnC.id}`, { method: "DELETE", headers: asDan });
  assert.equal(notDans.status, 403, "only its author (or the host's moderators)");
  const anas = await postComment(socialOf(a), anaVoter(), {
    projectId: p.benches,
    content: "We will look at wood.",
  });
  assert.ok(anas.ok);
  for (const [n, projectId] of [
    [a, p.benches],
    [b, onB.project],
    [c, onC.project],
  ] as const)
    await waitLong(`${n.domain} has all four`, async () =>
      (await thread(n, projectId)).filter((x) => !x.removed_at).length === 4 ? true : undefined,
    );
  // B's page and API show the thread, authors named.
  const bPage = await (await beaIn.get(`/budgets/${onB.id}/projects/${onB.project}`)).text();
  assert.ok(bPage.includes("4 comments"));
  assert.ok(bPage.includes("Yes, please!") && bPage.includes("We will look at wood."));
  assert.ok(bPage.includes("&lt;b&gt;wooden&lt;/b&gt;"), "escaped");
  const listed = (await (
    await fetch(`${b.url}/api/synco/v1/budgets/${onB.id}/projects/${onB.project}/comments`, {
      headers: { authorization: `Bearer ${(await memberClient(b, "bob2")).token}` },
    })
  ).json()) as { content: string; author: { acct: string } }[];
  assert.deepEqual(listed.map((x) => x.content).sort(), [
    "Could they be <b>wooden</b>?\n\nAnd shaded.",
    "Near the fountain?",
    "We will look at wood.",
    "Yes, please!",
  ]);

  // ana removes bea's comment as the group's moderator: gone everywhere.
  const beasOnA = await adb
    .selectFrom("pb_comments")
    .select("id")
    .where("uri", "=", beas.uri)
    .executeTakeFirstOrThrow();
  assert.ok((await removeComment(socialOf(a), anaVoter(), { commentId: beasOnA.id })).ok);
  for (const [n, db] of [
    [b, bdb],
    [c, cdb],
  ] as const)
    await waitLong(`${n.domain} removes bea's comment`, async () => {
      const row = await db
        .selectFrom("pb_comments")
        .select(["removed_at", "content"])
        .where("uri", "=", beas.uri)
        .executeTakeFirst();
      return row?.removed_at && row.content === "" ? true : undefined;
    });

  // cyd removes her own on C's page: A and B drop it.
  const cydOnC = cydsOnC;
  const notMine = await beaIn.post(
    `/budgets/${onB.id}/projects/${onB.project}/comments/${cydOnC.id}/remove`,
    {},
  );
  assert.equal(notMine.status, 404, "an id of another node's row is not B's");
  const removed = await cydIn.post(
    `/budgets/${onC.id}/projects/${onC.project}/comments/${cydOnC.id}/remove`,
    {},
  );
  assert.equal(removed.status, 303);
  for (const [n, db] of [
    [a, adb],
    [b, bdb],
  ] as const)
    await waitLong(`${n.domain} removes cyd's comment`, async () => {
      const row = await db
        .selectFrom("pb_comments")
        .select("removed_at")
        .where("uri", "=", cyds.uri)
        .executeTakeFirst();
      return row?.removed_at ? true : undefined;
    });

  // A stranger (no member co-op of fednet) comments: nothing is kept.
  const benchesUri = (
    await adb
      .selectFrom("pb_projects")
      .select("uri")
      .where("id", "=", p.benches)
      .executeTakeFirstOrThrow()
  ).uri;
  const res = await fetch(
    await evil.signed(`${a.url}/inbox`, {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${evil.url}/activities/c1`,
      type: "Create",
      actor: evil.id,
      object: {
        id: `${evil.url}/notes/1`,
        type: "Note",
        attributedTo: `${evil.url}/users/eve`,
        inReplyTo: benchesUri,
        content: "<p>spam</p>",
        to: `${a.url}/groups/fednet`,
      },
      to: `${a.url}/groups/fednet`,
    }),
  );
  assert.ok(res.status === 202 || res.status === 200);
  await waitFor(
    "A's inbox queue is empty",
    async () => !(await adb.selectFrom("queue_messages").select("id").executeTakeFirst()),
    SLOW,
  );
  assert.equal((await thread(a, p.benches)).filter((x) => x.uri.startsWith(evil.url)).length, 0);
});
