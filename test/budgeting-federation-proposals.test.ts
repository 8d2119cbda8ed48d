/**
 * Proposing across nodes, pictures and phase notices in copies (docs/budgeting.md,
 * "Proposing from another co-op"), on two real nodes (127.0.194.x): a
 * federation hosted on A with B's co-op as a member. A member of B proposes a
 * project, with a picture, in B's copy through the page; B's co-op sends it to
 * A, which stores it as a proposal (the proposer named, the picture by URL
 * through A's remote media cache); A's moderator finds it feasible and the
 * project comes back in B's copy, as the same row. A's own project's picture
 * reaches B's copy and is shown through B's cache. When A moves the process
 * on, B's members are notified by their node. Hostile proposals — from a node
 * that is no member co-op, over the budget, in an unknown district, with a
 * proposer elsewhere, a non-http picture, a second Create, or after
 * proposing closed — store nothing.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { DOCUMENT_CONTEXT } from "../src/federation/budgeting/vocab.ts";
import { waitFor } from "../src/federation/testing.ts";
import { advancePhase } from "../src/governance/budgeting/processes/phases.ts";
import { createProcess } from "../src/governance/budgeting/processes/processes.ts";
import { proposeProject } from "../src/governance/budgeting/processes/projects.ts";
import { reviewProject } from "../src/governance/budgeting/processes/review.ts";
import { joinWithOurCoop } from "../src/groups/federations.ts";
import { createGroup, type Group } from "../src/groups/groups.ts";
import { storeImage } from "../src/storage/images.ts";
import { remoteMediaUrl } from "../src/storage/remote-media.ts";
import { memberClient } from "./api-helpers.ts";
import { joinFederationOn } from "./support/federations.ts";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";
import { type RemoteActor, startRemoteActor } from "./support/remote-actor.ts";

type Member = { id: string; username: string };
let a: TestNode;
let b: TestNode;
let evil: RemoteActor;
let mallory: RemoteActor;
let ana: Member;
let bea: Member;
let beaIn: SignedIn;
let fednet: Group;
const stops: (() => Promise<void>)[] = [];
const SLOW = 120_000;
const waitLong = <T>(what: string, check: () => Promise<T>) => waitFor(what, check, SLOW);
const anaVoter = () => ({ uri: `${a.url}/users/ana`, accountId: ana.id });

async function png(red: number) {
  const sharp = (await import("sharp")).default;
  return sharp({
    create: { width: 8, height: 6, channels: 3, background: { r: red, g: 40, b: 40 } },
  })
    .png()
    .toBuffer();
}

before(async () => {
  const env = { SYNCO_LOG_LEVEL: process.env.BUDGETING_LOG ?? "error" };
  [a, b] = await Promise.all([
    startTestNode({ host: "127.0.194.1", env }),
    startTestNode({ host: "127.0.194.2", env }),
  ]);
  for (const n of [a, b]) stops.push(await n.node.startWorker());
  [evil, mallory] = await Promise.all([
    startRemoteActor("127.0.194.9", "coop", { type: "Organization" }),
    startRemoteActor("127.0.194.10", "mallory"),
  ]);
  ana = await createMember(a, { username: "ana", password: "password123", role: "admin" });
  const ben = await createMember(b, { username: "ben", password: "password123", role: "admin" });
  bea = await createMember(b, { username: "bea", password: "password123" });
  beaIn = await signIn(b, "bea", "password123");
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
  const res = await fetch(
    await evil.signed(`${a.url}/inbox`, {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${evil.url}/follows/1`,
      type: "Follow",
      actor: evil.id,
      object: `${a.url}/groups/fednet`,
    }),
  );
  assert.equal(res.status, 202);
  await waitFor(
    "the fake co-op is a member co-op",
    async () =>
      !!(await a.node.db.db
        .selectFrom("group_members")
        .select("id")
        .where("group_id", "=", fednet.id)
        .where("actor_uri", "=", evil.id)
        .where("status", "=", "active")
        .executeTakeFirst()),
  );
});

after(async () => {
  for (const stop of stops) await stop();
  evil?.close();
  mallory?.close();
  await Promise.all([a, b].filter(Boolean).map((n) => n.close()));
});

/** ana opens a process in fednet (phase proposing) and proposes one project with a picture. */
async function openProcess(title: string) {
  const made = await createProcess(socialOf(a), anaVoter(), {
    groupId: fednet.id,
    process: {
      title,
      description: "What the federation builds next year",
      currency: "EUR",
      rule: "mes-add1",
      districts: [{ name: "North", budget: 10_000 }],
      categories: ["Green"],
    },
  });
  assert.ok(made.ok, JSON.stringify(made));
  const id = made.value.id;
  const db = a.node.db.db;
  const { uri } = await db
    .selectFrom("pb_processes")
    .select("uri")
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
  const district = await db
    .selectFrom("pb_districts")
    .select("id")
    .where("process_id", "=", id)
    .executeTakeFirstOrThrow();
  return { id, uri, north: district.id };
}

