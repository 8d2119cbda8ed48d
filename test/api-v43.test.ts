/**
 * What Mastodon 4.3 apps call, through masto against one real node (issue 15,
 * items 12-14): editing a status's media, grouped notifications and the
 * notification policy, followed hashtags in home, and filters v2 kept and applied.
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
let boToken: string;
let adaId: string;
let boId: string;

before(async () => {
  node = await startTestNode({ host: "127.0.151.3" });
  const a = await memberClient(node, "ada");
  ada = a.client;
  const b = await memberClient(node, "bo", a.app);
  bo = b.client;
  boToken = b.token;
  cy = (await memberClient(node, "cy", a.app)).client;
  adaId = (await ada.v1.accounts.verifyCredentials()).id;
  boId = (await bo.v1.accounts.verifyCredentials()).id;
});
after(() => node.close());

const png = (background: string) =>
  sharp({ create: { width: 12, height: 9, channels: 3, background } })
    .png()
    .toBuffer();
const upload = async (client: mastodon.rest.Client, description: string, focus?: string) =>
  client.v2.media.create({
    file: new Blob([await png("#36c")], { type: "image/png" }),
    description,
    ...(focus ? { focus } : {}),
  });

/** A notification group as the API answers it (masto's union type is too narrow to read). */
interface Group {
  groupKey: string;
  type: string;
  notificationsCount: number;
  sampleAccountIds: string[];
  statusId?: string;
}
const groupsOf = (page: mastodon.v1.GroupedNotificationsResults) =>
  page.notificationGroups as unknown as Group[];

const rejected = async (call: Promise<unknown>) => {
  try {
    await call;
  } catch (error) {
    return statusOf(error);
  }
  assert.fail("the call was accepted");
};

describe("editing a status's media", () => {
  it("keeps focal points, replaces attachments, changes alt text and focus, keeps history", async () => {
    const first = await upload(ada, "a square", "0.5,-0.25");
    assert.deepEqual(first.meta?.focus, { x: 0.5, y: -0.25 });
    const status = await ada.v1.statuses.create({ status: "with a picture", mediaIds: [first.id] });
    assert.deepEqual(status.mediaAttachments[0]?.meta?.focus, { x: 0.5, y: -0.25 });
    const second = await upload(ada, "another");
    const edited = await ada.v1.statuses.$select(status.id).update({
      status: "with two pictures",
      mediaIds: [first.id, second.id],
      mediaAttributes: [{ id: first.id, description: "a blue square", focus: "-1,1" }],
    });
    assert.deepEqual(
      edited.mediaAttachments.map((m) => [m.id, m.description]),
      [
        [first.id, "a blue square"],
        [second.id, "another"],
      ],
    );
    assert.deepEqual(edited.mediaAttachments[0]?.meta?.focus, { x: -1, y: 1 });
    const history = await ada.v1.statuses.$select(status.id).history.list();
    assert.deepEqual(
      history.map((v) => v.mediaAttachments.length),
      [1, 2],
    );
    assert.equal(history[0]?.mediaAttachments[0]?.description, "a square");
    // The edit federates as an Update: the outbox has it beside the change.
    const events = await node.node.db.db
      .selectFrom("outbox_events")
      .select("payload")
      .where("type", "=", "social.post.updated")
      .execute();
    assert.ok(events.some((e) => String(e.payload).includes(status.id)));

    // Another member's upload cannot be attached, and a bad focus is refused: nothing changes.
    const theirs = await upload(bo, "not ada's");
    assert.equal(
      await rejected(
        ada.v1.statuses.$select(status.id).update({ status: "x", mediaIds: [theirs.id] }),
      ),
      422,
    );
    assert.equal(
      await rejected(
        ada.v1.statuses.$select(status.id).update({
          status: "x",
          mediaAttributes: [{ id: first.id, focus: "3,3" }],
        }),
      ),
      422,
    );
    const unchanged = await ada.v1.statuses.$select(status.id).fetch();
    assert.equal(unchanged.mediaAttachments.length, 2);
    assert.equal(unchanged.mediaAttachments[0]?.description, "a blue square");

    // Editing without media_ids keeps the attachments; an empty list removes them.
    const kept = await ada.v1.statuses.$select(status.id).update({ status: "text only edit" });
    assert.equal(kept.mediaAttachments.length, 2);
    const removed = await ada.v1.statuses.$select(status.id).update({
      status: "no pictures now",
      mediaIds: [],
    });
    assert.equal(removed.mediaAttachments.length, 0);
  });
});

