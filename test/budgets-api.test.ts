/**
 * Issue 19, participatory budgets for apps (/api/synco/v1/budgets): opening a
 * process (moderators; bad input 422, nothing written), proposing with an
 * image from the member's library, review, phases, progress; a members-only
 * group's budget is 404 to anyone else.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createGroup } from "../src/groups/groups.ts";
import { joinGroup } from "../src/groups/memberships.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { memberClient } from "./api-helpers.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
type Who = { id: string; token: string };
let ada: Who; // the group's admin
let bea: Who; // a member
let out: Who; // not a member

const db = () => node.node.db.db;
const count = async (table: "pb_processes" | "pb_projects" | "pb_progress_updates") =>
  Number(
    (await db().selectFrom(table).select(db().fn.countAll().as("n")).executeTakeFirstOrThrow()).n,
  );

async function api(
  who: Who | null,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> & Record<string, unknown>[] }> {
  const res = await fetch(`${node.url}/api/synco/v1${path}`, {
    method,
    headers: {
      ...(who ? { authorization: `Bearer ${who.token}` } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as never };
}

before(async () => {
  node = await startTestNode({ host: "127.0.192.1" });
  ada = await memberClient(node, "ada");
  bea = await memberClient(node, "bea");
  out = await memberClient(node, "out");
  const ctx = { ...socialOf(node), clock: systemClock };
  const made = await createGroup(
    ctx,
    { id: ada.id, username: "ada" },
    {
      name: "board",
      kind: "working_group",
      displayName: "Board",
      visibility: "members",
      moderated: false,
    },
  );
  assert.ok(made.ok);
  assert.ok((await joinGroup(ctx, { id: bea.id, username: "bea" }, { group: made.value })).ok);
});
after(() => node?.close());

const processInput = (over: Record<string, unknown> = {}) => ({
  group: "board",
  title: "Board budget",
  districts: [{ name: "All", budget: 100_000 }],
  categories: ["Tools"],
  ...over,
});

test("a budget's whole lifecycle through the API", async () => {
  const before = await count("pb_processes");
  for (const bad of [
    { districts: [] },
    { districts: [{ name: "All", budget: "lots" }] },
    { ballotKind: "cumulative" },
    { votingEndsAt: "2001-01-01T00:00:00Z" },
  ])
    assert.equal((await api(ada, "POST", "/budgets", processInput(bad))).status, 422);
  assert.equal((await api(bea, "POST", "/budgets", processInput())).status, 403);
  assert.equal((await api(out, "POST", "/budgets", processInput())).status, 404);
  assert.equal(await count("pb_processes"), before);
  const made = await api(ada, "POST", "/budgets", processInput());
  assert.equal(made.status, 201);
  const id = String(made.json.id);
  assert.equal(made.json.phase, "proposing");
  const district = (made.json.districts as { id: string; budget: number }[])[0];
  assert.equal(district?.budget, 100_000);
  assert.equal((await api(out, "GET", `/budgets/${id}`)).status, 404);
  assert.equal((await api(null, "GET", `/budgets/${id}`)).status, 404);
  assert.deepEqual(
    (await api(out, "GET", "/budgets")).json.map((p) => p.id),
    [],
  );
  assert.deepEqual(
    (await api(bea, "GET", "/budgets")).json.map((p) => p.id),
    [id],
  );

  // Proposing: someone else's upload cannot be shown; bad input writes nothing.
  const fd = new FormData();
  const sharp = (await import("sharp")).default;
  const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#39c" } })
    .png()
    .toBuffer();
  fd.set("file", new Blob([new Uint8Array(png)], { type: "image/png" }), "a.png");
  const upload = await fetch(`${node.url}/api/v2/media`, {
    method: "POST",
    headers: { authorization: `Bearer ${ada.token}` },
    body: fd,
  });
  assert.ok(upload.status === 200 || upload.status === 202, String(upload.status));
  const mediaId = String(((await upload.json()) as { id: string }).id);
  const project = (over: Record<string, unknown> = {}) => ({
    district_id: district?.id,
    title: "A drill press",
    description: "For the workshop.",
    cost: 40_000,
    ...over,
  });
  const projectsBefore = await count("pb_projects");
  for (const bad of [
    project({ cost: 0 }),
    project({ cost: 100_001 }),
    project({ images: [{ media_id: mediaId, alt: "" }] }), // ada's upload, not bea's
    project({ district_id: "nope" }),
  ])
    assert.equal((await api(bea, "POST", `/budgets/${id}/projects`, bad)).status, 422);
  assert.equal((await api(out, "POST", `/budgets/${id}/projects`, project())).status, 404);
  assert.equal(await count("pb_projects"), projectsBefore);
  const drill = await api(
    ada,
    "POST",
    `/budgets/${id}/projects`,
    project({
      images: [{ media_id: mediaId, alt: "A drill" }],
    }),
  );
  assert.equal(drill.status, 201);
  const images = drill.json.images as { url: string; alt: string }[];
  assert.match(images[0]?.url ?? "", /\/media\/.+\.webp$/);
  const pid = String(drill.json.id);

  // Review.
  assert.equal(
    (await api(bea, "POST", `/budgets/${id}/projects/${pid}/review`, { verdict: "feasible" }))
      .status,
    403,
  );
  const reviewed = await api(ada, "POST", `/budgets/${id}/projects/${pid}/review`, {
    verdict: "feasible",
    note: "Quote checked.",
    cost: 38_000,
  });
  assert.equal(reviewed.status, 200);
  assert.equal(reviewed.json.status, "feasible");
  assert.equal(reviewed.json.cost, 38_000);
  assert.equal(reviewed.json.review_note, "Quote checked.");

  // Phases: the next one only, by a moderator; implementation waits for the count.
  assert.equal((await api(ada, "POST", `/budgets/${id}/phase`, { to: "voting" })).status, 409);
  assert.equal((await api(bea, "POST", `/budgets/${id}/phase`, {})).status, 403);
  for (const to of ["review", "voting", "results"])
    assert.equal((await api(ada, "POST", `/budgets/${id}/phase`, { to })).json.phase, to);
  assert.equal((await api(ada, "POST", `/budgets/${id}/phase`, {})).status, 409);
  await db()
    .insertInto("pb_results")
    .values({
      process_id: id,
      district_id: district?.id ?? "",
      result: JSON.stringify({ selected: [pid] }),
      greedy: JSON.stringify({ selected: [pid] }),
      ballots_count: 1,
      computed_at: new Date().toISOString(),
    })
    .execute();
  assert.equal((await api(ada, "POST", `/budgets/${id}/phase`, {})).json.phase, "implementation");

  // Progress.
  const updatesBefore = await count("pb_progress_updates");
  assert.equal(
    (
      await api(ada, "POST", `/budgets/${id}/projects/${pid}/progress`, {
        progress: 150,
        body: "x",
      })
    ).status,
    422,
  );
  assert.equal(
    (await api(bea, "POST", `/budgets/${id}/projects/${pid}/progress`, { progress: 50, body: "x" }))
      .status,
    403,
  );
  assert.equal(await count("pb_progress_updates"), updatesBefore);
  const progressed = await api(ada, "POST", `/budgets/${id}/projects/${pid}/progress`, {
    progress: 50,
    body: "Ordered.",
  });
  assert.equal(progressed.status, 201);
  assert.equal(progressed.json.progress, 50);
  assert.equal(progressed.json.funded, true);
  const shown = await api(bea, "GET", `/budgets/${id}/projects/${pid}`);
  assert.deepEqual(
    (shown.json.progress_updates as { body: string }[]).map((u) => u.body),
    ["Ordered."],
  );
});
