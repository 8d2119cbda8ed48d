/**
 * Groups on one node: the shared WebFinger namespace (a group may not take a
 * username, nor a member a group's name), the assembly, forms that refuse bad
 * input with 422/403 and change nothing, who may admit and remove, who may read
 * a members-only group, the voting-eligibility rule, and export and deletion.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createAccount } from "../src/accounts/accounts.ts";
import { deleteAccount } from "../src/accounts/data.ts";
import type { GroupsContext } from "../src/groups/context.ts";
import { groupsContributor } from "../src/groups/data.ts";
import { joinWithOurCoop, receiveDelegate } from "../src/groups/federations.ts";
import { assembly, createGroup, findGroup } from "../src/groups/groups.ts";
import { joinGroup, standingOf } from "../src/groups/memberships.ts";
import { eligibleVoters } from "../src/groups/voting.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { socialContributor } from "../src/social/data.ts";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
let ada: SignedIn;
let bea: SignedIn;
let adaId: string;
let beaId: string;

before(async () => {
  node = await startTestNode({ host: "127.0.20.1" });
  adaId = (await createMember(node, { username: "ada", password: "password123", role: "admin" }))
    .id;
  beaId = (await createMember(node, { username: "bea", password: "password123" })).id;
  ada = await signIn(node, "ada", "password123");
  bea = await signIn(node, "bea", "password123");
});
after(() => node?.close());

const db = () => node.node.db.db;
/** The groups capability's context on the node. */
const on = (): GroupsContext => ({
  db: db(),
  origin: node.url,
  domain: node.domain,
  clock: systemClock,
});
const groupCount = async () =>
  Number(
    (await db().selectFrom("groups").select(db().fn.countAll().as("n")).executeTakeFirstOrThrow())
      .n,
  );
const memberRows = async (name: string) => {
  const group = await findGroup(db(), name);
  assert.ok(group);
  return db().selectFrom("group_members").selectAll().where("group_id", "=", group.id).execute();
};

test("group names and usernames share one namespace", async () => {
  const taken = await createGroup(
    on(),
    { id: adaId, username: "ada" },
    {
      name: "BEA",
      kind: "working_group",
      displayName: "B",
      visibility: "public",
      moderated: false,
    },
  );
  assert.deepEqual(taken, { ok: false, reason: "name-taken" });
  const reserved = await createGroup(
    on(),
    { id: adaId, username: "ada" },
    {
      name: "coop",
      kind: "working_group",
      displayName: "C",
      visibility: "public",
      moderated: false,
    },
  );
  assert.deepEqual(reserved, { ok: false, reason: "reserved-name" });
  const made = await createGroup(
    on(),
    { id: adaId, username: "ada" },
    {
      name: "gardens",
      kind: "working_group",
      displayName: "Gardens",
      visibility: "public",
      moderated: false,
    },
  );
  assert.ok(made.ok);
  // The other way round: no member may take the group's name (any case).
  const account = await createAccount(
    db(),
    { username: "Gardens", email: "g@example.test", password: "password123" },
    { passwordCost: node.node.config.passwordCost },
  );
  assert.deepEqual(account, { ok: false, reason: "username-taken" });
  assert.equal(
    await db()
      .selectFrom("accounts")
      .select("id")
      .where("email", "=", "g@example.test")
      .executeTakeFirst(),
    undefined,
  );
  // WebFinger answers for the group with its Group actor.
  const jrd = (await (
    await fetch(`${node.url}/.well-known/webfinger?resource=acct:gardens@${node.domain}`)
  ).json()) as { links: { href: string }[] };
  assert.equal(jrd.links[0]?.href, `${node.url}/groups/gardens`);
  const actor = (await (
    await fetch(`${node.url}/groups/gardens`, { headers: { accept: "application/activity+json" } })
  ).json()) as {
    type: string;
    attributedTo: string;
    postingRestrictedToMods: boolean;
    publicKey: { publicKeyPem: string };
  };
  assert.equal(actor.type, "Group");
  assert.equal(actor.attributedTo, `${node.url}/groups/gardens/moderators`);
  assert.equal(actor.postingRestrictedToMods, false);
  assert.ok(actor.publicKey.publicKeyPem.includes("PUBLIC KEY"));
  const moderators = (await (
    await fetch(`${node.url}/groups/gardens/moderators`, {
      headers: { accept: "application/activity+json" },
    })
  ).json()) as { orderedItems: string[] };
  assert.deepEqual(moderators.orderedItems, [`${node.url}/users/ada`]);
});

