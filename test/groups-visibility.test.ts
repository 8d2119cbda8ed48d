/**
 * Issue 16: a members-only group's thread and reply (with a hashtag, a poll) are
 * invisible to a non-member and to a visitor through every route — web pages,
 * the Mastodon API, ActivityPub and streaming — and visible to a member through
 * the same routes (except those that never list group posts: the public
 * timelines and streams). Also: apps see a member's groups as read-only lists,
 * a reply through the API is written in the group under its rules, and deleting
 * one's own group post through the API is the group's deletion.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createGroup, type Group } from "../src/groups/groups.ts";
import { joinGroup } from "../src/groups/memberships.ts";
import { setThreadHidden, writeInGroup } from "../src/groups/threads.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { textPost } from "../src/social/posts.ts";
import { memberClient, until } from "./api-helpers.ts";
import { type EventStreamClient, openEventStream } from "./support/event-stream.ts";
import { type SignedIn, signIn } from "./support/login.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";
import { followedRemoteGroup } from "./support/remote-group.ts";

let node: TestNode;
const PASSWORD = "correct horse battery";
type Who = { id: string; token: string; web: SignedIn; username: string };
const people: Record<"mo" | "mem" | "out", Who> = {} as never;
let hush: Group;
let town: Group;
/** The members-only thread (with a poll) and a member's reply, both tagged #hushtag. */
let thread: { id: string; uri: string };
let reply: { id: string; uri: string };
const SECRET_TITLE = "Plan of the quiet ones";
const SECRETS = ["xyzzy", "plugh", SECRET_TITLE];

const db = () => node.node.db.db;

before(async () => {
  node = await startTestNode({ host: "127.0.26.1" });
  for (const username of ["mo", "mem", "out"] as const) {
    const { id, token } = await memberClient(node, username);
    people[username] = { id, token, username, web: await signIn(node, username, PASSWORD) };
  }
  const mo = people.mo;
  const made = await createGroup({ ...socialOf(node), clock: systemClock }, mo, {
    name: "hush",
    kind: "working_group",
    displayName: "The quiet ones",
    visibility: "members",
    moderated: false,
  });
  assert.ok(made.ok);
  hush = made.value;
  const open = await createGroup({ ...socialOf(node), clock: systemClock }, mo, {
    name: "town",
    kind: "working_group",
    displayName: "Town square",
    visibility: "public",
    moderated: false,
  });
  assert.ok(open.ok);
  town = open.value;
  assert.deepEqual(
    await joinGroup({ ...socialOf(node), clock: systemClock }, people.mem, { group: hush }),
    {
      ok: true,
      value: "active",
    },
  );
  const written = await writeInGroup(socialOf(node), hush, mo, {
    ...textPost("the xyzzy plan #hushtag"),
    title: SECRET_TITLE,
    poll: { options: ["yes", "no"], multiple: false, expiresInSeconds: 3600 },
  });
  assert.ok(written.ok);
  thread = written.value;
  // The member answers from an app: the reply is written in the group.
  const res = await api(people.mem, "POST", "/api/v1/statuses", {
    status: "plugh, agreed #hushtag",
    in_reply_to_id: thread.id,
    visibility: "public",
  });
  assert.equal(res.status, 200, await res.clone().text());
  const status = (await res.json()) as { id: string; uri: string; visibility: string };
  reply = { id: status.id, uri: status.uri };
  assert.equal(status.visibility, "private", "the group's visibility, not the app's choice");
});
after(() => node?.close());

