/**
 * Issue 20, the marketplace pages on a real node: the /economy landing page,
 * publishing an offer with a picture (bad input → 422, nothing written), its
 * page with an OpenGraph summary, finding it by filters, words and distance and
 * on the map, editing, closing and withdrawing (410 after), reports and hiding,
 * watches that notify, and a federation's catalogue. Both databases.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import sharp from "sharp";
import { joinWithOurCoop } from "../src/groups/federations.ts";
import { createGroup } from "../src/groups/groups.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
let ada: SignedIn; // admin of the node and the assembly: speaks for the co-op, moderates
let bea: SignedIn;
let cyd: SignedIn;
const PASSWORD = "password123";

const db = () => node.node.db.db;
const count = async (
  table: "econ_proposals" | "econ_specs" | "econ_watches" | "reports" | "uploads",
) =>
  Number(
    (await db().selectFrom(table).select(db().fn.countAll().as("n")).executeTakeFirstOrThrow()).n,
  );
const png = () =>
  sharp({ create: { width: 12, height: 8, channels: 3, background: "#3a7" } })
    .png()
    .toBuffer();

before(async () => {
  node = await startTestNode({ host: "127.0.207.1" });
  const adaRow = await createMember(node, { username: "ada", password: PASSWORD, role: "admin" });
  await createMember(node, { username: "bea", password: PASSWORD });
  await createMember(node, { username: "cyd", password: PASSWORD });
  ada = await signIn(node, "ada", PASSWORD);
  bea = await signIn(node, "bea", PASSWORD);
  cyd = await signIn(node, "cyd", PASSWORD);
  const social = { ...socialOf(node), clock: systemClock };
  const made = await createGroup(social, adaRow, {
    name: "valley",
    kind: "federation",
    displayName: "Valley co-ops",
    visibility: "public",
    moderated: false,
  });
  assert.ok(made.ok);
  assert.ok((await joinWithOurCoop(social, adaRow, { group: made.value })).ok);
});
after(() => node?.close());

const offerForm = (over: Record<string, string> = {}) => ({
  purpose: "offer",
  name: "Tomatoes from the valley",
  note: "Ripe and red.",
  category: "vegetables",
  unit: "kilogram",
  quantity: "40",
  minimum: "2.5",
  reciprocity: "money",
  unitPrice: "2.50",
  currency: "eur",
  placeName: "Valley farm",
  latitude: "40.4168",
  longitude: "-3.7038",
  availableFrom: "",
  availableUntil: "",
  ...over,
});
const multipart = (form: Record<string, string>, file?: Buffer) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(form)) data.set(k, v);
  if (file) data.set("image", new Blob([file], { type: "image/png" }), "t.png");
  return data;
};

let offerPath = "";

test("the economy landing page replaces the placeholder, in English and Spanish", async () => {
  const page = await fetch(`${node.url}/economy`);
  assert.equal(page.status, 200);
  const text = await page.text();
  assert.match(text, /href="\/economy\/market"/);
  assert.match(text, /href="\/economy\/proposals\/new"/);
  assert.doesNotMatch(text, /class="notice">[^<]*empty/i);
  const es = await (
    await fetch(`${node.url}/economy`, { headers: { "accept-language": "es" } })
  ).text();
  assert.match(es, /<h1>Economía<\/h1>/);
  assert.match(es, /Mercado/);
});

test("publishing an offer: bad input → 422, nothing published, the picture kept; a good one with it → its page", async () => {
  const before = [await count("econ_proposals"), await count("uploads")];
  const keptForForms = async () =>
    Number(
      (
        await db()
          .selectFrom("form_uploads")
          .select(db().fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  let refusedPage = "";
  const bads: Record<string, string>[] = [
    { name: "" },
    { quantity: "-3" },
    { quantity: "1.2345" },
    { minimum: "50" },
    { latitude: "91", longitude: "0" },
    { latitude: "40", longitude: "" },
    { unitPrice: "" },
    { reciprocity: "gift", unitPrice: "3" },
    { currency: "euros" },
    { category: "<b>" },
    { unit: "furlong" },
    { availableFrom: "2027-02-01", availableUntil: "2027-01-01" },
    { groupUri: "https://nowhere.example/groups/x" },
  ];
  for (const bad of bads) {
    const res = await bea.postMultipart(
      "/economy/proposals",
      multipart(offerForm(bad), await png()),
    );
    assert.equal(res.status, 422, JSON.stringify(bad));
    refusedPage = await res.text();
    assert.match(refusedPage, /class="errors"/);
  }
  // Only who speaks for the co-op may publish for it.
  assert.equal(
    (await bea.postMultipart("/economy/proposals", multipart(offerForm({ asCoop: "1" })))).status,
    403,
  );
  // Nothing published; each refused try's picture is kept for the next try, and only those.
  assert.equal(await count("econ_proposals"), before[0]);
  assert.equal(await count("uploads"), (before[1] ?? 0) + bads.length);
  assert.equal(await keptForForms(), bads.length);
  const keptImage = /name="keptImage" value="([^"]+)"/.exec(refusedPage)?.[1];
  assert.ok(keptImage, "the refused form shows the picture, so it need not be picked again");
  const visitor = await fetch(`${node.url}/economy/proposals/new`, { redirect: "manual" });
  assert.notEqual(visitor.status, 200);

  // The next try sends the kept picture's id, not the file again.
  const made = await bea.postMultipart(
    "/economy/proposals",
    multipart(
      offerForm({
        groupUri: `${node.url}/groups/valley`,
        imageAlt: "A crate of tomatoes",
        keptImage,
      }),
    ),
  );
  assert.equal(made.status, 303, await made.text());
  assert.equal(await keptForForms(), bads.length - 1, "the offer took it from the form's keeping");
  offerPath = (made.headers.get("location") ?? "").split("?")[0] ?? "";
  assert.match(offerPath, /^\/economy\/proposals\/[0-9a-f-]{36}$/);
  const page = await (await fetch(`${node.url}${offerPath}`)).text();
  assert.match(page, /<meta property="og:title" content="Tomatoes from the valley"/);
  assert.match(page, /40 kg/);
  assert.match(page, /€2\.50 \/ kg/);
  assert.match(page, /<img src="\/media\/[^"]+" alt="A crate of tomatoes"/);
  assert.match(page, /href="\/economy\/market\?category=vegetables"/);

  const coop = await ada.postMultipart(
    "/economy/proposals",
    multipart(
      offerForm({
        asCoop: "1",
        purpose: "request",
        name: "Seed potatoes wanted",
        category: "seeds",
        reciprocity: "credit",
        currency: "ECO",
        unitPrice: "3",
        latitude: "41.39",
        longitude: "2.17",
      }),
    ),
  );
  assert.equal(coop.status, 303);
  const coopPage = await (await fetch(`${node.url}/economy/coop`)).text();
  assert.match(coopPage, /Seed potatoes wanted/);
});

test("the marketplace finds it by filters, words and distance, and on the map; bad filters → 400", async () => {
  const list = async (query: string) => {
    const res = await fetch(`${node.url}/economy/market?${query}`);
    return { status: res.status, text: await res.text() };
  };
  assert.match((await list("category=vegetables")).text, /Tomatoes from the valley/);
  assert.doesNotMatch((await list("category=seeds")).text, /Tomatoes from the valley/);
  assert.match((await list("q=TOMATO")).text, /Tomatoes from the valley/);
  assert.match((await list("purpose=request")).text, /Seed potatoes wanted/);
  assert.doesNotMatch((await list("purpose=request")).text, /Tomatoes from the valley/);
  assert.match((await list("reciprocity=credit")).text, /Seed potatoes wanted/);
  const near = await list("lat=40.42&lon=-3.70&km=20");
  assert.match(near.text, /Tomatoes from the valley/);
  assert.doesNotMatch(near.text, /Seed potatoes wanted/);
  const map = await list("view=map&lat=40.42&lon=-3.70&km=800");
  assert.match(map.text, /<svg class="market-map"/);
  assert.match(
    map.text,
    new RegExp(`<a href="${offerPath}" aria-label="Offer: Tomatoes from the valley"`),
  );
  assert.match(map.text, /aria-label="Need: Seed potatoes wanted"/);
  for (const bad of [
    "lat=200&lon=0",
    "lat=abc&lon=1",
    "lat=40",
    "from=2027-02-01&until=2027-01-01",
    "purpose=barter",
    `km=5&lat=1&lon=1&q=${"x".repeat(200)}`,
  ])
    assert.equal((await list(bad)).status, 400, bad);
});

test("the author edits, closes and withdraws; others may not; a withdrawn offer is gone (410)", async () => {
  assert.equal((await cyd.get(`${offerPath}/edit`)).status, 403);
  const edit = await bea.get(`${offerPath}/edit`);
  assert.equal(edit.status, 200);
  assert.match(await edit.text(), /value="Tomatoes from the valley"/);
  assert.equal((await bea.post(`${offerPath}/edit`, offerForm({ quantity: "-1" }))).status, 422);
  const saved = await bea.post(
    `${offerPath}/edit`,
    offerForm({ quantity: "30", groupUri: `${node.url}/groups/valley` }),
  );
  assert.equal(saved.status, 303);
  assert.match(await (await fetch(`${node.url}${offerPath}`)).text(), /30 kg/);
  assert.equal((await cyd.post(`${offerPath}/status`, { change: "close" })).status, 403);
  assert.equal((await bea.post(`${offerPath}/status`, { change: "explode" })).status, 422);
  assert.equal((await bea.post(`${offerPath}/status`, { change: "close" })).status, 303);
  assert.match(
    await (await fetch(`${node.url}${offerPath}`)).text(),
    /Closed: it takes no new agreements/,
  );
  assert.doesNotMatch(
    await (await fetch(`${node.url}/economy/market?category=vegetables`)).text(),
    /Tomatoes/,
  );
  assert.equal((await bea.post(`${offerPath}/status`, { change: "reopen" })).status, 303);
});

test("reports reach the moderators, who hide and show; watches notify of new matches", async () => {
  assert.equal((await cyd.post(`${offerPath}/report`, { comment: "" })).status, 422);
  assert.equal(
    (await cyd.post(`${offerPath}/report`, { comment: "Looks like a scam" })).status,
    303,
  );
  assert.equal(await count("reports"), 1);
  assert.equal((await cyd.post(`${offerPath}/hide`, { hidden: "1" })).status, 403);
  assert.equal((await ada.post(`${offerPath}/hide`, { hidden: "1" })).status, 303);
  assert.equal((await cyd.get(offerPath)).status, 404);
  assert.equal((await bea.get(offerPath)).status, 200);
  assert.equal((await ada.post(`${offerPath}/hide`, { hidden: "0" })).status, 303);
  assert.equal((await cyd.get(offerPath)).status, 200);

  assert.equal((await cyd.post("/economy/watches", { category: "<x>" })).status, 422);
  assert.equal(await count("econ_watches"), 0);
  assert.equal(
    (await cyd.post("/economy/watches", { category: "honey", purpose: "offer" })).status,
    303,
  );
  assert.match(await (await cyd.get("/economy/watches")).text(), /honey/);
  const honey = await bea.postMultipart(
    "/economy/proposals",
    multipart(offerForm({ name: "Heather honey", category: "honey" })),
  );
  assert.equal(honey.status, 303);
  const notes = await (await cyd.get("/notifications")).text();
  assert.match(notes, /A new offer or need matches what you watch/);

  const withdrawn = await bea.post(`${offerPath}/status`, { change: "withdraw" });
  assert.equal(withdrawn.status, 303);
  assert.equal((await fetch(`${node.url}${offerPath}`)).status, 410);
});

test("a federation's catalogue: members propose, moderators accept with a public note", async () => {
  const before = await count("econ_specs");
  assert.equal(
    (await bea.post("/economy/catalogue/valley", { name: "", category: "oils", unit: "litre" }))
      .status,
    422,
  );
  assert.equal(
    (
      await bea.post("/economy/catalogue/valley", {
        name: "Olive oil",
        category: "oils",
        unit: "parsec",
      })
    ).status,
    422,
  );
  assert.equal(
    (
      await bea.post("/economy/catalogue/nowhere", {
        name: "Olive oil",
        category: "oils",
        unit: "litre",
      })
    ).status,
    404,
  );
  assert.equal(await count("econ_specs"), before);
  assert.equal(
    (
      await bea.post("/economy/catalogue/valley", {
        name: "Olive oil",
        category: "oils",
        unit: "litre",
      })
    ).status,
    303,
  );
  const spec = await db()
    .selectFrom("econ_specs")
    .select(["id", "status"])
    .executeTakeFirstOrThrow();
  assert.equal(spec.status, "proposed");
  assert.doesNotMatch(
    await (await fetch(`${node.url}/economy/catalogue/valley`)).text(),
    /<strong>Olive oil<\/strong>/,
  );
  assert.equal(
    (await bea.post(`/economy/catalogue/valley/${spec.id}/decide`, { accept: "1" })).status,
    403,
  );
  assert.equal(
    (await ada.post(`/economy/catalogue/valley/${spec.id}/decide`, { accept: "0" })).status,
    422,
  );
  assert.equal(
    (
      await ada.post(`/economy/catalogue/valley/${spec.id}/decide`, {
        accept: "1",
        note: "Welcome",
      })
    ).status,
    303,
  );
  assert.match(
    await (await fetch(`${node.url}/economy/catalogue/valley`)).text(),
    /<strong>Olive oil<\/strong>/,
  );
  assert.match(await (await bea.get("/economy/proposals/new")).text(), /Olive oil \(oils\)/);
});