test("every active member is in the assembly, without joining", async () => {
  const group = await assembly(db());
  assert.equal(
    (await standingOf(db(), node.url, group, { id: beaId, username: "bea" })).status,
    "active",
  );
  assert.deepEqual(await joinGroup(on(), { id: beaId, username: "bea" }, { group }), {
    ok: false,
    reason: "assembly",
  });
  const page = await (await bea.get(`/groups/${group.name}`)).text();
  assert.match(page, /Every active member/);
});

test("the create form: bad input is 422, a federation needs an admin (403); nothing is written", async () => {
  const before = await groupCount();
  const bad = await bea.post("/groups", {
    kind: "working_group",
    name: "no spaces!",
    displayName: "",
    visibility: "public",
  });
  assert.equal(bad.status, 422);
  assert.match(await bad.text(), /letters, digits or underscores/);
  const clash = await bea.post("/groups", {
    kind: "working_group",
    name: "ada",
    displayName: "Ada's",
    visibility: "public",
  });
  assert.equal(clash.status, 422);
  const federation = await bea.post("/groups", {
    kind: "federation",
    name: "fed",
    displayName: "Fed",
    visibility: "public",
  });
  assert.equal(federation.status, 403);
  const noCsrf = await fetch(`${node.url}/groups`, {
    method: "POST",
    headers: { cookie: bea.cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      kind: "working_group",
      name: "sneaky",
      displayName: "S",
      visibility: "public",
    }),
  });
  assert.equal(noCsrf.status, 403);
  assert.equal(await groupCount(), before);
  const ok = await bea.post("/groups", {
    kind: "working_group",
    name: "bakery",
    displayName: "Bakery",
    visibility: "members",
    moderated: "on",
  });
  assert.equal(ok.status, 303);
  assert.equal(await groupCount(), before + 1);
});

test("only moderators admit and remove; only members read a members-only group", async () => {
  // bea made "bakery" (members only, moderated); ada asks to join.
  assert.equal((await ada.post("/groups/bakery/join", {})).status, 303);
  const request = (await memberRows("bakery")).find((r) => r.status === "pending");
  assert.ok(request);
  // ada cannot read the threads yet, nor see the management page, nor admit herself.
  assert.match(await (await ada.get("/groups/bakery")).text(), /Only members can read/);
  assert.equal((await ada.get("/groups/bakery/manage")).status, 403);
  assert.equal((await ada.post(`/groups/bakery/members/${request.id}/approve`, {})).status, 403);
  assert.equal((await memberRows("bakery")).find((r) => r.id === request.id)?.status, "pending");
  // bea writes a thread; ada cannot open it.
  const thread = await bea.post("/groups/bakery/threads", {
    title: "Sourdough",
    content: "Starter schedule",
  });
  assert.equal(thread.status, 303);
  const threadPath = thread.headers.get("location") ?? "";
  assert.equal((await ada.get(threadPath)).status, 403);
  assert.equal((await fetch(`${node.url}${threadPath}`, { redirect: "manual" })).status, 303);
  // A thread with no title is refused and nothing is written.
  const posts = async () => (await db().selectFrom("posts").select("id").execute()).length;
  const count = await posts();
  assert.equal((await bea.post("/groups/bakery/threads", { title: "", content: "x" })).status, 422);
  assert.equal(
    (await ada.post("/groups/bakery/threads", { title: "Hi", content: "x" })).status,
    403,
  );
  assert.equal(await posts(), count);
  // bea admits ada, who can now read and reply.
  assert.equal((await bea.post(`/groups/bakery/members/${request.id}/approve`, {})).status, 303);
  assert.match(await (await ada.get(threadPath)).text(), /Starter schedule/);
  assert.equal((await ada.post(`${threadPath}/replies`, { content: "Every morning" })).status, 303);
  // A post's ActivityPub id opened in a browser leads to its thread.
  const reply = await db()
    .selectFrom("posts")
    .selectAll()
    .where("author_account_id", "=", adaId)
    .executeTakeFirstOrThrow();
  const opened = await ada.get(new URL(reply.uri).pathname);
  assert.equal(opened.status, 302);
  assert.equal(opened.headers.get("location"), `${threadPath}#p-${reply.id}`);
  // A member cannot remove the admin, nor change roles.
  const beaRow = (await memberRows("bakery")).find((r) => r.account_id === beaId);
  assert.ok(beaRow);
  assert.equal((await ada.post(`/groups/bakery/members/${beaRow.id}/remove`, {})).status, 403);
  assert.equal(
    (await ada.post(`/groups/bakery/members/${beaRow.id}/role`, { role: "member" })).status,
    403,
  );
  assert.equal((await memberRows("bakery")).find((r) => r.id === beaRow.id)?.role, "admin");
  // The admin removes ada.
  const adaRow = (await memberRows("bakery")).find((r) => r.account_id === adaId);
  assert.ok(adaRow);
  assert.equal((await bea.post(`/groups/bakery/members/${adaRow.id}/remove`, {})).status, 303);
  assert.equal(
    (await memberRows("bakery")).some((r) => r.account_id === adaId),
    false,
  );
});