function api(who: Who | null, method: string, path: string, body?: Record<string, unknown>) {
  return fetch(`${node.url}${path}`, {
    method,
    redirect: "manual",
    headers: {
      ...(who ? { authorization: `Bearer ${who.token}` } : {}),
      ...(body ? { "content-type": "application/json" } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
}

/** GETs a page as this person (or a visitor), following redirects with the session. */
async function page(
  who: Who | null,
  path: string,
): Promise<{ status: number; body: string; url: string }> {
  let url = `${node.url}${path}`;
  for (let hops = 0; hops < 5; hops++) {
    const res = await fetch(url, {
      redirect: "manual",
      headers: who ? { cookie: who.web.cookie } : {},
    });
    const location = res.headers.get("location");
    if (res.status >= 300 && res.status < 400 && location) {
      url = new URL(location, url).href;
      continue;
    }
    return { status: res.status, body: await res.text(), url };
  }
  assert.fail(`too many redirects from ${path}`);
}

const showsSecret = (text: string) => SECRETS.some((s) => text.includes(s));
const viewers = () => [
  { name: "a visitor", who: null },
  { name: "a non-member", who: people.out },
];

test("a reply through the API is the group's: its rules apply, and nothing is written when refused", async () => {
  const row = await db()
    .selectFrom("posts")
    .select(["audience_uri", "group_id", "visibility", "thread_id"])
    .where("id", "=", reply.id)
    .executeTakeFirstOrThrow();
  assert.deepEqual(row, {
    audience_uri: `${node.url}/groups/hush`,
    group_id: hush.id,
    visibility: "followers",
    thread_id: thread.id,
  });
  const announced = await db()
    .selectFrom("outbox_events")
    .select("payload")
    .where("type", "=", "groups.post.created")
    .execute();
  assert.ok(
    announced.some((e) => e.payload.includes(reply.id)),
    "the group announces the reply",
  );
  const count = async () =>
    Number(
      (await db().selectFrom("posts").select(db().fn.countAll().as("n")).executeTakeFirstOrThrow())
        .n,
    );
  const before = await count();
  // A non-member of a members-only group: the post is not there for them (404).
  const hidden = await api(people.out, "POST", "/api/v1/statuses", {
    status: "let me in",
    in_reply_to_id: thread.id,
  });
  assert.equal(hidden.status, 404);
  // A public group's thread is seen by anyone, but only members write in it (403).
  const open = await writeInGroup(socialOf(node), town, people.mo, {
    ...textPost("open to all"),
    title: "Hello town",
  });
  assert.ok(open.ok);
  const outsider = await api(people.out, "POST", "/api/v1/statuses", {
    status: "me too",
    in_reply_to_id: open.value.id,
  });
  assert.equal(outsider.status, 403);
  assert.match(((await outsider.json()) as { error: string }).error, /members/);
  assert.equal(await count(), before + 1, "only the town thread was written");
  // An app's retry with the same Idempotency-Key answers the first reply, here too.
  const retry = () =>
    fetch(`${node.url}/api/v1/statuses`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${people.mem.token}`,
        "content-type": "application/json",
        "idempotency-key": "reply-once",
      },
      body: JSON.stringify({ status: "once only", in_reply_to_id: thread.id }),
    }).then(async (r) => ((await r.json()) as { id: string }).id);
  const [a, b] = await Promise.all([retry(), retry()]);
  assert.equal(a, b);
  assert.equal(await retry(), a);
  assert.equal(await count(), before + 2);
  assert.equal((await api(people.mem, "DELETE", `/api/v1/statuses/${a}`)).status, 200);
});

test("web pages: invisible to a visitor and a non-member; a member reads them", async () => {
  const paths = [
    "/groups/hush",
    `/groups/hush/threads/${thread.id}`,
    `/posts/${thread.id}`,
    `/posts/${reply.id}`,
    `/@mo/${thread.id}`,
    `/@mem/${reply.id}`,
    `/posts/${thread.id}/report`,
    "/@mo",
    "/@mem",
    "/tags/hushtag",
    `/network?q=${encodeURIComponent(thread.uri)}`,
  ];
  for (const { name, who } of viewers())
    for (const path of paths) {
      const got = await page(who, path);
      assert.ok(!showsSecret(got.body), `${name} sees nothing of it on ${path}`);
      // A visitor may be sent to the login page instead.
      if (!path.startsWith("/network") && (path.includes(thread.id) || path.includes(reply.id)))
        assert.ok(got.status !== 200 || got.url.includes("/login"), `${name}: ${path}`);
    }
  const member = people.mem;
  for (const path of [
    "/groups/hush",
    `/groups/hush/threads/${thread.id}`,
    `/posts/${thread.id}`,
    `/posts/${reply.id}`,
  ]) {
    const got = await page(member, path);
    assert.equal(got.status, 200, path);
    assert.ok(got.body.includes(SECRET_TITLE), `the member sees the thread on ${path}`);
  }
  assert.ok((await page(member, `/posts/${reply.id}`)).body.includes("plugh"));
  assert.ok((await page(member, `/@mem/${reply.id}`)).body.includes("plugh"));
  assert.ok((await page(member, "/@mo")).body.includes("xyzzy"), "on its author's profile");
  assert.ok((await page(member, "/@mem")).body.includes("plugh"), "on its author's profile");
  const tag = (await page(member, "/tags/hushtag")).body;
  assert.ok(tag.includes("xyzzy") && tag.includes("plugh"), "on the hashtag page");
});

test("Mastodon API: 404 or absent for a visitor and a non-member; a member sees it", async () => {
  const moId = people.mo.id;
  const reads = [
    `/api/v1/accounts/${moId}/statuses`,
    `/api/v1/accounts/${people.mem.id}/statuses`,
    "/api/v1/timelines/tag/hushtag",
    "/api/v1/timelines/public",
    "/api/v1/timelines/public?local=true",
    `/api/v1/statuses?id[]=${thread.id}&id[]=${reply.id}`,
    "/api/v2/search?q=xyzzy&type=statuses",
    `/api/v2/search?q=${encodeURIComponent(thread.uri)}&type=statuses`,
    "/api/v2/search?q=hushtag&type=hashtags",
  ];
  for (const { name, who } of viewers()) {
    for (const id of [thread.id, reply.id]) {
      for (const path of [`/api/v1/statuses/${id}`, `/api/v1/statuses/${id}/context`])
        assert.equal((await api(who, "GET", path)).status, 404, `${name}: ${path}`);
    }
    assert.equal((await api(who, "GET", `/api/v1/polls/${thread.id}`)).status, 404);
    for (const path of reads) {
      const res = await api(who, "GET", path);
      const body = await res.text();
      // Search needs a token: a visitor is refused, which shows nothing either.
      assert.ok(!showsSecret(body) && !body.includes("hushtag"), `${name}: ${path}`);
    }
  }
  const out = people.out;
  for (const action of ["favourite", "reblog", "bookmark", "pin"])
    assert.equal(
      (await api(out, "POST", `/api/v1/statuses/${thread.id}/${action}`)).status,
      404,
      action,
    );
  assert.equal(
    (await api(out, "POST", `/api/v1/polls/${thread.id}/votes`, { choices: [0] })).status,
    404,
  );
  assert.equal((await api(out, "GET", "/api/v1/timelines/list/group:hush")).status, 404);
  assert.equal((await api(out, "GET", "/api/v1/lists/group:hush")).status, 404);
  const interactions = await db()
    .selectFrom("likes")
    .select("post_id")
    .where("post_id", "=", thread.id)
    .execute();
  assert.deepEqual(interactions, [], "nothing was written");

  // The member: the same routes show it (the public timelines never list group posts).
  const mem = people.mem;
  for (const id of [thread.id, reply.id])
    assert.equal((await api(mem, "GET", `/api/v1/statuses/${id}`)).status, 200);
  const context = (await (
    await api(mem, "GET", `/api/v1/statuses/${thread.id}/context`)
  ).json()) as {
    descendants: { id: string }[];
  };
  assert.deepEqual(
    context.descendants.map((s) => s.id),
    [reply.id],
  );
  const ids = async (path: string) =>
    ((await (await api(mem, "GET", path)).json()) as { id: string }[]).map((s) => s.id);
  assert.ok((await ids(`/api/v1/accounts/${moId}/statuses`)).includes(thread.id));
  assert.ok((await ids(`/api/v1/accounts/${mem.id}/statuses`)).includes(reply.id));
  assert.deepEqual(await ids("/api/v1/timelines/tag/hushtag"), [reply.id, thread.id]);
  assert.deepEqual(await ids(`/api/v1/statuses?id[]=${thread.id}&id[]=${reply.id}`), [
    thread.id,
    reply.id,
  ]);
  assert.deepEqual(await ids("/api/v1/timelines/list/group:hush"), [reply.id, thread.id]);
  assert.ok(!(await ids("/api/v1/timelines/public")).includes(thread.id));
  const tags = (await (await api(mem, "GET", "/api/v2/search?q=hushtag&type=hashtags")).json()) as {
    hashtags: { name: string }[];
  };
  assert.deepEqual(
    tags.hashtags.map((h) => h.name),
    ["hushtag"],
  );
  const found = (await (
    await api(mem, "GET", `/api/v2/search?q=${encodeURIComponent(thread.uri)}&type=statuses`)
  ).json()) as { statuses: { id: string }[] };
  assert.deepEqual(
    found.statuses.map((s) => s.id),
    [thread.id],
  );
  for (const action of ["favourite", "bookmark"])
    assert.equal(
      (await api(mem, "POST", `/api/v1/statuses/${thread.id}/${action}`)).status,
      200,
      action,
    );
  const voted = await api(mem, "POST", `/api/v1/polls/${thread.id}/votes`, { choices: [0] });
  assert.equal(voted.status, 200);
  assert.equal(((await voted.json()) as { voted: boolean }).voted, true);
});

test("the Status of a thread shows its title first, as Mastodon shows a Lemmy post", async () => {
  const status = (await (await api(people.mem, "GET", `/api/v1/statuses/${thread.id}`)).json()) as {
    content: string;
    spoiler_text: string;
    visibility: string;
  };
  assert.match(
    status.content,
    /^<p><strong>Plan of the quiet ones<\/strong><\/p><p>the xyzzy plan/,
  );
  assert.equal(status.spoiler_text, "");
  assert.equal(status.visibility, "private");
});

test("ActivityPub: the post ids answer 404 to an unsigned fetch", async () => {
  for (const uri of [thread.uri, reply.uri]) {
    const res = await fetch(uri, { headers: { accept: "application/activity+json" } });
    assert.equal(res.status, 404, uri);
    assert.ok(!showsSecret(await res.text()));
  }
});

test("lists: a member's groups are read-only lists; real lists keep working", async () => {
  const mem = people.mem;
  const made = await api(mem, "POST", "/api/v1/lists", { title: "Friends" });
  assert.equal(made.status, 200);
  const friends = (await made.json()) as { id: string };
  const lists = (await (await api(mem, "GET", "/api/v1/lists")).json()) as {
    id: string;
    title: string;
  }[];
  assert.deepEqual(
    lists.map((l) => [l.id, l.title]),
    [
      [friends.id, "Friends"],
      // Every member is in the assembly.
      ["group:assembly", "Assembly"],
      ["group:hush", "The quiet ones"],
    ],
  );
  const outs = (await (await api(people.out, "GET", "/api/v1/lists")).json()) as { id: string }[];
  assert.deepEqual(
    outs.map((l) => l.id),
    ["group:assembly"],
  );
  assert.deepEqual(await (await api(mem, "GET", "/api/v1/lists/group:hush")).json(), {
    id: "group:hush",
    title: "The quiet ones",
    replies_policy: "list",
    exclusive: false,
  });
  // An app that encodes the id in its path reaches the same list.
  assert.equal((await api(mem, "GET", "/api/v1/lists/group%3Ahush")).status, 200);
  for (const [method, path, body] of [
    ["PUT", "/api/v1/lists/group:hush", { title: "Mine now" }],
    ["DELETE", "/api/v1/lists/group:hush", undefined],
    ["POST", "/api/v1/lists/group:hush/accounts", { account_ids: [people.out.id] }],
    ["DELETE", "/api/v1/lists/group:hush/accounts", { account_ids: [people.mo.id] }],
  ] as const) {
    const res = await api(mem, method, path, body);
    assert.equal(res.status, 403, `${method} ${path}`);
    assert.match(((await res.json()) as { error: string }).error, /group/);
    // Someone not in the group gets what an unknown list gets.
    assert.equal((await api(people.out, method, path, body)).status, 404);
  }
  assert.deepEqual(await (await api(mem, "GET", "/api/v1/lists/group:hush/accounts")).json(), []);
  assert.equal((await api(mem, "GET", "/api/v1/lists/group:nowhere")).status, 404);
  // The real list is untouched by all this, and still renamed, read and deleted.
  const renamed = await api(mem, "PUT", `/api/v1/lists/${friends.id}`, { title: "Pals" });
  assert.equal(((await renamed.json()) as { title: string }).title, "Pals");
  assert.equal((await api(mem, "GET", `/api/v1/timelines/list/${friends.id}`)).status, 200);
  assert.equal((await api(mem, "DELETE", `/api/v1/lists/${friends.id}`)).status, 200);
});

test("a group's list timeline pages like any other: max_id, since_id, min_id, Link", async () => {
  const s = socialOf(node);
  const more: string[] = [];
  for (let i = 0; i < 3; i++) {
    const r = await writeInGroup(s, hush, people.mem, {
      ...textPost(`more ${i}`),
      inReplyToId: thread.id,
    });
    assert.ok(r.ok);
    more.push(r.value.id);
  }
  const all = [...more].reverse().concat(reply.id, thread.id);
  const mem = people.mem;
  const get = async (query: string) => {
    const res = await api(mem, "GET", `/api/v1/timelines/list/group:hush${query}`);
    return {
      ids: ((await res.json()) as { id: string }[]).map((x) => x.id),
      link: res.headers.get("link") ?? "",
    };
  };
  const first = await get("?limit=2");
  assert.deepEqual(first.ids, all.slice(0, 2));
  assert.match(first.link, new RegExp(`max_id=${all[1]}>; rel="next"`));
  assert.deepEqual((await get(`?limit=2&max_id=${all[1]}`)).ids, all.slice(2, 4));
  assert.deepEqual((await get(`?since_id=${all[2]}`)).ids, all.slice(0, 2));
  assert.deepEqual((await get(`?limit=1&min_id=${all[2]}`)).ids, [all[1]]);
  // A hidden thread leaves the list, replies and all, for everyone but its moderators.
  const hide = (hidden: boolean) => setThreadHidden(s, hush, thread.id, people.mo, { hidden });
  assert.ok((await hide(true)).ok);
  assert.deepEqual((await get("")).ids, []);
  assert.equal((await api(mem, "GET", `/api/v1/statuses/${more[0]}`)).status, 404);
  assert.equal((await api(people.mo, "GET", `/api/v1/statuses/${more[0]}`)).status, 200);
  assert.ok((await hide(false)).ok);
  assert.deepEqual((await get("")).ids, all);
});

/** Waits until an SSE client got an event whose payload names this status id. */
const got = (c: EventStreamClient, event: string, id: string) =>
  c.events.some((e) => e.event === event && (e.data === id || e.data.includes(`"id":"${id}"`)));

test("streaming: a members-only group post and its edit reach a member's group list, never others' user, public or hashtag streams", async () => {
  const { mo, mem, out } = people;
  // out follows mo, so mo's ordinary posts reach out's user stream (the marker below).
  const moAccount = (await (await api(out, "GET", "/api/v1/accounts/lookup?acct=mo")).json()) as {
    id: string;
  };
  assert.equal((await api(out, "POST", `/api/v1/accounts/${moAccount.id}/follow`)).status, 200);
  const base = `${node.url}/api/v1/streaming`;
  const watching = {
    "out user": await openEventStream(`${base}/user`, out.token),
    "out public": await openEventStream(`${base}/public`, out.token),
    "out hashtag": await openEventStream(`${base}/hashtag?tag=hushtag`, out.token),
    "visitor public": await openEventStream(`${base}/public`),
    "visitor hashtag": await openEventStream(`${base}/hashtag?tag=hushtag`),
    // Hashtag streams carry public posts, as Mastodon's (the tag's timeline lists more).
    "member hashtag": await openEventStream(`${base}/hashtag?tag=hushtag`, mem.token),
  };
  const list = await openEventStream(`${base}/list?list=group:hush`, mem.token);
  const notMine = await openEventStream(`${base}/list?list=group:hush`, out.token);
  assert.equal(notMine.status, 404, "a group one is not in cannot be streamed");
  try {
    for (const c of [...Object.values(watching), list]) assert.equal(c.status, 200);
    const secret = await writeInGroup(socialOf(node), hush, mo, {
      ...textPost("xyzzy again #hushtag"),
      title: "Another quiet plan",
    });
    assert.ok(secret.ok);
    await until(
      async () => got(list, "update", secret.value.id),
      "the member's group list gets the thread",
    );
    const edited = await api(mo, "PUT", `/api/v1/statuses/${secret.value.id}`, {
      status: "xyzzy edited #hushtag",
    });
    assert.equal(edited.status, 200);
    await until(async () => got(list, "status.update", secret.value.id), "and its edit");
    // A public post of mo's, after both: once every stream has it (and its edit), the
    // group post and its edit had their chance to arrive too.
    const marker = (await (
      await api(mo, "POST", "/api/v1/statuses", { status: "marker #hushtag" })
    ).json()) as { id: string };
    await api(mo, "PUT", `/api/v1/statuses/${marker.id}`, { status: "marker, edited #hushtag" });
    for (const [name, c] of Object.entries(watching)) {
      await until(async () => got(c, "status.update", marker.id), `${name} gets the marker's edit`);
      assert.ok(
        !c.events.some((e) => showsSecret(e.data) || e.data.includes(secret.value.id)),
        `${name} never hears of the group post`,
      );
    }
    assert.ok(!got(list, "update", marker.id), "the group's list carries the group's posts only");
    // Deleting it through the API is the group's deletion, heard on the list.
    assert.equal((await api(mo, "DELETE", `/api/v1/statuses/${secret.value.id}`)).status, 200);
    await until(
      async () => got(list, "delete", secret.value.id),
      "the deletion on the group's list",
    );
    const deleted = await db()
      .selectFrom("outbox_events")
      .select("type")
      .where("payload", "like", `%${secret.value.id}%`)
      .execute();
    assert.ok(deleted.some((e) => e.type === "groups.post.deleted"));
    assert.ok(!deleted.some((e) => e.type === "post.deleted"), "not an ordinary post's deletion");
    assert.equal((await api(mem, "GET", `/api/v1/statuses/${secret.value.id}`)).status, 404);
    // Someone else's group post is not theirs to delete from an app.
    assert.equal((await api(mo, "DELETE", `/api/v1/statuses/${reply.id}`)).status, 404);
    assert.equal((await api(mem, "GET", `/api/v1/statuses/${reply.id}`)).status, 200);
  } finally {
    for (const c of [...Object.values(watching), list, notMine]) c.close();
  }
});

test("a group elsewhere: its posts in the member's list, nobody else's", async () => {
  const crew = await followedRemoteGroup(node, "127.0.26.9:1", "crew", people.mem);
  const crewThread = await crew.post({ text: "crew xyzzy", title: "Crew plans" });
  const mem = people.mem;
  const lists = (await (await api(mem, "GET", "/api/v1/lists")).json()) as {
    id: string;
    title: string;
  }[];
  assert.ok(lists.some((l) => l.id === `group:${crew.handle}` && l.title === "The crew"));
  const res = await api(mem, "GET", `/api/v1/timelines/list/group:${crew.handle}`);
  const statuses = (await res.json()) as { content: string }[];
  assert.deepEqual(
    statuses.map((x) => x.content),
    ["<p><strong>Crew plans</strong></p><p>crew xyzzy</p>"],
  );
  const path = `/api/v1/timelines/list/group:${crew.handle}`;
  assert.equal((await api(people.out, "GET", path)).status, 404);
  // Answering it from an app sends the reply to that Group (writeInRemoteGroup).
  const answer = await api(mem, "POST", "/api/v1/statuses", {
    status: "on my way",
    in_reply_to_id: crewThread.id,
  });
  assert.equal(answer.status, 200);
  const sent = (await answer.json()) as { id: string; visibility: string };
  assert.equal(sent.visibility, "private", "as its parent");
  const events = await db()
    .selectFrom("outbox_events")
    .select("payload")
    .where("type", "=", "groups.post.sent")
    .execute();
  assert.ok(events.some((e) => e.payload.includes(sent.id)));
  const refused = await api(people.out, "POST", "/api/v1/statuses", {
    status: "me too",
    in_reply_to_id: crewThread.id,
  });
  assert.equal(refused.status, 404);
});
