/**
 * A project's picture survives a refused try of the propose form (issue 23's
 * gap): the member picked a picture and mistyped the cost; the form comes back
 * showing the picture, kept by its upload id, and the next try proposes with it
 * without picking it again. Nobody else can use that id; "remove" drops it.
 * SQLite, or PostgreSQL with TEST_DATABASE_URL.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import sharp from "sharp";
import { districtsOf } from "../src/governance/budgeting/processes/reads.ts";
import { createGroup } from "../src/groups/groups.ts";
import { joinGroup } from "../src/groups/memberships.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
let ada: SignedIn;
let bea: SignedIn;
let beaId = "";
let processId = "";
let districtId = "";
const PASSWORD = "password123";
const db = () => node.node.db.db;
const png = () =>
  sharp({ create: { width: 12, height: 8, channels: 3, background: "#3a7" } })
    .png()
    .toBuffer();

before(async () => {
  node = await startTestNode({ host: "127.0.232.1" });
  const adaRow = await createMember(node, { username: "ada", password: PASSWORD });
  const beaRow = await createMember(node, { username: "bea", password: PASSWORD });
  beaId = beaRow.id;
  ada = await signIn(node, "ada", PASSWORD);
  bea = await signIn(node, "bea", PASSWORD);
  const social = { ...socialOf(node), clock: systemClock };
  const made = await createGroup(social, adaRow, {
    name: "barrio",
    kind: "working_group",
    displayName: "Barrio",
    visibility: "members",
    moderated: false,
  });
  assert.ok(made.ok);
  assert.ok((await joinGroup(social, beaRow, { group: made.value })).ok);
  const opened = await ada.post("/budgets?group=barrio", {
    title: "Barrio budget 2027",
    description: "Ideas for the neighbourhood.",
    districts: "North: 1000",
    categories: "",
    currency: "EUR",
    rule: "mes-add1",
    ballotKind: "approval",
    spendingCap: "1",
    secrecy: "named",
  });
  assert.equal(opened.status, 303, await opened.text());
  processId = (opened.headers.get("location") ?? "").split("?")[0]?.split("/").pop() ?? "";
  const [north] = await districtsOf({ db: db() }, processId);
  assert.ok(north);
  districtId = north.id;
});
after(() => node?.close());

async function form(fields: Record<string, string>, picture = false) {
  const fd = new FormData();
  for (const [k, v] of Object.entries({ description: "Six benches.", districtId, ...fields }))
    fd.set(k, v);
  if (picture)
    fd.set("image", new Blob([new Uint8Array(await png())], { type: "image/png" }), "b.png");
  return fd;
}
const keptIdIn = (page: string) => /name="keptImage" value="([^"]+)"/.exec(page)?.[1];
const keptOf = async (ownerId: string) =>
  (
    await db()
      .selectFrom("form_uploads")
      .select("upload_id")
      .where("owner_id", "=", ownerId)
      .execute()
  ).map((r) => r.upload_id);

test("a mistyped cost brings the form back with the picture, and the next try proposes with it", async () => {
  const refused = await bea.postMultipart(
    `/budgets/${processId}/propose`,
    await form({ title: "Benches", cost: "ten", imageAlt: "Green benches" }, true),
  );
  assert.equal(refused.status, 422);
  const page = await refused.text();
  const kept = keptIdIn(page);
  assert.ok(kept, "the refused form carries the picture's id");
  assert.match(page, /<img src="\/media\/[^"]+" alt="Green benches"/);
  assert.deepEqual(await keptOf(beaId), [kept]);

  const made = await bea.postMultipart(
    `/budgets/${processId}/propose`,
    await form({ title: "Benches", cost: "300", imageAlt: "Green benches", keptImage: kept }),
  );
  assert.equal(made.status, 303, await made.text());
  const project = await (await bea.get(made.headers.get("location") ?? "")).text();
  assert.match(project, /<img src="\/media\/[^"]+" alt="Green benches"/);
  assert.deepEqual(await keptOf(beaId), [], "the project took it: no longer the form's");
});

test("another member cannot use a kept picture's id; remove drops it", async () => {
  const refused = await bea.postMultipart(
    `/budgets/${processId}/propose`,
    await form({ title: "Swings", cost: "", imageAlt: "Swings" }, true),
  );
  assert.equal(refused.status, 422);
  const kept = keptIdIn(await refused.text());
  assert.ok(kept);
  const stolen = await ada.postMultipart(
    `/budgets/${processId}/propose`,
    await form({ title: "Swings", cost: "50", keptImage: kept }),
  );
  assert.equal(stolen.status, 422);
  assert.match(await stolen.text(), /This image was not kept; pick it again\./);

  const dropped = await bea.postMultipart(
    `/budgets/${processId}/propose`,
    await form({ title: "Swings", cost: "50", keptImage: kept, dropImage: "on" }),
  );
  assert.equal(dropped.status, 303, await dropped.text());
  assert.deepEqual(await keptOf(beaId), []);
  const left = await db().selectFrom("uploads").select("id").where("id", "=", kept).execute();
  assert.equal(left.length, 0, "the removed picture's upload is gone");
  const project = await (await bea.get(dropped.headers.get("location") ?? "")).text();
  assert.doesNotMatch(project, /alt="Swings"/);
});

test("a refused new pick keeps the picture kept before", async () => {
  const first = await bea.postMultipart(
    `/budgets/${processId}/propose`,
    await form({ title: "Lamps", cost: "many", imageAlt: "Lamps" }, true),
  );
  const kept = keptIdIn(await first.text());
  assert.ok(kept);
  const bad = await form({ title: "Lamps", cost: "80", imageAlt: "Lamps", keptImage: kept });
  bad.set(
    "image",
    new Blob([new TextEncoder().encode("not an image")], { type: "image/png" }),
    "x.png",
  );
  const refused = await bea.postMultipart(`/budgets/${processId}/propose`, bad);
  assert.equal(refused.status, 422);
  const page = await refused.text();
  assert.equal(keptIdIn(page), kept, "the earlier picture is still offered");
  assert.match(page, /class="field-error"/);
  const made = await bea.postMultipart(
    `/budgets/${processId}/propose`,
    await form({ title: "Lamps", cost: "80", imageAlt: "Lamps", keptImage: kept }),
  );
  assert.equal(made.status, 303, await made.text());
  const project = await (await bea.get(made.headers.get("location") ?? "")).text();
  assert.match(project, /<img src="\/media\/[^"]+" alt="Lamps"/);
});