test("settings: only the group's admins change them; bad input is 422 and changes nothing", async () => {
  // ada was removed from bakery; she joins again and is a plain member.
  assert.equal((await ada.post("/groups/bakery/join", {})).status, 303);
  const request = (await memberRows("bakery")).find((r) => r.account_id === adaId);
  assert.ok(request);
  assert.equal((await bea.post(`/groups/bakery/members/${request.id}/approve`, {})).status, 303);
  const form = { displayName: "Bakery co-op", description: "Bread", visibility: "public" };
  assert.equal((await ada.post("/groups/bakery/settings", form)).status, 403);
  assert.equal(
    (await bea.post("/groups/bakery/settings", { ...form, displayName: "" })).status,
    422,
  );
  assert.equal((await findGroup(db(), "bakery"))?.display_name, "Bakery");
  assert.equal((await bea.post("/groups/bakery/settings", form)).status, 303);
  const group = await findGroup(db(), "bakery");
  assert.equal(group?.display_name, "Bakery co-op");
  assert.equal(group?.visibility, "public");
  assert.equal(group?.moderated, 0);
});

test("an invited member sees the invitation and joins at once, even in a moderated group", async () => {
  const cid = (await createMember(node, { username: "cy", password: "password123" })).id;
  const cy = await signIn(node, "cy", "password123");
  // bakery is no longer moderated (settings test); council is.
  assert.equal(
    (
      await bea.post("/groups", {
        kind: "working_group",
        name: "council",
        displayName: "Council",
        visibility: "members",
        moderated: "on",
      })
    ).status,
    303,
  );
  assert.equal((await ada.post("/groups/council/invite", { who: "cy" })).status, 403);
  assert.equal((await bea.post("/groups/council/invite", { who: "nobody_here" })).status, 422);
  assert.equal((await bea.post("/groups/council/invite", { who: "cy" })).status, 303);
  assert.match(await (await cy.get("/groups")).text(), /You are invited to[\s\S]*Council/);
  assert.equal((await cy.post("/groups/council/join", {})).status, 303);
  const row = (await memberRows("council")).find((r) => r.account_id === cid);
  assert.equal(row?.status, "active");
});

test("delegates: only a member co-op names them, and only its own people", async () => {
  const fed = await createGroup(
    on(),
    { id: adaId, username: "ada" },
    {
      name: "fed_here",
      kind: "federation",
      displayName: "Fed",
      visibility: "public",
      moderated: false,
    },
  );
  assert.ok(fed.ok);
  const coop = "https://other.example/users/coop";
  const person = "https://other.example/users/rosa";
  assert.deepEqual(
    await receiveDelegate(
      on(),
      { uri: coop },
      { group: fed.value, delegateUri: person, add: true },
    ),
    { ok: false, reason: "not-a-member-coop" },
  );
  assert.ok((await joinWithOurCoop(on(), { id: adaId, username: "ada" }, { group: fed.value })).ok);
  const ours = `${node.url}/users/coop`;
  assert.deepEqual(
    await receiveDelegate(
      on(),
      { uri: ours },
      { group: fed.value, delegateUri: person, add: true },
    ),
    { ok: false, reason: "not-its-member" },
  );
  assert.deepEqual(
    await receiveDelegate(
      on(),
      { uri: ours },
      { group: fed.value, delegateUri: `${node.url}/users/bea`, add: true },
    ),
    { ok: true, value: null },
  );
  const rows = await db()
    .selectFrom("group_delegates")
    .selectAll()
    .where("group_id", "=", fed.value.id)
    .execute();
  assert.deepEqual(
    rows.map((r) => r.delegate_uri),
    [`${node.url}/users/bea`],
  );
});

