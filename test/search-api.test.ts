/**
 * /api/v2/search statuses through masto (a real Mastodon client library): the
 * full-text index with Mastodon's query syntax (from:, has:media, #tag, quoted
 * phrases), account_id and paging, what the searcher may see, and bad parameters.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { mastodon } from "masto";
import sharp from "sharp";
import { memberClient, statusOf } from "./api-helpers.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
let ada: mastodon.rest.Client;
let bo: mastodon.rest.Client;
let cy: mastodon.rest.Client;
let adaId: string;
let boToken: string;

before(async () => {
  node = await startTestNode({ host: "127.0.181.1" });
  const a = await memberClient(node, "ada");
  ada = a.client;
  adaId = a.id;
  const b = await memberClient(node, "bo", a.app);
  bo = b.client;
  boToken = b.token;
  cy = (await memberClient(node, "cy", a.app)).client;
});
after(() => node.close());

const statuses = async (
  client: mastodon.rest.Client,
  q: string,
  more: Record<string, unknown> = {},
) => (await client.v2.search.list({ q, type: "statuses", ...more })).statuses.map((s) => s.id);

describe("search statuses through masto", () => {
  it("finds words, stems, phrases, tags, authors and media", async () => {
    const png = await sharp({ create: { width: 20, height: 20, channels: 3, background: "#3c3" } })
      .png()
      .toBuffer();
    const media = await ada.v2.media.create({
      file: new Blob([png], { type: "image/png" }),
      description: "green",
    });
    const withImage = await ada.v1.statuses.create({
      status: "The allotment gardens are open #huertos",
      mediaIds: [media.id],
      visibility: "public",
      language: "en",
    });
    const plain = await bo.v1.statuses.create({
      status: "Running the allotment committee meeting tonight",
      visibility: "public",
      language: "en",
    });
    const spanish = await cy.v1.statuses.create({
      status: "Las cooperativas del barrio se reúnen",
      visibility: "public",
      language: "es",
    });
    assert.deepEqual(new Set(await statuses(cy, "allotment")), new Set([withImage.id, plain.id]));
    assert.deepEqual(await statuses(cy, "allotment from:bo"), [plain.id]);
    assert.deepEqual(await statuses(cy, `allotment from:ada@${new URL(node.url).host}`), [
      withImage.id,
    ]);
    assert.deepEqual(await statuses(cy, "allotment has:media"), [withImage.id]);
    assert.deepEqual(await statuses(cy, "#huertos"), [withImage.id]);
    assert.deepEqual(await statuses(cy, '"committee meeting"'), [plain.id]);
    assert.deepEqual(await statuses(cy, '"meeting committee"'), []);
    assert.deepEqual(await statuses(cy, "run"), [plain.id]);
    assert.deepEqual(await statuses(ada, "cooperativa"), [spanish.id]);
    assert.deepEqual(await statuses(cy, "allotment", { accountId: adaId }), [withImage.id]);
    const page1 = await statuses(cy, "allotment", { limit: 1 });
    const page2 = await statuses(cy, "allotment", { limit: 1, offset: 1 });
    assert.equal(page1.length, 1);
    assert.equal(page2.length, 1);
    assert.notEqual(page1[0], page2[0]);
    const found = (await cy.v2.search.list({ q: "allotment from:bo", type: "statuses" }))
      .statuses[0];
    assert.equal(found?.account.username, "bo");
    assert.match(found?.content ?? "", /allotment/);
  });

  it("a followers-only post is found by its author's followers alone; a deleted one by no one", async () => {
    const secret = await ada.v1.statuses.create({
      status: "the quinceberry jam",
      visibility: "private",
    });
    assert.deepEqual(await statuses(ada, "quinceberry"), [secret.id]);
    assert.deepEqual(await statuses(cy, "quinceberry"), []);
    await bo.v1.accounts.$select(adaId).follow();
    assert.deepEqual(await statuses(bo, "quinceberry"), [secret.id]);
    await ada.v1.statuses.$select(secret.id).remove();
    assert.deepEqual(await statuses(ada, "quinceberry"), []);
  });

  it("bad parameters are a 4xx, never a 500", async () => {
    for (const query of [
      "q=x&offset=-1",
      "q=x&limit=abc",
      `q=${"x".repeat(501)}`,
      "type=statuses",
    ]) {
      const res = await fetch(`${node.url}/api/v2/search?${query}`, {
        headers: { authorization: `Bearer ${boToken}` },
      });
      assert.ok(res.status >= 400 && res.status < 500, `${query}: ${res.status}`);
    }
    // Index syntax in a query is only words.
    assert.deepEqual(await statuses(bo, 'allotment) OR "x* NEAR(a b'), []);
    try {
      await bo.v2.search.list({ q: "x", type: "statuses", offset: -5 } as never);
      assert.fail("negative offset accepted");
    } catch (error) {
      assert.equal(statusOf(error), 422);
    }
  });
});
