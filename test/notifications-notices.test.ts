/**
 * Who hears of what (issue 23), on the capabilities and a real database: the
 * co-op's admins and moderators of sign-up applications and reports (a member's
 * and another server's), a group's moderators of requests to join it, boosters
 * of an edit; no notice to the one who acted nor to bystanders; each notice
 * mailed once, and not to a member who turned such mail off. Then the page's
 * read model: likes gathered by post, follow requests still to answer, and a
 * poll whose counts changed not marked edited.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createAccount } from "../src/accounts/accounts.ts";
import { register } from "../src/accounts/registration.ts";
import type { Db } from "../src/db/database.ts";
import { follow } from "../src/federation/follows.ts";
import { createGroup } from "../src/groups/groups.ts";
import { joinGroup } from "../src/groups/memberships.ts";
import { fixedClock } from "../src/kernel/clock.ts";
import { memberUri } from "../src/kernel/uris.ts";
import { boost, like } from "../src/social/interactions.ts";
import { receiveReport, report } from "../src/social/moderation.ts";
import { mailNotices, type NoticeMail } from "../src/social/notice-mail.ts";
import { noticeFeed } from "../src/social/notification-feed.ts";
import { setNoticeMail } from "../src/social/notification-policy.ts";
import { createPost, editPost } from "../src/social/posts.ts";
import { storeRemotePost, updateRemotePost } from "../src/social/remote-posts.ts";
import { tellStaffOfApplication } from "../src/social/staff-notices.ts";
import { noticeMail } from "../src/web/notice-mail.ts";
import { testDatabase } from "./support/db.ts";

const origin = "https://coop.example";
const domain = "coop.example";
const clock = fixedClock(new Date("2026-03-01T10:00:00Z"));
let handle: Db;
const people: Record<string, { id: string; username: string }> = {};
const s = () => ({ db: handle.db, origin, domain, clock });

before(async () => {
  handle = await testDatabase();
  for (const [username, role] of [
    ["ada", "admin"],
    ["mo", "moderator"],
    ["mia", "member"],
    ["ben", "member"],
    ["cai", "member"],
  ] as const) {
    const made = await createAccount(
      handle.db,
      { username, email: `${username}@example.org`, password: "a long passphrase", role },
      { passwordCost: 8 },
    );
    assert.ok(made.ok);
    people[username] = made.value;
  }
});
after(() => handle.close());

/** Each member's notices of a type, as "username:subject". */
async function notices(type: string) {
  const rows = await handle.db
    .selectFrom("notifications as n")
    .innerJoin("accounts as a", "a.id", "n.account_id")
    .select(["a.username", "n.subject_id", "n.from_uri", "n.mail_pending"])
    .where("n.type", "=", type as never)
    .orderBy("a.username")
    .execute();
  return rows;
}

async function post(who: string, text: string): Promise<string> {
  const made = await createPost(s(), people[who] as { id: string; username: string }, {
    text,
    spoiler: "",
    visibility: "public",
    language: null,
    sensitive: false,
    inReplyToId: null,
    mentions: [],
    media: [],
    poll: null,
  });
  assert.ok(made.ok);
  return made.value.id;
}

test("the admins and moderators hear of a sign-up application, and no one else", async () => {
  const result = await register(
    handle.db,
    {
      username: "newbie",
      email: "newbie@example.org",
      password: "a long passphrase",
      invite: "",
      reason: "I grow tomatoes",
      language: "en",
    },
    {
      mode: "approval",
      passwordCost: 8,
      verifyEmail: false,
      clock,
      onApplication: tellStaffOfApplication(origin, clock),
    },
  );
  assert.ok(result.ok);
  const got = await notices("sign_up");
  assert.deepEqual(
    got.map((n) => [n.username, n.subject_id, n.from_uri, n.mail_pending]),
    [
      ["ada", result.value.id, memberUri(origin, "newbie"), 1],
      ["mo", result.value.id, memberUri(origin, "newbie"), 1],
    ],
  );
  // In "open" mode there is no application, so no notice.
  const open = await register(
    handle.db,
    {
      username: "walkin",
      email: "walkin@example.org",
      password: "a long passphrase",
      invite: "",
      reason: "",
      language: "en",
    },
    {
      mode: "open",
      passwordCost: 8,
      verifyEmail: false,
      clock,
      onApplication: tellStaffOfApplication(origin, clock),
    },
  );
  assert.ok(open.ok);
  assert.equal((await notices("sign_up")).length, 2);
});