test("eligibleVoters: members vote in groups; in federations, delegates per co-op or members directly", () => {
  const person = (uri: string, status: "active" | "pending" = "active") =>
    ({ actorUri: uri, actorKind: "person", status, role: "member" }) as const;
  assert.deepEqual(
    eligibleVoters({
      kind: "working_group",
      votingMode: "delegates",
      members: [person("a"), person("b", "pending")],
    }),
    [{ countsFor: "a", castBy: ["a"] }],
  );
  const federation = {
    kind: "federation" as const,
    votingMode: "delegates" as const,
    members: [
      {
        actorUri: "c1",
        actorKind: "coop" as const,
        status: "active" as const,
        role: "member" as const,
        delegates: ["d1", "d2"],
        coopMembers: ["d1", "d2", "m1"],
      },
      {
        actorUri: "c2",
        actorKind: "coop" as const,
        status: "active" as const,
        role: "member" as const,
        delegates: [],
        coopMembers: ["m2"],
      },
      {
        actorUri: "c3",
        actorKind: "coop" as const,
        status: "pending" as const,
        role: "member" as const,
        delegates: ["d3"],
        coopMembers: ["m3"],
      },
      person("lurker"),
    ],
  };
  assert.deepEqual(eligibleVoters(federation), [{ countsFor: "c1", castBy: ["d1", "d2"] }]);
  assert.deepEqual(
    eligibleVoters(federation, "direct").map((b) => b.countsFor),
    ["d1", "d2", "m1", "m2"],
  );
});

test("export lists memberships, and posts in groups with their group; deletion erases them", async () => {
  const exported = (await groupsContributor(on()).export(db(), beaId)) as {
    memberships: { group: string }[];
  };
  assert.ok(exported.memberships.some((m) => m.group === "bakery"));
  // A post in a group is a post: the social contributor exports it, naming its group.
  const social = (await socialContributor.export(db(), beaId)) as {
    posts: { kind: string; title: string; group: string | null }[];
  };
  const inGroups = social.posts.filter((p) => p.group === `${node.url}/groups/bakery`);
  assert.deepEqual(
    inGroups.map((p) => [p.kind, p.title]),
    [["page", "Sourdough"]],
  );
  const deleted = await deleteAccount(db(), beaId, {
    contributors: [groupsContributor(on()), socialContributor],
    dataDir: node.node.config.dataDir,
  });
  assert.ok(deleted.ok);
  assert.equal(
    (await db().selectFrom("group_members").select("id").where("account_id", "=", beaId).execute())
      .length,
    0,
  );
  const left = await db()
    .selectFrom("posts")
    .selectAll()
    .where("author_account_id", "=", beaId)
    .execute();
  assert.deepEqual(left, []);
});

