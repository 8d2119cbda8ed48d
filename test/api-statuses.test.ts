/**
 * Statuses, media, polls, timelines, notifications and the rest through masto
 * against one real node: what an app does in a session, end to end.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { mastodon } from "masto";
import sharp from "sharp";
import { memberClient } from "./api-helpers.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
let ada: mastodon.rest.Client;
let bo: mastodon.rest.Client;
let adaToken: string;
let boToken: string;

before(async () => {
  node = await startTestNode({ host: "127.0.31.1" });
  const a = await memberClient(node, "ada");
  ada = a.client;
  adaToken = a.token;
  const b = await memberClient(node, "bo", a.app);
  bo = b.client;
  boToken = b.token;
});
after(() => node.close());

const png = () =>
  sharp({ create: { width: 40, height: 30, channels: 3, background: "#c33" } })
    .png()
    .toBuffer();

describe("statuses through masto", () => {
  it("posts with an image (alt text) and reads it back", async () => {
    const media = await ada.v2.media.create({
      file: new Blob([await png()], { type: "image/png" }),
      description: "a red square",
    });
    assert.equal(media.type, "image");
    assert.equal(media.description, "a red square");
    const updated = await ada.v1.media.$select(media.id).update({ description: "a red box" });
    assert.equal(updated.description, "a red box");
    const status = await ada.v1.statuses.create({
      status: "Look #colours",
      mediaIds: [media.id],
      visibility: "public",
      language: "en",
    });
    assert.equal(status.mediaAttachments.length, 1);
    assert.equal(status.mediaAttachments[0]?.description, "a red box");
    assert.equal(status.tags[0]?.name, "colours");
    assert.equal(status.language, "en");
    const image = await fetch(status.mediaAttachments[0]?.url ?? "");
    assert.equal(image.status, 200);
    const shown = await bo.v1.statuses.$select(status.id).fetch();
    assert.equal(shown.account.username, "ada");
    const tagged = await bo.v1.timelines.tag.$select("colours").list();
    assert.ok(tagged.some((s) => s.id === status.id));
  });

  it("posts a poll; another member votes; the results show", async () => {
    const status = await ada.v1.statuses.create({
      status: "Lunch?",
      poll: { options: ["soup", "salad"], expiresIn: 3600 },
    });
    assert.ok(status.poll);
    assert.equal(status.poll.options.length, 2);
    const poll = await bo.v1.polls.$select(status.poll.id).votes.create({ choices: [1] });
    assert.equal(poll.voted, true);
    assert.deepEqual(poll.ownVotes, [1]);
    assert.equal(poll.options[1]?.votesCount, 1);
    await assert.rejects(bo.v1.polls.$select(status.poll.id).votes.create({ choices: [0] }));
  });

  it("replies, context, favourite, reblog, bookmark, pin and notifications", async () => {
    const root = await ada.v1.statuses.create({ status: "Root post" });
    const reply = await bo.v1.statuses.create({ status: "@ada a reply", inReplyToId: root.id });
    assert.equal(reply.inReplyToId, root.id);
    assert.equal(reply.inReplyToAccountId, root.account.id);
    assert.equal(reply.mentions[0]?.username, "ada");
    const context = await ada.v1.statuses.$select(root.id).context.fetch();
    assert.deepEqual(
      context.descendants.map((s) => s.id),
      [reply.id],
    );
    const fav = await bo.v1.statuses.$select(root.id).favourite();
    assert.equal(fav.favourited, true);
    assert.equal(fav.favouritesCount, 1);
    const reblog = await bo.v1.statuses.$select(root.id).reblog();
    assert.equal(reblog.reblog?.id, root.id);
    assert.equal((await bo.v1.statuses.$select(root.id).bookmark()).bookmarked, true);
    assert.ok((await bo.v1.bookmarks.list()).some((s) => s.id === root.id));
    assert.ok((await bo.v1.favourites.list()).some((s) => s.id === root.id));
    assert.equal((await ada.v1.statuses.$select(root.id).pin()).pinned, true);
    const by = await ada.v1.statuses.$select(root.id).favouritedBy.list();
    assert.deepEqual(
      by.map((a) => a.username),
      ["bo"],
    );
    const notes = await ada.v1.notifications.list();
    const types = new Set(notes.map((n) => n.type));
    for (const t of ["mention", "favourite", "reblog"]) assert.ok(types.has(t as never), t);
    const onlyFav = await ada.v1.notifications.list({ types: ["favourite"] });
    assert.ok(onlyFav.length > 0 && onlyFav.every((n) => n.type === "favourite"));
    const noFav = await ada.v1.notifications.list({ excludeTypes: ["favourite"] });
    assert.ok(noFav.every((n) => n.type !== "favourite"));
    assert.ok(notes.length >= 3);
    const [n0, n1, n2] = notes as [
      mastodon.v1.Notification,
      mastodon.v1.Notification,
      mastodon.v1.Notification,
    ];
    assert.equal((await ada.v1.notifications.$select(n1.id).fetch()).id, n1.id);
    assert.deepEqual(
      (await ada.v1.notifications.list({ sinceId: n2.id })).map((n) => n.id),
      [n0.id, n1.id],
    );
    assert.deepEqual(
      (await ada.v1.notifications.list({ minId: n2.id, limit: 1 })).map((n) => n.id),
      [n1.id],
    );
    const first = notes[0];
    assert.ok(first);
    await ada.v1.notifications.$select(first.id).dismiss();
    assert.ok(!(await ada.v1.notifications.list()).some((n) => n.id === first.id));
    await assert.rejects(ada.v1.notifications.$select(first.id).fetch());
  });

  it("edits, shows source and history, and deletes (with the text back)", async () => {
    const s = await ada.v1.statuses.create({ status: "Frist", spoilerText: "cw" });
    assert.equal(s.spoilerText, "cw");
    assert.equal(s.sensitive, true);
    const edited = await ada.v1.statuses.$select(s.id).update({ status: "First" });
    assert.ok(edited.editedAt);
    assert.match(edited.content, /First/);
    const source = await ada.v1.statuses.$select(s.id).source.fetch();
    assert.equal(source.text, "First");
    await ada.v1.statuses.$select(s.id).update({ status: "First!", spoilerText: "" });
    const history = await ada.v1.statuses.$select(s.id).history.list();
    assert.deepEqual(
      history.map((v) => [v.content.replace(/<[^>]+>/g, ""), v.spoilerText]),
      [
        ["Frist", "cw"],
        ["First", ""],
        ["First!", ""],
      ],
    );
    assert.equal(history[0]?.createdAt, s.createdAt);
    assert.equal(history[2]?.account.id, s.account.id);
    const stranger = await fetch(`${node.url}/api/v1/statuses/nope/history`);
    assert.equal(stranger.status, 404);
    const gone = await ada.v1.statuses.$select(s.id).remove();
    assert.equal(gone.text, "First!");
    await assert.rejects(ada.v1.statuses.$select(s.id).fetch());
  });

  it("home and public timelines page with Link headers (max_id, min_id)", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await ada.v1.statuses.create({ status: `n${i}` })).id);
    const firstPage = await fetch(`${node.url}/api/v1/timelines/home?limit=2`, {
      headers: { authorization: `Bearer ${adaToken}` },
    });
    const page = (await firstPage.json()) as { id: string }[];
    assert.deepEqual(
      page.map((s) => s.id),
      [ids[4], ids[3]],
    );
    const link = firstPage.headers.get("link") ?? "";
    const next = /<([^>]+)>; rel="next"/.exec(link)?.[1] ?? "";
    assert.match(next, /max_id=/);
    const older = (await (
      await fetch(next, { headers: { authorization: `Bearer ${adaToken}` } })
    ).json()) as { id: string }[];
    assert.deepEqual(
      older.map((s) => s.id),
      [ids[2], ids[1]],
    );
    const newer = await ada.v1.timelines.home.list({ minId: ids[2], limit: 40 });
    assert.deepEqual(
      newer.map((s) => s.id),
      [ids[4], ids[3]],
    );
    const local = await bo.v1.timelines.public.list({ local: true, limit: 5 });
    assert.equal(local[0]?.id, ids[4]);
    const paginator = ada.v1.timelines.home.list({ limit: 3 });
    let pages = 0;
    for await (const p of paginator) {
      pages++;
      if (pages >= 2 || p.length === 0) break;
    }
    assert.equal(pages, 2);
  });

  it("public and tag timelines take since_id and min_id, with the max_id pages' filters", async () => {
    const say = async (who: mastodon.rest.Client, status: string) =>
      (await who.v1.statuses.create({ status: `${status} #pager` })).id;
    const a0 = await say(ada, "a0");
    const a1 = await say(ada, "a1");
    const a2 = await say(ada, "a2");
    const b3 = await say(bo, "b3");
    const a4 = await say(ada, "a4");
    const a5 = await say(ada, "a5");
    const boId = (await bo.v1.accounts.verifyCredentials()).id;
    await ada.v1.accounts.$select(boId).mute();
    const ids = (list: { id: string }[]) => list.map((x) => x.id);
    const anonymous = async (path: string) =>
      ids((await (await fetch(`${node.url}${path}`)).json()) as { id: string }[]);
    for (const [name, read] of [
      [
        "public",
        (q: Record<string, string | number>) => ada.v1.timelines.public.list({ local: true, ...q }),
      ],
      [
        "tag",
        (q: Record<string, string | number>) => ada.v1.timelines.tag.$select("pager").list(q),
      ],
    ] as const) {
      // min_id: the page right after the cursor (newest first), not the newest page.
      assert.deepEqual(ids(await read({ minId: a0, limit: 2 })), [a2, a1], name);
      // since_id: the newest page above the cursor.
      assert.deepEqual(ids(await read({ sinceId: a0, limit: 2 })), [a5, a4], name);
      // What ada muted stays out, as on the max_id pages.
      assert.deepEqual(ids(await read({ minId: a2, limit: 2 })), [a5, a4], name);
      assert.deepEqual(ids(await read({ sinceId: a2, limit: 40 })), [a5, a4], name);
      assert.deepEqual(ids(await read({ maxId: a4, minId: a1, limit: 40 })), [a2], name);
    }
    assert.deepEqual(await anonymous(`/api/v1/timelines/public?local=true&min_id=${a2}&limit=2`), [
      a4,
      b3,
    ]);
    assert.deepEqual(await anonymous(`/api/v1/timelines/tag/pager?min_id=${a1}&limit=2`), [b3, a2]);
    await ada.v1.accounts.$select(boId).unmute();
  });

  it("an Idempotency-Key makes a retried post a single post", async () => {
    const post = (token = adaToken) =>
      fetch(`${node.url}/api/v1/statuses`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          "idempotency-key": "k-1",
        },
        body: JSON.stringify({ status: "only once" }),
      }).then((r) => r.json() as Promise<{ id: string; account: { id: string } }>);
    const [one, two] = [await post(), await post()];
    assert.equal(one.id, two.id);
    // Retries racing each other (the key is written in the post's own transaction).
    const raced = await Promise.all(Array.from({ length: 5 }, () => post()));
    assert.deepEqual(new Set(raced.map((r) => r.id)), new Set([one.id]));
    const mine = await ada.v1.accounts.$select(one.account.id).statuses.list();
    assert.equal(mine.filter((st) => st.content.includes("only once")).length, 1);
    // The same key from another member is theirs alone.
    const bos = await post(boToken);
    assert.notEqual(bos.id, one.id);
  });

  it("accounts: update_credentials with an avatar, lookup, follow, relationships, lists, markers, search", async () => {
    const form = await ada.v1.accounts.updateCredentials({
      displayName: "Ada L.",
      note: "Hello",
      avatar: new Blob([await png()], { type: "image/png" }),
      locked: false,
    });
    assert.equal(form.displayName, "Ada L.");
    assert.match(form.avatar, /\/media\//);
    const found = await bo.v1.accounts.lookup({ acct: "ada" });
    assert.equal(found.displayName, "Ada L.");
    const rel = await bo.v1.accounts.$select(found.id).follow();
    assert.equal(rel.following, true);
    const [again] = await bo.v1.accounts.relationships.fetch({ id: [found.id] });
    assert.equal(again?.following, true);
    const followers = await ada.v1.accounts.$select(found.id).followers.list();
    assert.deepEqual(
      followers.map((a) => a.username),
      ["bo"],
    );
    const list = await bo.v1.lists.create({ title: "Friends" });
    await bo.v1.lists.$select(list.id).accounts.create({ accountIds: [found.id] });
    assert.deepEqual(
      (await bo.v1.lists.$select(list.id).accounts.list()).map((a) => a.username),
      ["ada"],
    );
    // The home feed is written on arrival (no backfill on follow): a new post reaches bo's list.
    await ada.v1.statuses.create({ status: "for the list" });
    await bo.v1.statuses.create({ status: "not in the list" });
    const listed = await bo.v1.timelines.list.$select(list.id).list();
    assert.ok(listed.length > 0 && listed.every((s) => s.account.username === "ada"));
    const marker = await bo.v1.markers.create({ home: { lastReadId: listed[0]?.id ?? "" } });
    assert.equal(marker.home?.lastReadId, listed[0]?.id);
    const results = await bo.v2.search.list({ q: "ad", type: "accounts" });
    assert.deepEqual(
      results.accounts.map((a) => a.username),
      ["ada"],
    );
    const tags = await bo.v2.search.list({ q: "colo", type: "hashtags" });
    assert.equal(tags.hashtags[0]?.name, "colours");
    const unf = await bo.v1.accounts.$select(found.id).unfollow();
    assert.equal(unf.following, false);
    const mute = await bo.v1.accounts.$select(found.id).mute();
    assert.equal(mute.muting, true);
    assert.deepEqual(
      (await bo.v1.mutes.list()).map((a) => a.username),
      ["ada"],
    );
  });
});