test("reports reach the staff (not the reporter), from members and from other servers", async () => {
  const postId = await post("mia", "something reportable");
  const byBen = await report(s(), people.ben as { id: string; username: string }, {
    targetUri: memberUri(origin, "mia"),
    postIds: [postId],
    comment: "spam",
    forward: false,
  });
  assert.ok(byBen.ok);
  // A moderator reporting is not told of their own report; the admin is.
  const byMo = await report(s(), people.mo as { id: string; username: string }, {
    targetUri: memberUri(origin, "mia"),
    postIds: [postId],
    comment: "also spam",
    forward: false,
  });
  assert.ok(byMo.ok);
  assert.ok(
    await receiveReport(s(), {
      uri: "https://far.example/flags/1",
      reporterUri: "https://far.example/actor",
      targetUri: memberUri(origin, "mia"),
      postIds: [postId],
      comment: "from afar",
    }),
  );
  const flag = await handle.db
    .selectFrom("reports")
    .select("id")
    .where("uri", "=", "https://far.example/flags/1")
    .executeTakeFirstOrThrow();
  const got = (await notices("report")).map((n) => `${n.username}:${n.subject_id}`).sort();
  assert.deepEqual(
    got,
    [
      `ada:${byBen.value.id}`,
      `ada:${byMo.value.id}`,
      `ada:${flag.id}`,
      `mo:${byBen.value.id}`,
      `mo:${flag.id}`,
    ].sort(),
  );
  // A bad report changes nothing: no report row, no notice.
  const bad = await report(s(), people.ben as { id: string; username: string }, {
    targetUri: memberUri(origin, "mia"),
    postIds: [postId],
    comment: "",
    forward: false,
  });
  assert.equal(bad.ok, false);
  assert.equal((await notices("report")).length, 5);
});

test("a moderated group's moderators hear of a request to join; an open group's do not", async () => {
  const g = { db: handle.db, origin, domain, clock };
  const mia = people.mia as { id: string; username: string };
  const moderated = await createGroup(g, mia, {
    name: "garden",
    kind: "working_group",
    displayName: "Garden",
    visibility: "public",
    moderated: true,
  });
  assert.ok(moderated.ok);
  const open = await createGroup(g, mia, {
    name: "kitchen",
    kind: "working_group",
    displayName: "Kitchen",
    visibility: "public",
    moderated: false,
  });
  assert.ok(open.ok);
  const ben = people.ben as { id: string; username: string };
  const asked = await joinGroup(g, ben, { group: moderated.value });
  assert.deepEqual(asked, { ok: true, value: "pending" });
  const joined = await joinGroup(g, ben, { group: open.value });
  assert.deepEqual(joined, { ok: true, value: "active" });
  // Asking twice is refused and tells no one again.
  const again = await joinGroup(g, ben, { group: moderated.value });
  assert.equal(again.ok, false);
  const got = await notices("group_join_request");
  assert.deepEqual(
    got.map((n) => [n.username, n.subject_id, n.from_uri]),
    [["mia", moderated.value.id, memberUri(origin, "ben")]],
  );
});

test("each notice is mailed once, in its member's language, unless they turned mail off", async () => {
  await handle.db
    .updateTable("accounts")
    .set({ language: "es" })
    .where("id", "=", (people.ada as { id: string }).id)
    .execute();
  await setNoticeMail(handle.db, (people.mo as { id: string }).id, false);
  const sent: NoticeMail[] = [];
  const send = async (m: NoticeMail) => void sent.push(m);
  let total = 0;
  for (let round = 0; round < 5; round++)
    total += await mailNotices(handle.db, { origin, domain }, send);
  assert.equal(total, sent.length);
  const summary = sent.map((m) => `${m.email} ${m.language} ${m.type}`).sort();
  assert.deepEqual(summary, [
    "ada@example.org es report",
    "ada@example.org es report",
    "ada@example.org es report",
    "ada@example.org es sign_up",
    "mia@example.org en group_join_request",
  ]);
  const join = sent.find((m) => m.type === "group_join_request");
  assert.equal(join?.groupName, "garden");
  assert.equal(join?.fromHandle, `@ben@${domain}`);
  const reports = sent.filter((m) => m.type === "report").map((m) => m.reportTarget);
  assert.deepEqual(reports, [`@mia@${domain}`, `@mia@${domain}`, `@mia@${domain}`]);
  // Claimed for good: nothing waits any more, and another sweep sends nothing.
  const waiting = await handle.db
    .selectFrom("notifications")
    .select("id")
    .where("mail_pending", "=", 1)
    .execute();
  assert.equal(waiting.length, 0);
  assert.equal(await mailNotices(handle.db, { origin, domain }, send), 0);
  // Written in the member's language, with where to act.
  const mailed: { to: string; subject: string; text: string }[] = [];
  const write = noticeMail({ send: async (m) => void mailed.push(m) }, origin);
  for (const m of sent.filter((x) => x.type !== "report")) await write(m);
  const [spanish, english] = [
    mailed.find((m) => m.to === "ada@example.org"),
    mailed.find((m) => m.to === "mia@example.org"),
  ];
  assert.equal(spanish?.subject, `newbie (@newbie@${domain}) solicitó unirse a la cooperativa`);
  assert.match(spanish?.text ?? "", new RegExp(`${origin}/admin/applications`));
  assert.equal(english?.subject, `ben (@ben@${domain}) asked to join Garden`);
  assert.match(english?.text ?? "", new RegExp(`${origin}/groups/garden/manage`));
});