test("deleting posts: the author or a moderator; others get 403/404 and nothing changes", async () => {
  // cyd's account was deleted above: cyd founds the group (its admin).
  const cydId = (await createMember(node, { username: "cyd", password: "password123" })).id;
  const cyd = await signIn(node, "cyd", "password123");
  assert.equal(
    (
      await cyd.post("/groups", {
        kind: "working_group",
        name: "pantry",
        displayName: "Pantry",
        visibility: "public",
      })
    ).status,
    303,
  );
  assert.equal((await ada.post("/groups/pantry/join", {})).status, 303);
  const thread = await ada.post("/groups/pantry/threads", { title: "Jars", content: "Need jars" });
  assert.equal(thread.status, 303);
  const threadPath = thread.headers.get("location") ?? "";
  const threadId = threadPath.split("/").pop() ?? "";
  assert.equal((await cyd.post(`${threadPath}/replies`, { content: "I have ten" })).status, 303);
  const rows = () =>
    db().selectFrom("posts").selectAll().where("thread_id", "=", threadId).execute();
  const cydReply = (await rows()).find((r) => r.author_account_id === cydId);
  assert.ok(cydReply);
  const events = async () =>
    (
      await db()
        .selectFrom("outbox_events")
        .select("id")
        .where("type", "=", "groups.post.deleted")
        .execute()
    ).length;
  const before = await events();
  // ada, a plain member, may not delete cyd's reply; an unknown post is 404; nothing changes.
  assert.equal((await ada.post(`/groups/pantry/posts/${cydReply.id}/delete`, {})).status, 403);
  assert.equal(
    (await ada.post("/groups/pantry/posts/00000000-0000-7000-8000-000000000000/delete", {})).status,
    404,
  );
  // Nor through another group's address.
  assert.equal((await cyd.post(`/groups/bakery/posts/${cydReply.id}/delete`, {})).status, 404);
  assert.ok((await rows()).every((r) => r.deleted_at === null));
  assert.equal(await events(), before);
  // cyd (the group's admin) deletes a reply of ada's; ada deletes her own thread.
  assert.equal((await ada.post(`${threadPath}/replies`, { content: "Thanks" })).status, 303);
  const adaReply = (await rows()).find((r) => r.content_html.includes("Thanks"));
  assert.ok(adaReply);
  assert.equal((await cyd.post(`/groups/pantry/posts/${adaReply.id}/delete`, {})).status, 303);
  assert.equal((await ada.post(`/groups/pantry/posts/${threadId}/delete`, {})).status, 303);
  const after = await rows();
  assert.ok(after.find((r) => r.id === adaReply.id)?.deleted_at);
  assert.ok(after.find((r) => r.id === threadId)?.deleted_at);
  assert.equal(after.find((r) => r.id === threadId)?.content_html, "");
  assert.equal(await events(), before + 2);
  // The thread is gone from the group, its page and its ActivityPub id answer 410.
  assert.doesNotMatch(await (await cyd.get("/groups/pantry")).text(), /Jars/);
  assert.equal((await cyd.get(threadPath)).status, 410);
  const uri = after.find((r) => r.id === threadId)?.uri ?? "";
  const gone = await fetch(uri, { headers: { accept: "application/activity+json" } });
  assert.equal(gone.status, 410);
  assert.equal(((await gone.json()) as { type: string }).type, "Tombstone");
  // Deleting again is 404 and records nothing.
  assert.equal((await ada.post(`/groups/pantry/posts/${threadId}/delete`, {})).status, 404);
  assert.equal(await events(), before + 2);
});

test("a ban: removed and refused until lifted; only moderators ban; shown and logged", async () => {
  const cyd = await signIn(node, "cyd", "password123");
  const adaRow = (await memberRows("pantry")).find((r) => r.account_id === adaId);
  assert.ok(adaRow);
  const bans = () => db().selectFrom("group_bans").selectAll().execute();
  // ada, a plain member, cannot ban cyd (the admin) nor anyone; nothing changes.
  const cydRow = (await memberRows("pantry")).find((r) => r.role === "admin");
  assert.ok(cydRow);
  assert.equal(
    (await ada.post(`/groups/pantry/members/${cydRow.id}/ban`, { reason: "x" })).status,
    403,
  );
  assert.equal((await bans()).length, 0);
  // A reason too long is 422 and nothing changes.
  assert.equal(
    (await cyd.post(`/groups/pantry/members/${adaRow.id}/ban`, { reason: "x".repeat(501) })).status,
    422,
  );
  assert.ok((await memberRows("pantry")).some((r) => r.id === adaRow.id));
  assert.equal((await bans()).length, 0);
  assert.equal(
    (await cyd.post(`/groups/pantry/members/${adaRow.id}/ban`, { reason: "Spam" })).status,
    303,
  );
  assert.equal(
    (await memberRows("pantry")).some((r) => r.account_id === adaId),
    false,
  );
  const [ban] = await bans();
  assert.equal(ban?.actor_uri, `${node.url}/users/ada`);
  assert.equal(ban?.banned_by, `${node.url}/users/cyd`);
  assert.equal(ban?.reason, "Spam");
  // ada may not come back, nor be invited; the ban and the log show on the manage page.
  assert.equal((await ada.post("/groups/pantry/join", {})).status, 403);
  assert.equal((await cyd.post("/groups/pantry/invite", { who: "ada" })).status, 422);
  assert.equal(
    (await memberRows("pantry")).some((r) => r.account_id === adaId),
    false,
  );
  const page = await (await cyd.get("/groups/pantry/manage")).text();
  assert.match(page, /users\/ada/);
  assert.match(page, /Spam/);
  assert.match(page, /cyd banned/);
  assert.match(page, /cyd deleted/);
  // ada cannot lift her own ban (she is no moderator); cyd can, and ada joins again.
  assert.equal(
    (await ada.post("/groups/pantry/bans/remove", { actor: `${node.url}/users/ada` })).status,
    403,
  );
  assert.equal((await bans()).length, 1);
  assert.equal(
    (await cyd.post("/groups/pantry/bans/remove", { actor: `${node.url}/users/nobody` })).status,
    404,
  );
  assert.equal(
    (await cyd.post("/groups/pantry/bans/remove", { actor: `${node.url}/users/ada` })).status,
    303,
  );
  assert.equal((await bans()).length, 0);
  assert.equal((await ada.post("/groups/pantry/join", {})).status, 303);
  assert.ok((await memberRows("pantry")).some((r) => r.account_id === adaId));
  const log = await db()
    .selectFrom("group_moderation_log")
    .select(["action", "moderator_uri", "target_uri", "reason"])
    .orderBy("id")
    .execute();
  assert.deepEqual(
    log.map((e) => e.action),
    ["delete", "ban", "unban"],
  );
  assert.equal(log[1]?.reason, "Spam");
});

