/**
 * Statuses answered from kept fragments (api/status-json.ts, issue 24) are the
 * statuses built from scratch (hydrate and serializers/status.ts, the code the
 * client API used before), after each kind of write: a like and its undoing, a
 * boost and its undoing, a reply, an edit (text, media description, poll), a
 * vote, a new display name, a new post, a deletion, a mute, a block, a
 * suspension, a hidden post, a filter, a thread retitled without an edit. Each
 * comparison reads the API twice (the second answer comes from warm fragments)
 * and builds the reference in-process, for two members and for nobody signed in.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sql } from "kysely";
import type { mastodon } from "masto";
import sharp from "sharp";
import { serializeFiltered } from "../src/api/serializers/filter.ts";
import { serializeNotifications } from "../src/api/serializers/notification.ts";
import { serializeStatuses } from "../src/api/serializers/status.ts";
import { fragmentCache } from "../src/api/status-fragments.ts";
import { DeliveryRound } from "../src/api/streaming/audience.ts";
import { memberUri } from "../src/kernel/uris.ts";
import { linkTimeline } from "../src/social/link-timeline.ts";
import { listTimeline } from "../src/social/list-timeline.ts";
import { limitActor } from "../src/social/moderation.ts";
import { listNotifications } from "../src/social/notifications.ts";
import type { TimelineFilters } from "../src/social/timeline-filters.ts";
import {
  bookmarkedPosts,
  favouritedPosts,
  homeTimeline,
  pinnedPosts,
  postView,
  profileTimeline,
  publicTimeline,
  tagTimeline,
  thread,
} from "../src/social/timelines.ts";
import { hydrate, visiblePosts } from "../src/social/views.ts";
import type { ViewerRef } from "../src/social/visibility.ts";
import { json, memberClient } from "./api-helpers.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
let ada: { client: mastodon.rest.Client; token: string; id: string };
let bo: { client: mastodon.rest.Client; token: string; id: string };
let cy: { client: mastodon.rest.Client; token: string; id: string };
/** Bo's list of ada's posts (read through the list timeline). */
let listId: string;
const LINK = "https://bread.example/loaf";

before(async () => {
  node = await startTestNode({ host: "127.0.124.7" });
  const a = await memberClient(node, "ada");
  ada = a;
  bo = await memberClient(node, "bo", a.app);
  cy = await memberClient(node, "cy", a.app);
  await bo.client.v1.accounts.$select(ada.id).follow();
  await bo.client.v1.accounts.$select(cy.id).follow();
  await ada.client.v1.accounts.$select(bo.id).follow();
  listId = (await bo.client.v1.lists.create({ title: "Bakers" })).id;
  await bo.client.v1.lists.$select(listId).accounts.create({ accountIds: [ada.id] });
});
after(() => node.close());

const s = () => socialOf(node);
const l = () => ({ db: node.node.db.db, origin: node.url, domain: node.domain });
const ref = (m: { id: string }, name: string): ViewerRef => ({
  id: m.id,
  uri: memberUri(node.url, name),
});