test("the page gathers likes of one post, keeps a pending follow request, and stays in order", async () => {
  const mia = people.mia as { id: string; username: string };
  const liked = await post("mia", "soup recipe");
  for (const who of ["ben", "cai", "ada"]) {
    const r = await like(s(), people[who] as { id: string; username: string }, liked);
    assert.ok(r.ok);
    clock.advance(1000);
  }
  const boosted = await boost(s(), people.ben as { id: string; username: string }, liked);
  assert.ok(boosted.ok);
  await handle.db
    .insertInto("follow_policies")
    .values({ account_id: mia.id, manually_approves: 1 })
    .execute();
  const asked = await follow(
    handle.db,
    origin,
    people.cai as { id: string; username: string },
    { kind: "local", account: { id: mia.id, username: mia.username } },
    clock,
  );
  assert.ok(asked.ok);
  const viewer = { id: mia.id, uri: memberUri(origin, "mia") };
  const page = await noticeFeed(s(), viewer, { limit: 30 });
  const kinds = page.items.map((i) => `${i.type}:${i.count}`);
  assert.deepEqual(kinds.slice(0, 3), ["follow_request:1", "reblog:1", "favourite:3"]);
  const likes = page.items[2];
  assert.deepEqual(
    likes?.senders.map((n) => n.fromName),
    ["ada", "cai", "ben"],
  );
  assert.equal(likes?.post?.id, liked);
  assert.equal(page.items[0]?.pendingFollowId, asked.ok ? asked.value.id : null);
  assert.ok(page.anyUnread);
  // A page of two items stops at the likes' newest and goes on from there.
  const first = await noticeFeed(s(), viewer, { limit: 2 });
  assert.equal(first.items.length, 2);
  assert.ok(first.nextMaxId);
  const next = await noticeFeed(s(), viewer, { limit: 2, maxId: first.nextMaxId ?? "" });
  assert.equal(next.items[0]?.type, "favourite");
  assert.equal(next.items[0]?.count, 3);
});