test("moderators hide a thread (shown to them only) and show it again; logged; others get 403", async () => {
  const cyd = await signIn(node, "cyd", "password123");
  const made = await ada.post("/groups/pantry/threads", { title: "Secret", content: "Buy now!!" });
  assert.equal(made.status, 303);
  const threadPath = made.headers.get("location") ?? "";
  const threadId = threadPath.split("/").pop() ?? "";
  const hiddenAt = async () =>
    (
      await db()
        .selectFrom("posts")
        .select("hidden_at")
        .where("id", "=", threadId)
        .executeTakeFirstOrThrow()
    ).hidden_at;
  const logged = async () =>
    (await db().selectFrom("group_moderation_log").select("id").execute()).length;
  const before = await logged();
  // ada (a plain member) may not hide; a bad value is 422; an unknown thread 404; nothing changes.
  assert.equal((await ada.post(`${threadPath}/hide`, { hidden: "yes" })).status, 403);
  assert.equal((await cyd.post(`${threadPath}/hide`, { hidden: "maybe" })).status, 422);
  assert.equal(
    (
      await cyd.post("/groups/pantry/threads/00000000-0000-7000-8000-000000000000/hide", {
        hidden: "yes",
      })
    ).status,
    404,
  );
  assert.equal(await hiddenAt(), null);
  assert.equal(await logged(), before);
  // cyd hides it after a report: ada no longer sees it; cyd does, marked.
  assert.equal(
    (await cyd.post(`${threadPath}/hide`, { hidden: "yes", reason: "Reported as spam" })).status,
    303,
  );
  assert.ok(await hiddenAt());
  assert.doesNotMatch(await (await ada.get("/groups/pantry")).text(), /Secret/);
  assert.equal((await ada.get(threadPath)).status, 404);
  assert.equal((await fetch(`${node.url}${threadPath}`, { redirect: "manual" })).status, 404);
  const forMods = await (await cyd.get("/groups/pantry")).text();
  assert.match(forMods, /Secret/);
  assert.match(forMods, /class="badge">hidden</);
  assert.match(await (await cyd.get(threadPath)).text(), /Buy now/);
  const [entry] = await db()
    .selectFrom("group_moderation_log")
    .selectAll()
    .orderBy("id", "desc")
    .limit(1)
    .execute();
  assert.equal(entry?.action, "hide");
  assert.equal(entry?.reason, "Reported as spam");
  assert.equal(entry?.moderator_uri, `${node.url}/users/cyd`);
  assert.match(await (await cyd.get("/groups/pantry/manage")).text(), /cyd hid/);
  // Shown again: ada sees it.
  assert.equal((await cyd.post(`${threadPath}/hide`, { hidden: "no" })).status, 303);
  assert.equal(await hiddenAt(), null);
  assert.match(await (await ada.get("/groups/pantry")).text(), /Secret/);
  assert.equal(await logged(), before + 2);
});