async function copyOn(n: TestNode, uri: string, check: (id: string) => Promise<boolean>) {
  return waitLong(`the copy on ${n.domain}`, async () => {
    const row = await n.node.db.db
      .selectFrom("pb_processes")
      .select(["id", "local"])
      .where("uri", "=", uri)
      .executeTakeFirst();
    return row && !row.local && (await check(row.id)) ? row.id : undefined;
  });
}

test("a member of B proposes in B's copy; A stores it as a proposal; it comes back in B's copy; pictures travel; B's members hear of phase changes", async () => {
  const p = await openProcess("Parks");
  const image = await storeImage(
    a.node.db.db,
    a.node.config,
    { bytes: new Uint8Array(await png(200)), purpose: "attachment", ownerId: ana.id },
    a.node.federation.deps.clock,
  );
  assert.ok(image.ok);
  const anas = await proposeProject(socialOf(a), anaVoter(), {
    processId: p.id,
    project: {
      districtId: p.north,
      title: "Benches",
      description: "Benches in the square",
      cost: 3_000,
      images: [{ mediaId: image.value.id, alt: "A red bench" }],
    },
  });
  assert.ok(anas.ok, JSON.stringify(anas));
  const bdb = b.node.db.db;
  const copyId = await copyOn(b, p.uri, async (id) => {
    const x = await bdb
      .selectFrom("pb_projects")
      .select("remote_images")
      .where("process_id", "=", id)
      .where("title", "=", "Benches")
      .executeTakeFirst();
    return !!x && x.remote_images.includes("A red bench");
  });
  // A's picture reaches B's copy by URL, and B's page shows it through B's cache.
  const benches = await bdb
    .selectFrom("pb_projects")
    .selectAll()
    .where("process_id", "=", copyId)
    .where("title", "=", "Benches")
    .executeTakeFirstOrThrow();
  const [pictureOfA] = JSON.parse(benches.remote_images) as { url: string; alt: string }[];
  assert.ok(pictureOfA?.url.startsWith(`${a.url}/media/`), JSON.stringify(pictureOfA));
  if (!pictureOfA) return;
  const benchesPage = await (await beaIn.get(`/budgets/${copyId}/projects/${benches.id}`)).text();
  assert.ok(
    benchesPage.includes(`src="${remoteMediaUrl(pictureOfA.url)}"`),
    "shown through B's cache",
  );
  const cached = await beaIn.get(remoteMediaUrl(pictureOfA.url));
  assert.equal(cached.status, 200);
  assert.match(cached.headers.get("content-type") ?? "", /^image\//);

  // bea proposes through B's page, with a picture; the page says where it goes.
  const form = await (await beaIn.get(`/budgets/${copyId}/propose`)).text();
  assert.ok(form.includes(`hosted by ${a.domain}`), "the page says the host reviews it");
  const copyNorth = (
    await bdb
      .selectFrom("pb_districts")
      .select("id")
      .where("process_id", "=", copyId)
      .executeTakeFirstOrThrow()
  ).id;
  const body = new FormData();
  body.set("title", "Fountain");
  body.set("description", "A drinking fountain by the school");
  body.set("cost", "25");
  body.set("districtId", copyNorth);
  body.set("location", "School street");
  body.set("image", new Blob([new Uint8Array(await png(40))], { type: "image/png" }), "f.png");
  body.set("imageAlt", "A blue fountain");
  const sent = await beaIn.postMultipart(`/budgets/${copyId}/propose`, body);
  assert.equal(sent.status, 303, await sent.text());
  const mine = await bdb
    .selectFrom("pb_projects")
    .selectAll()
    .where("process_id", "=", copyId)
    .where("title", "=", "Fountain")
    .executeTakeFirstOrThrow();
  assert.equal(mine.uri, mine.proposal_uri, "kept under its proposal id until the host has it");

  // Through the API too, for an app: bob proposes with coordinates.
  const bob = await memberClient(b, "bob");
  const viaApi = await fetch(`${b.url}/api/synco/v1/budgets/${copyId}/projects`, {
    method: "POST",
    headers: { authorization: `Bearer ${bob.token}`, "content-type": "application/json" },
    body: JSON.stringify({
      district_id: copyNorth,
      title: "Lights",
      description: "Lights on the path",
      cost: 1_000,
      latitude: 40.41,
      longitude: -3.7,
    }),
  });
  assert.equal(viaApi.status, 201, await viaApi.text());
  const bad = await fetch(`${b.url}/api/synco/v1/budgets/${copyId}/projects`, {
    method: "POST",
    headers: { authorization: `Bearer ${bob.token}`, "content-type": "application/json" },
    body: JSON.stringify({
      district_id: copyNorth,
      title: "Too dear",
      description: "x",
      cost: 99_999,
    }),
  });
  assert.equal(bad.status, 422, "over the district's budget");

  // A stores it as a proposal by bea, with her picture by URL (through A's cache).
  const adb = a.node.db.db;
  const onA = await waitLong("A stores bea's proposal", () =>
    adb
      .selectFrom("pb_projects")
      .selectAll()
      .where("process_id", "=", p.id)
      .where("proposal_uri", "=", mine.proposal_uri)
      .executeTakeFirst(),
  );
  assert.equal(onA.proposed_by_uri, `${b.url}/users/bea`);
  assert.equal(onA.status, "proposed");
  assert.equal(onA.account_id, null);
  assert.equal(onA.cost, 2_500);
  assert.equal(onA.location, "School street");
  assert.ok(onA.uri.startsWith(`${p.uri}/projects/`));
  const [pictureOfB] = JSON.parse(onA.remote_images) as { url: string; alt: string }[];
  assert.equal(pictureOfB?.alt, "A blue fountain");
  assert.ok(pictureOfB?.url.startsWith(`${b.url}/media/`));
  const anaIn = await signIn(a, "ana", "password123");
  const onAPage = await (await anaIn.get(`/budgets/${p.id}/projects/${onA.id}`)).text();
  assert.ok(onAPage.includes(remoteMediaUrl(pictureOfB.url)));
  const lights = await waitLong("A stores bob's proposal", () =>
    adb
      .selectFrom("pb_projects")
      .select(["proposed_by_uri", "latitude", "longitude"])
      .where("process_id", "=", p.id)
      .where("title", "=", "Lights")
      .executeTakeFirst(),
  );
  assert.deepEqual(lights, {
    proposed_by_uri: `${b.url}/users/bob`,
    latitude: 40.41,
    longitude: -3.7,
  });
  assert.equal(
    (await adb.selectFrom("pb_projects").select("id").where("title", "=", "Too dear").execute())
      .length,
    0,
  );

  // The host's description comes back: B's row becomes A's project (same row).
  await waitLong("B's row becomes A's project", async () => {
    const row = await bdb
      .selectFrom("pb_projects")
      .select("uri")
      .where("id", "=", mine.id)
      .executeTakeFirst();
    return row?.uri === onA.uri;
  });
  // Review on A: feasible reaches B's copy, and B's members are told of the phase.
  const notices = () =>
    bdb
      .selectFrom("notifications")
      .select(["account_id", "from_uri"])
      .where("type", "=", "budget_phase")
      .execute();
  assert.equal((await notices()).length, 0);
  assert.ok((await advancePhase(socialOf(a), anaVoter(), p.id, "review")).ok);
  assert.ok(
    (
      await reviewProject(socialOf(a), anaVoter(), {
        projectId: onA.id,
        review: { verdict: "feasible", note: "Good idea" },
      })
    ).ok,
  );
  await waitLong("the review reaches B", async () => {
    const row = await bdb
      .selectFrom("pb_projects")
      .select(["status", "review_note"])
      .where("id", "=", mine.id)
      .executeTakeFirst();
    return row?.status === "feasible" && row.review_note === "Good idea";
  });
  const told = await notices();
  // Every active member of B takes part in a federation's process (ben, bea and bob).
  const everyoneOnB = await bdb
    .selectFrom("accounts")
    .select("id")
    .where("status", "=", "active")
    .execute();
  assert.equal(everyoneOnB.length, 3);
  assert.deepEqual(new Set(told.map((n) => n.account_id)), new Set(everyoneOnB.map((x) => x.id)));
  assert.equal(told.length, 3, "once each");
  assert.ok(
    told.every((n) => n.from_uri === `${b.url}/budgets/${copyId}`),
    "links to B's copy",
  );
  const page = await (await beaIn.get(`/budgets/${copyId}/projects/${mine.id}`)).text();
  assert.ok(page.includes("Good idea"));
  assert.equal(
    (page.match(/class="pb-image"/g) ?? []).length,
    1,
    "her picture once, as B's upload",
  );
});

test("hostile proposals store nothing; an honest member co-op's proposal is stored once", async () => {
  const p = await openProcess("Streets");
  const db = a.node.db.db;
  const groupUri = `${a.url}/groups/fednet`;
  let n = 0;
  async function proposalFrom(who: RemoteActor, over: Record<string, unknown> = {}, path = "") {
    const at = path || `/pb-proposals/${++n}`;
    who.documents.set(at, {
      "@context": DOCUMENT_CONTEXT,
      id: `${who.url}${at}`,
      type: "BudgetProject",
      attributedTo: `${who.url}/users/eve`,
      to: [groupUri],
      process: p.uri,
      name: `Proposal ${n}`,
      content: "Something good",
      cost: 1_000,
      district: `${p.uri}#districts/${p.north}`,
      image: [{ type: "Image", url: `${who.url}/media/x.png`, name: "x" }],
      published: new Date().toISOString(),
      ...over,
    });
    const res = await fetch(
      await who.signed(`${a.url}/inbox`, {
        "@context": "https://www.w3.org/ns/activitystreams",
        id: `${who.url}/activities/p${++n}`,
        type: "Create",
        actor: who.id,
        object: `${who.url}${at}`,
        to: groupUri,
      }),
    );
    return res.status;
  }
  const stored = () =>
    db
      .selectFrom("pb_projects")
      .select(["title", "proposal_uri"])
      .where("process_id", "=", p.id)
      .orderBy("title")
      .execute();
  const drained = () =>
    waitFor(
      "A's inbox queue is empty",
      async () => !(await db.selectFrom("queue_messages").select("id").executeTakeFirst()),
    );
  // The proof that the others are looked at: the member co-op's honest proposal is stored.
  assert.equal(await proposalFrom(evil, {}, "/pb-proposals/honest"), 202);
  await waitLong("the honest proposal is stored", async () => (await stored()).length === 1);
  // The same proposal again: not stored twice.
  assert.equal(await proposalFrom(evil, {}, "/pb-proposals/honest"), 202);
  const before = await stored();
  assert.equal(await proposalFrom(mallory), 202); // no member co-op on that node
  assert.equal(await proposalFrom(evil, { cost: 20_000 }), 202); // over the district's budget
  assert.equal(await proposalFrom(evil, { district: `${p.uri}#districts/nope` }), 202);
  assert.equal(await proposalFrom(evil, { attributedTo: `${mallory.url}/users/m` }), 202);
  assert.equal(await proposalFrom(evil, { image: [{ url: "javascript:alert(1)" }] }), 202);
  assert.equal(await proposalFrom(evil, { name: "x".repeat(600) }), 202);
  assert.equal(await proposalFrom(evil, { content: "x".repeat(200_000) }), 202);
  await drained();
  assert.deepEqual(await stored(), before);
  assert.ok((await advancePhase(socialOf(a), anaVoter(), p.id, "review")).ok);
  assert.equal(await proposalFrom(evil), 202); // proposing has closed
  await drained();
  assert.deepEqual(await stored(), before);
});