test("the page reads in a fixed number of queries, however many items it shows", async () => {
  const mia = people.mia as { id: string; username: string };
  const viewer = { id: mia.id, uri: memberUri(origin, "mia") };
  const counted = async () => {
    let queries = 0;
    const db = handle.db.withPlugin({
      transformQuery: (args) => {
        queries++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    });
    const page = await noticeFeed({ ...s(), db }, viewer, { limit: 30 });
    return { queries, items: page.items.length };
  };
  const before = await counted();
  for (let i = 0; i < 12; i++) {
    const id = await post("mia", `post number ${i}`);
    assert.ok((await like(s(), people.cai as { id: string; username: string }, id)).ok);
    assert.ok((await boost(s(), people.ben as { id: string; username: string }, id)).ok);
  }
  const after = await counted();
  assert.ok(after.items >= before.items + 20, `${before.items} → ${after.items} items`);
  assert.equal(after.queries, before.queries);
});

test("a reply the member may not read is told without its words", async () => {
  const mia = people.mia as { id: string; username: string };
  const dan = await createAccount(
    handle.db,
    { username: "dan", email: "dan@example.org", password: "a long passphrase", role: "member" },
    { passwordCost: 8 },
  );
  assert.ok(dan.ok);
  const parent = await post("mia", "what shall we cook?");
  const reply = await createPost(s(), dan.value, {
    text: "for my followers only",
    spoiler: "",
    visibility: "followers",
    language: null,
    sensitive: false,
    inReplyToId: parent,
    mentions: [],
    media: [],
    poll: null,
  });
  assert.ok(reply.ok);
  const viewer = { id: mia.id, uri: memberUri(origin, "mia") };
  const replyItem = async () =>
    (await noticeFeed(s(), viewer, { limit: 30 })).items.find((i) => i.type === "reply");
  const before = await replyItem();
  assert.equal(before?.latest.postId, reply.value.id);
  assert.equal(before?.post, null, "not a follower of dan: no excerpt");
  const followed = await follow(
    handle.db,
    origin,
    mia,
    { kind: "local", account: { id: dan.value.id, username: "dan" } },
    clock,
  );
  assert.ok(followed.ok && followed.value.status === "accepted");
  assert.equal((await replyItem())?.post?.id, reply.value.id);
});

test("an edit tells boosters; a poll whose counts changed is not marked edited", async () => {
  const ben = people.ben as { id: string; username: string };
  const cai = people.cai as { id: string; username: string };
  const mine = await post("ben", "first words");
  assert.ok((await boost(s(), cai, mine)).ok);
  assert.ok(
    (
      await editPost(s(), ben, mine, {
        text: "better words",
        spoiler: "",
        sensitive: false,
        mentions: [],
      })
    ).ok,
  );
  const told = (await notices("update")).map((n) => n.username);
  assert.deepEqual(told, ["cai"]);

  const remoteId = "0190f0f0-0000-7000-8000-00000000f00d";
  await handle.db
    .insertInto("remote_actors")
    .values({
      id: remoteId,
      uri: "https://far.example/users/eve",
      handle: "eve@far.example",
      type: "Person",
      username: "eve",
      host: "far.example",
      url: null,
      avatar_url: null,
      header_url: null,
      inbox_url: "https://far.example/users/eve/inbox",
      shared_inbox_url: null,
      followers_url: null,
      following_url: null,
      fetched_at: clock.now().toISOString(),
      created_at: clock.now().toISOString(),
    })
    .execute();
  const poll = (votes: number) => ({
    uri: "https://far.example/notes/poll",
    url: null,
    authorUri: "https://far.example/users/eve",
    authorRemoteId: remoteId,
    visibility: "public" as const,
    inReplyToUri: null,
    contentHtml: "<p>Soup or salad?</p>",
    spoiler: "",
    sensitive: false,
    language: null,
    createdAt: clock.now().toISOString(),
    editedAt: null,
    mentions: [],
    tags: [],
    media: [],
    poll: {
      options: [
        { title: "Soup", votes },
        { title: "Salad", votes: 1 },
      ],
      multiple: false,
      expiresAt: null,
      closedAt: null,
      votersCount: votes + 1,
    },
  });
  const stored = await storeRemotePost(s(), poll(0));
  assert.ok(await updateRemotePost(s(), poll(5)));
  const edited = () =>
    handle.db
      .selectFrom("posts")
      .select("edited_at")
      .where("id", "=", stored.id)
      .executeTakeFirstOrThrow();
  assert.equal((await edited()).edited_at, null, "new counts are not an edit");
  const counts = await handle.db
    .selectFrom("polls")
    .select("options")
    .where("post_id", "=", stored.id)
    .executeTakeFirstOrThrow();
  assert.match(counts.options, /"votes":5/);
  assert.ok(await updateRemotePost(s(), { ...poll(5), contentHtml: "<p>Soup or bread?</p>" }));
  assert.ok((await edited()).edited_at, "a new question is an edit");
  // GoToSocial's `updated` has whole seconds: two edits in one second carry one time,
  // and each must still get a later edited_at (what the API's kept statuses check).
  const second = "2026-03-01T10:05:00Z";
  assert.ok(await updateRemotePost(s(), { ...poll(5), contentHtml: "<p>A</p>", editedAt: second }));
  const first = (await edited()).edited_at ?? "";
  assert.ok(await updateRemotePost(s(), { ...poll(5), contentHtml: "<p>B</p>", editedAt: second }));
  const then = (await edited()).edited_at ?? "";
  assert.ok(Date.parse(then) > Date.parse(first), `${then} after ${first}`);
});