/** The API's answer, as JSON (raw: the names as sent). */
async function api(path: string, token?: string): Promise<unknown> {
  const res = await fetch(`${node.url}${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (res.status === 404) return 404;
  assert.equal(res.status, 200, `${path}: ${res.status}`);
  return JSON.parse(await res.text());
}
const plain = (x: unknown) => (x === undefined ? 404 : JSON.parse(JSON.stringify(x)));

/** Every answer the fragments make, for one viewer (or none), against the one built from scratch. */
async function compare(label: string, who: "ada" | "bo" | null, postIds: string[]) {
  const member = who === "ada" ? ada : who === "bo" ? bo : null;
  const viewer = member && who ? ref(member, who) : null;
  const token = member?.token;
  const expect = async (path: string, fresh: () => Promise<unknown>) => {
    // Twice: the second answer is joined from the fragments the first one kept.
    for (const round of ["cold", "warm"])
      assert.deepEqual(
        await api(path, token),
        plain(await fresh()),
        `${label}: ${path} as ${who ?? "nobody"} (${round})`,
      );
  };
  const req = { limit: 40 };
  if (viewer) {
    await expect("/api/v1/timelines/home?limit=40", async () =>
      serializeFiltered(l(), (await homeTimeline(s(), viewer, req)).items, viewer, "home"),
    );
    await expect("/api/v1/favourites?limit=40", async () =>
      serializeStatuses(l(), (await favouritedPosts(s(), viewer, req)).items, true),
    );
    await expect("/api/v1/bookmarks?limit=40", async () =>
      serializeStatuses(l(), (await bookmarkedPosts(s(), viewer, req)).items, true),
    );
    await expect("/api/v1/notifications?limit=40", async () => {
      const rows = await listNotifications(l().db, node.domain, viewer.id, { limit: 40 });
      return serializeNotifications(s(), l(), viewer, rows);
    });
  }
  if (who === "bo")
    await expect(`/api/v1/timelines/list/${listId}?limit=40`, async () => {
      const page = await listTimeline(s(), viewer as ViewerRef, listId, req);
      return serializeFiltered(l(), page?.items ?? [], viewer as ViewerRef, "home");
    });
  // The page of a timeline read from scratch, filtered in the public context.
  const publicPage = async (items: Parameters<typeof serializeStatuses>[1]) =>
    viewer ? serializeFiltered(l(), items, viewer, "public") : serializeStatuses(l(), items, false);
  await expect("/api/v1/timelines/tag/bakery?limit=40", async () =>
    publicPage((await tagTimeline(s(), viewer, "bakery", req)).items),
  );
  await expect(`/api/v1/timelines/link?url=${encodeURIComponent(LINK)}&limit=40`, async () =>
    publicPage((await linkTimeline(s(), viewer, LINK, req)).items),
  );
  await expect(`/api/v1/accounts/${ada.id}/statuses?pinned=true`, async () =>
    serializeStatuses(l(), await pinnedPosts(s(), viewer, ada.id), !!viewer),
  );
  // Several by id (unknown and unseen ones left out), and the streaming API's payloads.
  const byId = [...postIds, "no-such-post"];
  await expect(`/api/v1/statuses?${byId.map((id) => `id[]=${id}`).join("&")}`, async () =>
    serializeStatuses(l(), await visiblePosts(s(), viewer, byId), !!viewer),
  );
  for (const id of postIds)
    for (const round of ["cold", "warm"]) {
      const payload = await new DeliveryRound(s(), []).status(viewer, id);
      const views = await hydrate(s(), viewer?.id ?? null, viewer?.uri ?? null, [id]);
      const [fresh] = await serializeStatuses(l(), views, !!viewer);
      assert.deepEqual(
        payload === null ? 404 : JSON.parse(payload),
        plain(fresh),
        `${label}: stream payload of ${id} as ${who ?? "nobody"} (${round})`,
      );
    }
  await expect("/api/v1/timelines/public?local=true&limit=40", async () => {
    const page = await publicTimeline(s(), viewer, "local", req);
    return viewer
      ? serializeFiltered(l(), page.items, viewer, "public")
      : serializeStatuses(l(), page.items, false);
  });
  await expect(`/api/v1/accounts/${ada.id}/statuses?limit=40`, async () => {
    const page = await profileTimeline(s(), viewer, memberUri(node.url, "ada"), req);
    return viewer
      ? serializeFiltered(l(), page.items, viewer, "account")
      : serializeStatuses(l(), page.items, false);
  });
  for (const id of postIds) {
    await expect(`/api/v1/statuses/${id}`, async () => {
      const v = await postView(s(), viewer, id);
      return v ? (await serializeStatuses(l(), [v], !!viewer))[0] : undefined;
    });
    await expect(`/api/v1/statuses/${id}/context`, async () => {
      const found = await thread(s(), viewer, id);
      if (!found) return undefined;
      const one = (views: typeof found.ancestors) =>
        viewer
          ? serializeFiltered(l(), views, viewer, "thread")
          : serializeStatuses(l(), views, false);
      return { ancestors: await one(found.ancestors), descendants: await one(found.descendants) };
    });
  }
}

async function compareAll(label: string, postIds: string[]) {
  for (const who of ["ada", "bo", null] as const) await compare(label, who, postIds);
}

async function upload(token: string, description: string): Promise<string> {
  const png = await sharp({ create: { width: 8, height: 6, channels: 3, background: "#363" } })
    .png()
    .toBuffer();
  const form = new FormData();
  form.set("file", new Blob([png], { type: "image/png" }));
  form.set("description", description);
  const res = await fetch(`${node.url}/api/v2/media`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  return (await json(res)).id as string;
}

async function put(path: string, token: string, body: Record<string, unknown>) {
  const res = await fetch(`${node.url}${path}`, {
    method: "PUT",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, `${path}: ${res.status} ${await res.clone().text()}`);
}

describe("statuses from kept fragments equal statuses built from scratch", () => {
  it("after every kind of write, for each viewer", async () => {
    const media = await upload(ada.token, "a green square");
    const first = await ada.client.v1.statuses.create({
      status: `Bread at noon @bo #bakery ${LINK}`,
      visibility: "public",
      mediaIds: [media],
    });
    const poll = await ada.client.v1.statuses.create({
      status: "Which loaf?",
      visibility: "public",
      poll: { options: ["rye", "spelt"], expiresIn: 3600 },
    });
    const quiet = await ada.client.v1.statuses.create({
      status: "For friends",
      visibility: "private",
    });
    const ids = [first.id, poll.id, quiet.id];
    // Pinned: two public posts (a private one may not be pinned here).
    await ada.client.v1.statuses.$select(first.id).pin();
    await ada.client.v1.statuses.$select(poll.id).pin();
    const pins = await api(`/api/v1/accounts/${ada.id}/statuses?pinned=true`, bo.token);
    assert.equal((pins as unknown[]).length, 2);
    await compareAll("posted", ids);
    // The link, list and tag timelines compared have posts in them.
    const linked = await api(`/api/v1/timelines/link?url=${encodeURIComponent(LINK)}`);
    assert.equal((linked as unknown[]).length, 1);
    const listed = await api(`/api/v1/timelines/list/${listId}`, bo.token);
    assert.equal((listed as unknown[]).length, 3);
    assert.equal(((await api("/api/v1/timelines/tag/bakery")) as unknown[]).length, 1);

    await bo.client.v1.statuses.$select(first.id).favourite();
    await compareAll("liked", ids);
    await bo.client.v1.statuses.$select(first.id).unfavourite();
    await compareAll("unliked", ids);

    const boost = await bo.client.v1.statuses.$select(first.id).reblog();
    await bo.client.v1.statuses.$select(poll.id).bookmark();
    await compareAll("boosted and bookmarked", [...ids, boost.id]);
    await bo.client.v1.statuses.$select(first.id).unreblog();
    await compareAll("unboosted", ids);

    const reply = await bo.client.v1.statuses.create({
      status: "@ada yes please",
      inReplyToId: first.id,
      visibility: "public",
    });
    await compareAll("replied", [...ids, reply.id]);

    // An edit of the text, and of the attachment's description (without a new text).
    await put(`/api/v1/statuses/${first.id}`, ada.token, {
      status: `Bread at one @bo #bakery #rye ${LINK}`,
      media_ids: [media],
    });
    await compareAll("edited", [...ids, reply.id]);
    await put(`/api/v1/statuses/${first.id}`, ada.token, {
      status: `Bread at one @bo #bakery #rye ${LINK}`,
      media_ids: [media],
      media_attributes: [{ id: media, description: "a darker square" }],
    });
    const described = (await api(`/api/v1/statuses/${first.id}`)) as {
      media_attachments: { description: string }[];
    };
    assert.equal(described.media_attachments[0]?.description, "a darker square");
    await compareAll("media described", [...ids, reply.id]);

    await bo.client.v1.polls.$select(poll.id).votes.create({ choices: [1] });
    const voted = (await api(`/api/v1/statuses/${poll.id}`, bo.token)) as {
      poll: { own_votes: number[]; votes_count: number };
    };
    assert.deepEqual(voted.poll.own_votes, [1]);
    assert.equal(voted.poll.votes_count, 1);
    // The other member's own votes stay theirs.
    const seenByAda = (await api(`/api/v1/statuses/${poll.id}`, ada.token)) as {
      poll: { own_votes: number[] };
    };
    assert.deepEqual(seenByAda.poll.own_votes, []);
    await compareAll("voted", ids);

    await ada.client.v1.accounts.updateCredentials({ displayName: "Ada the Baker" });
    await ada.client.v1.statuses.create({ status: "Another one", visibility: "public" });
    const renamed = (await api(`/api/v1/statuses/${first.id}`)) as {
      account: { display_name: string; statuses_count: number };
    };
    assert.equal(renamed.account.display_name, "Ada the Baker");
    assert.equal(renamed.account.statuses_count, 4);
    await compareAll("renamed, posted again", ids);

    // A thread retitled without an edit (as a decision's amendment does).
    await sql`UPDATE posts SET title = ${"Loaves"} WHERE id = ${poll.id}`.execute(l().db);
    const titled = (await api(`/api/v1/statuses/${poll.id}`)) as { content: string };
    assert.match(titled.content, /Loaves/);
    await compareAll("retitled", ids);

    await bo.client.v2.filters.create({
      title: "Grain",
      context: ["home", "public", "thread", "account", "notifications"],
      filterAction: "warn",
      keywordsAttributes: [{ keyword: "loaf" }],
    });
    await bo.client.v2.filters.create({
      title: "No friends",
      context: ["home", "public", "thread", "account", "notifications"],
      filterAction: "hide",
      keywordsAttributes: [{ keyword: "friends" }],
    });
    await compareAll("filtered", ids);

    await sql`UPDATE posts SET hidden_at = ${new Date().toISOString()} WHERE id = ${reply.id}`.execute(
      l().db,
    );
    await compareAll("hidden", [...ids, reply.id]);

    await ada.client.v1.statuses.$select(quiet.id).remove();
    assert.equal(await api(`/api/v1/statuses/${quiet.id}`, bo.token), 404);
    await compareAll("deleted", ids);

    const cyPost = await cy.client.v1.statuses.create({
      status: "Cy's cake",
      visibility: "public",
    });
    await compareAll("cy posted", [cyPost.id]);
    await bo.client.v1.accounts.$select(cy.id).mute();
    await compareAll("muted", [cyPost.id]);
    await bo.client.v1.accounts.$select(cy.id).unmute();
    await bo.client.v1.accounts.$select(cy.id).block();
    await compareAll("blocked", [cyPost.id]);
    await bo.client.v1.accounts.$select(cy.id).unblock();
    const admin = await l()
      .db.selectFrom("accounts")
      .select("id")
      .where("username", "=", "ada")
      .executeTakeFirstOrThrow();
    const limited = await limitActor(
      s(),
      admin.id,
      { uri: memberUri(node.url, "cy"), accountId: cy.id, remoteId: null },
      "suspend",
      "spam",
    );
    assert.ok(limited.ok);
    assert.equal(await api(`/api/v1/statuses/${cyPost.id}`), 404);
    await compareAll("suspended", [cyPost.id]);
  });

  it("a status read in one row (its poll, its author's suspension) keeps the rules", async () => {
    // Di follows ada, Ed nobody; ada's private and direct posts, a poll that closes.
    const di = await memberClient(node, "di");
    const ed = await memberClient(node, "ed", di.app);
    await di.client.v1.accounts.$select(ada.id).follow();
    const friends = await ada.client.v1.statuses.create({
      status: "Friends",
      visibility: "private",
    });
    const direct = await ada.client.v1.statuses.create({
      status: "@ed psst",
      visibility: "direct",
    });
    const poll = await ada.client.v1.statuses.create({
      status: "Oven?",
      visibility: "public",
      poll: { options: ["gas", "wood"], expiresIn: 3600 },
    });
    const ids = [friends.id, direct.id, poll.id];
    const viewers = [
      { name: "di", member: di },
      { name: "ed", member: ed },
      { name: "nobody", member: null },
    ];
    const check = async (label: string, expected: Record<string, (number | "ok")[]>) => {
      for (const { name, member } of viewers) {
        const viewer = member ? ref(member, name) : null;
        for (const [i, id] of ids.entries()) {
          const got = await api(`/api/v1/statuses/${id}`, member?.token);
          const v = await postView(s(), viewer, id);
          const fresh = v ? (await serializeStatuses(l(), [v], !!viewer))[0] : undefined;
          assert.deepEqual(got, plain(fresh), `${label}: ${id} as ${name}`);
          assert.equal(got === 404 ? 404 : "ok", expected[name]?.[i], `${label}: ${id} as ${name}`);
        }
      }
    };
    await check("posted", {
      di: ["ok", 404, "ok"],
      ed: [404, "ok", "ok"],
      nobody: [404, 404, "ok"],
    });
    await sql`UPDATE polls SET closed_at = ${new Date().toISOString()} WHERE post_id = ${poll.id}`.execute(
      l().db,
    );
    const closed = (await api(`/api/v1/statuses/${poll.id}`, di.token)) as {
      poll: { expired: boolean };
    };
    assert.equal(closed.poll.expired, true);
    // Suspending ada hides all three from everyone; lifting it shows them again.
    await sql`INSERT INTO actor_limits (actor_uri, level, created_at) VALUES (${memberUri(node.url, "ada")}, ${"suspend"}, ${new Date().toISOString()})`.execute(
      l().db,
    );
    await check("suspended", { di: [404, 404, 404], ed: [404, 404, 404], nobody: [404, 404, 404] });
    await sql`DELETE FROM actor_limits WHERE actor_uri = ${memberUri(node.url, "ada")}`.execute(
      l().db,
    );
    await check("lifted", {
      di: ["ok", 404, "ok"],
      ed: [404, "ok", "ok"],
      nobody: [404, 404, "ok"],
    });
  });

  it("an account's statuses, with each page filter, for a follower, another member and nobody", async () => {
    const fi = await memberClient(node, "fi");
    const gu = await memberClient(node, "gu", fi.app);
    const ho = await memberClient(node, "ho", fi.app);
    await gu.client.v1.accounts.$select(fi.id).follow();
    const media = await upload(fi.token, "a loaf");
    const root = await fi.client.v1.statuses.create({
      status: "Rye #Bakery",
      visibility: "public",
    });
    await fi.client.v1.statuses.create({ status: "Spelt", visibility: "private" });
    await fi.client.v1.statuses.create({
      status: "Crust",
      mediaIds: [media],
      visibility: "public",
    });
    await fi.client.v1.statuses.create({ status: "More #bakery", inReplyToId: root.id });
    const shared = await gu.client.v1.statuses.create({
      status: "Gu's #bakery",
      visibility: "public",
    });
    await fi.client.v1.statuses.$select(shared.id).reblog();
    const forms: [string, TimelineFilters][] = [
      ["", {}],
      ["exclude_replies=true", { excludeReplies: true }],
      ["exclude_reblogs=true", { excludeReblogs: true }],
      ["only_media=true", { onlyMedia: true }],
      ["tagged=BAKERY", { tagged: "bakery" }],
      ["tagged=%23bakery&exclude_replies=true", { tagged: "bakery", excludeReplies: true }],
      ["tagged=%23", { tagged: "#" }],
    ];
    const seen = new Set<number>();
    for (const [name, member] of [
      ["gu", gu],
      ["ho", ho],
      ["nobody", null],
    ] as const) {
      const viewer = member ? ref(member, name) : null;
      for (const [query, filters] of forms) {
        const got = await api(
          `/api/v1/accounts/${fi.id}/statuses?limit=40&${query}`,
          member?.token,
        );
        const page = await profileTimeline(
          s(),
          viewer,
          memberUri(node.url, "fi"),
          { limit: 40 },
          filters,
        );
        const fresh = viewer
          ? await serializeFiltered(l(), page.items, viewer, "account")
          : await serializeStatuses(l(), page.items, false);
        assert.deepEqual(got, plain(fresh), `${query} as ${name}`);
        seen.add((got as unknown[]).length);
      }
    }
    // The forms differ (the follower sees the private post; filters narrow the page).
    assert.ok(seen.size >= 4, [...seen].join(","));
  });

  it("two viewers never see each other's flags", async () => {
    const post = await ada.client.v1.statuses.create({ status: "Crumbs", visibility: "public" });
    await bo.client.v1.statuses.$select(post.id).favourite();
    await bo.client.v1.statuses.$select(post.id).bookmark();
    const asBo = (await api(`/api/v1/statuses/${post.id}`, bo.token)) as Record<string, unknown>;
    const asAda = (await api(`/api/v1/statuses/${post.id}`, ada.token)) as Record<string, unknown>;
    const asNobody = (await api(`/api/v1/statuses/${post.id}`)) as Record<string, unknown>;
    assert.equal(asBo.favourited, true);
    assert.equal(asBo.bookmarked, true);
    assert.equal(asAda.favourited, false);
    assert.equal(asAda.bookmarked, false);
    assert.equal(asNobody.favourited, undefined);
    assert.equal(asBo.favourites_count, 1);
    assert.equal(asAda.favourites_count, 1);
  });

  it("keeps fragments (bounded) and serves the kept one while the stamp holds", async () => {
    const post = await ada.client.v1.statuses.create({ status: "Kept", visibility: "public" });
    await api(`/api/v1/statuses/${post.id}`);
    const cache = fragmentCache(l().db);
    assert.ok(cache.size > 0 && cache.size <= 3000);
    // A fragment changed behind the stamp's back is served as kept: proof that it is kept.
    const row = await l()
      .db.selectFrom("posts")
      .select(["created_at", "edited_at", "in_reply_to_id", "title"])
      .where("id", "=", post.id)
      .executeTakeFirstOrThrow();
    const { stampOf } = await import("../src/api/status-fragments.ts");
    const kept = cache.get(post.id, stampOf(row));
    assert.ok(kept);
    cache.set(post.id, stampOf(row), { ...kept, head: kept.head.replace("Kept", "Marked") });
    assert.match(JSON.stringify(await api(`/api/v1/statuses/${post.id}`)), /Marked/);
    // An edit moves the stamp: the fragment is built again.
    await put(`/api/v1/statuses/${post.id}`, ada.token, { status: "Kept, edited" });
    const edited = JSON.stringify(await api(`/api/v1/statuses/${post.id}`));
    assert.match(edited, /Kept, edited/);
    assert.doesNotMatch(edited, /Marked/);
  });
});