describe("grouped notifications", () => {
  it("groups likes and boosts of a post, shows one group, counts unread, dismisses", async () => {
    const post = await ada.v1.statuses.create({ status: "group me" });
    await bo.v1.statuses.$select(post.id).favourite();
    await cy.v1.statuses.$select(post.id).favourite();
    await bo.v1.statuses.$select(post.id).reblog();
    await bo.v1.statuses.create({ status: "@ada hello there" });
    const page = await ada.v2.notifications.list({ limit: 10 });
    const groups = groupsOf(page);
    const likes = groups.find((g) => g.groupKey === `favourite-${post.id}`);
    assert.ok(likes, JSON.stringify(groups));
    assert.equal(likes.type, "favourite");
    assert.equal(likes.notificationsCount, 2);
    assert.equal(likes.sampleAccountIds.length, 2);
    assert.equal(likes.statusId, post.id);
    assert.ok(groups.some((g) => g.groupKey === `reblog-${post.id}` && g.notificationsCount === 1));
    const mention = groups.find((g) => g.type === "mention");
    assert.ok(mention?.groupKey.startsWith("ungrouped-"));
    assert.ok(page.statuses.some((s) => s.id === post.id));
    assert.ok(page.accounts.some((a) => a.username === "cy"));

    // A page of one group at a time walks on to the rest.
    const first = await ada.v2.notifications.list({ limit: 1 });
    assert.equal(first.notificationGroups.length, 1);

    const one = await ada.v2.notifications.$select(likes.groupKey).fetch();
    assert.equal(groupsOf(one)[0]?.notificationsCount, 2);
    const who = await ada.v2.notifications.$select(likes.groupKey).accounts.fetch();
    assert.deepEqual(who.map((a) => a.username).sort(), ["bo", "cy"]);
    const unread = await ada.v2.notifications.unreadCount.fetch();
    assert.equal(unread.count, groups.length);

    await ada.v2.notifications.$select(likes.groupKey).dismiss();
    const after = await ada.v2.notifications.list({ limit: 10 });
    assert.ok(!groupsOf(after).some((g) => g.groupKey === likes.groupKey));
    assert.equal(
      await rejected(ada.v2.notifications.$select(likes.groupKey).fetch()),
      404,
      "a dismissed group is gone",
    );
    assert.equal(await rejected(ada.v2.notifications.$select("nonsense").fetch()), 404);
  });

  it("keeps a notification policy and applies it", async () => {
    const policy = await ada.v2.notifications.policy.fetch();
    assert.equal(policy.forNotFollowing, "accept");
    await cy.v1.statuses.create({ status: "@ada from someone ada does not follow" });
    const changed = await ada.v2.notifications.policy.update({ forNotFollowing: "drop" });
    assert.equal(changed.forNotFollowing, "drop");
    assert.equal((await ada.v2.notifications.policy.fetch()).forNotFollowing, "drop");
    const page = await ada.v2.notifications.list({ limit: 40 });
    assert.ok(!groupsOf(page).some((g) => g.type === "mention"), "ada follows no one");
    await ada.v1.accounts.$select((await cy.v1.accounts.verifyCredentials()).id).follow();
    const now = await ada.v2.notifications.list({ limit: 40 });
    assert.ok(
      groupsOf(now).some((g) => g.type === "mention"),
      "cy is followed now",
    );
    await ada.v2.notifications.policy.update({ forNotFollowing: "accept" });
    const bad = await fetch(`${node.url}/api/v2/notifications/policy`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${boToken}`, "content-type": "application/json" },
      body: JSON.stringify({ for_not_following: "maybe" }),
    });
    assert.equal(bad.status, 422);
    assert.equal((await bo.v2.notifications.policy.fetch()).forNotFollowing, "accept");
  });

  it("the v2 instance advertises grouped notifications, which answer", async () => {
    const instance = (await (await fetch(`${node.url}/api/v2/instance`)).json()) as {
      api_versions: { mastodon: number };
    };
    assert.equal(instance.api_versions.mastodon, 2);
    const res = await fetch(`${node.url}/api/v2/notifications`, {
      headers: { authorization: `Bearer ${boToken}` },
    });
    assert.equal(res.status, 200);
  });
});

describe("followed hashtags", () => {
  it("are kept, and their public posts reach home", async () => {
    const tag = await bo.v1.tags.$select("Coops").follow();
    assert.equal(tag.name, "coops");
    assert.equal(tag.following, true);
    assert.equal((await bo.v1.tags.$select("coops").fetch()).following, true);
    const followed = await bo.v1.followedTags.list();
    assert.deepEqual(
      followed.map((t) => t.name),
      ["coops"],
    );
    const shown = await cy.v1.statuses.create({ status: "#Coops are great" });
    const quiet = await cy.v1.statuses.create({
      status: "#coops unlisted",
      visibility: "unlisted",
    });
    const home = await bo.v1.timelines.home.list({ limit: 40 });
    assert.ok(
      home.some((s) => s.id === shown.id),
      "a public post with the tag is in home",
    );
    assert.ok(!home.some((s) => s.id === quiet.id), "an unlisted one is not");
    await bo.v1.tags.$select("coops").unfollow();
    assert.equal((await bo.v1.tags.$select("coops").fetch()).following, false);
    const later = await cy.v1.statuses.create({ status: "#coops after unfollow" });
    assert.ok(!(await bo.v1.timelines.home.list({ limit: 40 })).some((s) => s.id === later.id));
    assert.equal(await rejected(bo.v1.tags.$select("not a tag!").follow()), 404);
    assert.deepEqual(await bo.v1.followedTags.list(), []);
  });
});

describe("filters v2", () => {
  it("are kept, warn in home and public, hide when asked, and refuse bad input", async () => {
    await bo.v1.accounts.$select(adaId).follow();
    const filter = await bo.v2.filters.create({
      title: "Spoilers",
      context: ["home", "public"],
      filterAction: "warn",
      keywordsAttributes: [{ keyword: "ending", wholeWord: true }],
    });
    assert.equal(filter.title, "Spoilers");
    assert.deepEqual(
      filter.keywords?.map((k) => k.keyword),
      ["ending"],
    );
    const spoiler = await ada.v1.statuses.create({ status: "The ending was sad" });
    const harmless = await ada.v1.statuses.create({ status: "pretending is fine" });
    const home = await bo.v1.timelines.home.list({ limit: 40 });
    const warned = home.find((s) => s.id === spoiler.id);
    assert.equal(warned?.filtered?.[0]?.filter.title, "Spoilers");
    assert.equal(warned?.filtered?.[0]?.filter.filterAction, "warn");
    assert.deepEqual(warned?.filtered?.[0]?.keywordMatches, ["ending"]);
    assert.deepEqual(home.find((s) => s.id === harmless.id)?.filtered, [], "whole word only");
    const pub = await bo.v1.timelines.public.list({ limit: 40 });
    assert.ok(pub.find((s) => s.id === spoiler.id)?.filtered?.length);
    // The author is not filtered by someone else's filter, nor an anonymous reader.
    const own = await ada.v1.timelines.home.list({ limit: 40 });
    assert.deepEqual(own.find((s) => s.id === spoiler.id)?.filtered, []);

    // A particular status, by id.
    const plain = await ada.v1.statuses.create({ status: "nothing to see" });
    const byId = await bo.v2.filters.$select(filter.id).statuses.create({ statusId: plain.id });
    assert.equal(byId.statusId, plain.id);
    const again = await bo.v1.timelines.home.list({ limit: 40 });
    assert.deepEqual(again.find((s) => s.id === plain.id)?.filtered?.[0]?.statusMatches, [byId.id]);

    const hidden = await bo.v2.filters.$select(filter.id).update({ filterAction: "hide" });
    assert.equal(hidden.filterAction, "hide");
    const home2 = await bo.v1.timelines.home.list({ limit: 40 });
    assert.ok(!home2.some((s) => s.id === spoiler.id), "hidden in home");
    assert.ok(home2.some((s) => s.id === harmless.id));
    const pub2 = await bo.v1.timelines.public.list({ limit: 40 });
    assert.ok(!pub2.some((s) => s.id === spoiler.id), "hidden in public");
    const tagless = await bo.v1.accounts.$select(adaId).statuses.list({ limit: 40 });
    assert.ok(
      tagless.some((s) => s.id === spoiler.id),
      "not in the account context",
    );

    // v1 lists each keyword.
    const v1 = (await (
      await fetch(`${node.url}/api/v1/filters`, { headers: { authorization: `Bearer ${boToken}` } })
    ).json()) as { phrase: string; irreversible: boolean }[];
    assert.deepEqual(
      v1.map((f) => [f.phrase, f.irreversible]),
      [["ending", true]],
    );

    // Keywords by themselves.
    const kw = await bo.v2.filters.$select(filter.id).keywords.create({ keyword: "finale" });
    assert.equal((await bo.v2.filters.keywords.$select(kw.id).fetch()).keyword, "finale");
    await bo.v2.filters.keywords.$select(kw.id).remove();
    assert.equal(await rejected(bo.v2.filters.keywords.$select(kw.id).fetch()), 404);

    // Bad input changes nothing; someone else's filter is not found.
    assert.equal(
      await rejected(
        bo.v2.filters.create({ title: "x", context: ["nowhere" as "home"], filterAction: "warn" }),
      ),
      422,
    );
    assert.equal(await rejected(bo.v2.filters.create({ title: " ", context: ["home"] })), 422);
    assert.equal((await bo.v2.filters.list()).length, 1);
    assert.equal(await rejected(cy.v2.filters.$select(filter.id).fetch()), 404);
    assert.equal(await rejected(cy.v2.filters.$select(filter.id).remove()), 404);

    await bo.v2.filters.$select(filter.id).remove();
    assert.deepEqual(await bo.v2.filters.list(), []);
    const home3 = await bo.v1.timelines.home.list({ limit: 40 });
    assert.ok(
      home3.some((s) => s.id === spoiler.id),
      "back once the filter is gone",
    );
  });

  it("hide notifications whose post a notifications filter matches", async () => {
    await bo.v2.filters.create({
      title: "No spam",
      context: ["notifications"],
      filterAction: "hide",
      keywordsAttributes: [{ keyword: "buy now" }],
    });
    const spam = await ada.v1.statuses.create({ status: "@bo buy now, cheap" });
    const fine = await ada.v1.statuses.create({ status: "@bo lunch?" });
    const v1 = await bo.v1.notifications.list({ limit: 40 });
    assert.ok(!v1.some((n) => n.status?.id === spam.id));
    assert.ok(v1.some((n) => n.status?.id === fine.id));
    const v2 = await bo.v2.notifications.list({ limit: 40 });
    assert.ok(!groupsOf(v2).some((g) => g.statusId === spam.id));
    assert.ok(groupsOf(v2).some((g) => g.statusId === fine.id));
    assert.ok(boId);
  });
});
