/**
 * Groups on one node: the shared WebFinger namespace (a group may not take a
 * username, nor a member a group's name), the assembly, forms that refuse bad
 * input with 422/403 and change nothing, who may admit and remove, who may read
 * a members-only group, the voting-eligibility rule, and export and deletion.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import sharp from "sharp";
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
    text: "Starter schedule",
  });
  assert.equal(thread.status, 303);
  const threadPath = thread.headers.get("location") ?? "";
  assert.equal((await ada.get(threadPath)).status, 403);
  assert.equal((await fetch(`${node.url}${threadPath}`, { redirect: "manual" })).status, 303);
  // A thread with no title is refused and nothing is written.
  const posts = async () => (await db().selectFrom("posts").select("id").execute()).length;
  const count = await posts();
  assert.equal((await bea.post("/groups/bakery/threads", { title: "", text: "x" })).status, 422);
  assert.equal((await ada.post("/groups/bakery/threads", { title: "Hi", text: "x" })).status, 403);
  assert.equal(await posts(), count);
  // bea admits ada, who can now read and reply.
  assert.equal((await bea.post(`/groups/bakery/members/${request.id}/approve`, {})).status, 303);
  assert.match(await (await ada.get(threadPath)).text(), /Starter schedule/);
  assert.equal((await ada.post(`${threadPath}/replies`, { text: "Every morning" })).status, 303);
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
  const exported = (await groupsContributor.export(db(), beaId)) as {
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
    contributors: [groupsContributor, socialContributor],
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
  const thread = await ada.post("/groups/pantry/threads", { title: "Jars", text: "Need jars" });
  assert.equal(thread.status, 303);
  const threadPath = thread.headers.get("location") ?? "";
  const threadId = threadPath.split("/").pop() ?? "";
  assert.equal((await cyd.post(`${threadPath}/replies`, { text: "I have ten" })).status, 303);
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
  assert.equal((await ada.post(`${threadPath}/replies`, { text: "Thanks" })).status, 303);
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
  // People by name and handle, linked to their page, not by address (issue 23).
  assert.match(page, /<a class="actor-chip" href="\/@ada">/);
  assert.match(page, /Spam/);
  assert.match(page, /@cyd<\/span><\/a> banned <a class="actor-chip" href="\/@ada">/);
  assert.match(page, /@cyd<\/span><\/a> deleted/);
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
  const made = await ada.post("/groups/pantry/threads", { title: "Secret", text: "Buy now!!" });
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
  assert.match(
    await (await cyd.get("/groups/pantry/manage")).text(),
    /@cyd<\/span><\/a> hid <a [^>]*>a post<\/a>/,
  );
  // Shown again: ada sees it.
  assert.equal((await cyd.post(`${threadPath}/hide`, { hidden: "no" })).status, 303);
  assert.equal(await hiddenAt(), null);
  assert.match(await (await ada.get("/groups/pantry")).text(), /Secret/);
  assert.equal(await logged(), before + 2);
});

/** A group's posts as multipart forms (the compose form), with the session's CSRF token. */
function composed(fields: Record<string, string | Blob>): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return form;
}
const png = async (background: string) =>
  new Blob(
    [
      await sharp({ create: { width: 24, height: 16, channels: 3, background } })
        .png()
        .toBuffer(),
    ],
    { type: "image/png" },
  );
const counts = async () => ({
  posts: Number(
    (await db().selectFrom("posts").select(db().fn.countAll().as("n")).executeTakeFirstOrThrow()).n,
  ),
  // Images of a refused form are kept for its next try (form_uploads), not counted as written.
  uploads: Number(
    (
      await db()
        .selectFrom("uploads")
        .where("id", "not in", db().selectFrom("form_uploads").select("upload_id"))
        .select(db().fn.countAll().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  ),
  likes: Number(
    (await db().selectFrom("likes").select(db().fn.countAll().as("n")).executeTakeFirstOrThrow()).n,
  ),
});

let dee: SignedIn;
let eli: SignedIn;
let fay: SignedIn;
let gus: SignedIn;
let kitchenThread = "";

test("in a group, the compose form: images with alt text, a poll, a warning; bad input is 422 and writes nothing", async () => {
  for (const name of ["dee", "eli", "fay", "gus"])
    await createMember(node, { username: name, password: "password123" });
  dee = await signIn(node, "dee", "password123");
  eli = await signIn(node, "eli", "password123");
  fay = await signIn(node, "fay", "password123");
  gus = await signIn(node, "gus", "password123");
  const made = await dee.post("/groups", {
    kind: "working_group",
    name: "kitchen",
    displayName: "Kitchen",
    visibility: "members",
  });
  assert.equal(made.status, 303);
  for (const who of [eli, gus])
    assert.equal((await who.post("/groups/kitchen/join", {})).status, 303);
  // The group page offers the social form (images, poll, warning) with a title and no visibility.
  const page = await (await dee.get("/groups/kitchen")).text();
  assert.match(page, /name="title"/);
  for (const n of [1, 2, 3, 4])
    assert.match(page, new RegExp(`name="image_${n}"[\\s\\S]*name="alt_${n}"`));
  assert.match(page, /name="poll_option_1"/);
  assert.match(page, /name="spoiler"/);
  assert.doesNotMatch(page, /name="visibility"/);

  const good = { title: "Menu for Friday", text: "Soup or stew?", spoiler: "food talk" };
  const bad: [string, Record<string, string | Blob>, RegExp][] = [
    ["no title", { ...good, title: " " }, /Give the thread a title/],
    ["a title too long", { ...good, title: "x".repeat(201) }, /at most 200 characters/],
    ["no text and no image", { ...good, text: "" }, /Write something/],
    ["an image without alt text", { ...good, image_1: await png("#aa3300") }, /Describe the image/],
    [
      "not really a png",
      { ...good, image_1: new Blob(["not a png"], { type: "image/png" }), alt_1: "soup" },
      /could not be read|not supported/,
    ],
    ["a poll of one choice", { ...good, poll_option_1: "Soup" }, /poll/i],
    [
      "a poll and an image",
      {
        ...good,
        poll_option_1: "Soup",
        poll_option_2: "Stew",
        image_1: await png("#aa3300"),
        alt_1: "soup",
      },
      /poll/i,
    ],
  ];
  const before = await counts();
  for (const [what, fields, message] of bad) {
    const res = await dee.postMultipart("/groups/kitchen/threads", composed(fields));
    assert.equal(res.status, 422, what);
    const body = await res.text();
    assert.match(body, message, what);
    // The form comes back with what was written.
    if (fields.text) assert.match(body, /Soup or stew\?/, what);
    assert.deepEqual(await counts(), before, what);
  }
  // fay is not a member: 403, and the image she sent is not kept.
  const refused = await fay.postMultipart(
    "/groups/kitchen/threads",
    composed({ ...good, image_1: await png("#aa3300"), alt_1: "soup" }),
  );
  assert.equal(refused.status, 403);
  assert.deepEqual(await counts(), before);

  // A thread with an image (and its alt text) and a warning; another with a poll.
  const withImage = await dee.postMultipart(
    "/groups/kitchen/threads",
    composed({ ...good, image_1: await png("#aa3300"), alt_1: "A pot of tomato soup" }),
  );
  assert.equal(withImage.status, 303, await withImage.text());
  const path = withImage.headers.get("location") ?? "";
  kitchenThread = path.split("/").pop() ?? "";
  const withPoll = await dee.postMultipart(
    "/groups/kitchen/threads",
    composed({
      title: "Which day?",
      text: "Choose one",
      poll_option_1: "Friday",
      poll_option_2: "Saturday",
      poll_duration: "86400",
    }),
  );
  assert.equal(withPoll.status, 303);
  const rows = await db()
    .selectFrom("posts")
    .select(["id", "kind", "title", "visibility", "spoiler", "has_poll"])
    .where("title", "in", ["Menu for Friday", "Which day?"])
    .orderBy("id")
    .execute();
  assert.deepEqual(
    rows.map((r) => [r.kind, r.title, r.visibility, r.spoiler, r.has_poll]),
    [
      ["page", "Menu for Friday", "followers", "food talk", 0],
      ["page", "Which day?", "followers", "", 1],
    ],
  );
  // The thread page shows the title, the warning, the image with its alt text, and the actions.
  const thread = await (await eli.get(path)).text();
  assert.match(thread, /<h1>Menu for Friday<\/h1>/);
  assert.match(thread, /<summary>food talk/);
  assert.match(thread, /<img src="\/media\/[^"]+" alt="A pot of tomato soup"/);
  assert.match(thread, new RegExp(`action="/posts/${kitchenThread}/like"`));
  assert.match(thread, new RegExp(`action="/posts/${kitchenThread}/bookmark"`));
  assert.match(thread, new RegExp(`href="/posts/${kitchenThread}/report"`));
  // A members-only thread cannot be boosted (only its members may read it).
  assert.doesNotMatch(thread, new RegExp(`/posts/${kitchenThread}/boost`));
  // The group page lists both threads with their titles; the poll is a form for eli.
  const listed = await (await eli.get("/groups/kitchen")).text();
  assert.match(listed, /Menu for Friday[\s\S]*Which day\?|Which day\?[\s\S]*Menu for Friday/);
  assert.match(listed, /action="\/posts\/[^"]+\/vote"/);
});

test("a member likes, votes and replies (nested, with a mention); a non-member cannot (404)", async () => {
  const path = `/groups/kitchen/threads/${kitchenThread}`;
  const poll = await db()
    .selectFrom("posts")
    .select("id")
    .where("title", "=", "Which day?")
    .executeTakeFirstOrThrow();
  const before = await counts();
  // fay is no member of this members-only group: every act is a 404 and nothing changes.
  for (const act of ["like", "boost", "bookmark"])
    assert.equal((await fay.post(`/posts/${kitchenThread}/${act}`, {})).status, 404, act);
  assert.equal((await fay.post(`/posts/${poll.id}/vote`, { choice: "0" })).status, 404);
  assert.equal(
    (await fay.postMultipart(`${path}/replies`, composed({ text: "Let me in" }))).status,
    404,
  );
  assert.equal((await fay.get(`/posts/${kitchenThread}/report`)).status, 404);
  assert.deepEqual(await counts(), before);
  // eli likes the thread and goes back to it.
  const liked = await eli.post(`/posts/${kitchenThread}/like`, {});
  assert.equal(liked.status, 303);
  const back = await eli.get(liked.headers.get("location") ?? "");
  assert.equal(back.status, 302);
  assert.equal(back.headers.get("location"), `${path}#p-${kitchenThread}`);
  // The post's url (its author's address for it, sent to other servers) opens the thread too.
  const byUrl = await eli.get(`/@dee/${kitchenThread}`);
  assert.equal(byUrl.status, 302);
  assert.equal(byUrl.headers.get("location"), `${path}#p-${kitchenThread}`);
  assert.match(await (await eli.get(path)).text(), /aria-pressed="true" aria-label="Unlike"/);
  assert.equal((await eli.post(`/posts/${poll.id}/vote`, { choice: "1" })).status, 303);
  // eli replies, mentioning dee; gus answers eli's reply (nested under it).
  const reply = await eli.postMultipart(
    `${path}/replies`,
    composed({ text: "Soup, @dee!", in_reply_to: kitchenThread }),
  );
  assert.equal(reply.status, 303);
  const replyId = (reply.headers.get("location") ?? "").split("#p-")[1] ?? "";
  const answer = await gus.postMultipart(
    `${path}/replies`,
    composed({ text: "Stew for me", in_reply_to: replyId }),
  );
  assert.equal(answer.status, 303);
  const mention = await db()
    .selectFrom("post_mentions")
    .select("actor_uri")
    .where("post_id", "=", replyId)
    .executeTakeFirst();
  assert.equal(mention?.actor_uri, `${node.url}/users/dee`);
  const page = await (await dee.get(path)).text();
  assert.match(
    page,
    new RegExp(
      `<li id="p-${replyId}">[\\s\\S]*Soup, [\\s\\S]*<ol class="replies depth-2">[\\s\\S]*Stew for me`,
    ),
  );
  // Replying to a post of another thread through this one: 404, nothing written.
  const other = await db()
    .selectFrom("posts")
    .select("id")
    .where("title", "=", "Sourdough")
    .executeTakeFirst();
  const now = await counts();
  assert.equal(
    (
      await gus.postMultipart(
        `${path}/replies`,
        composed({ text: "Wrong place", in_reply_to: other?.id ?? poll.id }),
      )
    ).status,
    404,
  );
  // An empty reply: 422 with the form again.
  const empty = await gus.postMultipart(`${path}/replies`, composed({ text: " " }));
  assert.equal(empty.status, 422);
  assert.deepEqual(await counts(), now);
});

test("a group moderator deletes another's post from its card (through the group's rule, logged)", async () => {
  const path = `/groups/kitchen/threads/${kitchenThread}`;
  const stew = await db()
    .selectFrom("posts")
    .select(["id", "uri"])
    .where("source", "=", "Stew for me")
    .executeTakeFirstOrThrow();
  // dee (the group's admin) sees delete on gus's reply, which asks first; eli does not.
  assert.match(await (await dee.get(path)).text(), new RegExp(`href="/posts/${stew.id}/delete"`));
  assert.doesNotMatch(
    await (await eli.get(path)).text(),
    new RegExp(`href="/posts/${stew.id}/delete"`),
  );
  assert.equal((await dee.get(`/posts/${stew.id}/delete`)).status, 200);
  assert.equal((await eli.get(`/posts/${stew.id}/delete`)).status, 404);
  // eli (a plain member) may not delete it, not even through the social action.
  assert.equal((await eli.post(`/posts/${stew.id}/delete`, {})).status, 403);
  assert.equal((await eli.post(`/groups/kitchen/posts/${stew.id}/delete`, {})).status, 403);
  const logged = () =>
    db()
      .selectFrom("group_moderation_log")
      .selectAll()
      .where("target_uri", "=", stew.uri)
      .execute();
  assert.deepEqual(await logged(), []);
  // dee deletes it with the social action: the group's rule applies, and it is logged.
  const deleted = await dee.post(`/posts/${stew.id}/delete`, {});
  assert.equal(deleted.status, 303);
  assert.match(deleted.headers.get("location") ?? "", new RegExp(`^${path}\\?`));
  const [entry] = await logged();
  assert.equal(entry?.action, "delete");
  assert.equal(entry?.moderator_uri, `${node.url}/users/dee`);
  const event = await db()
    .selectFrom("outbox_events")
    .select("payload")
    .where("type", "=", "groups.post.deleted")
    .orderBy("id", "desc")
    .executeTakeFirstOrThrow();
  assert.match(String(event.payload), new RegExp(stew.id));
  assert.doesNotMatch(await (await dee.get(path)).text(), /Stew for me/);
});

test("a report of a group post reaches the group's moderators, who hide or delete from the management page", async () => {
  const spam = await eli.postMultipart(
    "/groups/kitchen/threads",
    composed({ title: "Cheap pans", text: "Buy my pans" }),
  );
  assert.equal(spam.status, 303);
  const spamId = (spam.headers.get("location") ?? "").split("/").pop() ?? "";
  const soup = await db()
    .selectFrom("posts")
    .select(["id", "uri"])
    .where("source", "=", "Soup, @dee!")
    .executeTakeFirstOrThrow();
  // The report form says who reads it.
  assert.match(
    await (await gus.get(`/posts/${spamId}/report`)).text(),
    /group&#39;s moderators|group's moderators/,
  );
  assert.equal((await gus.post(`/posts/${spamId}/report`, { comment: "Advertising" })).status, 303);
  assert.equal((await gus.post(`/posts/${soup.id}/report`, { comment: "Rude" })).status, 303);
  const reports = await db()
    .selectFrom("reports")
    .selectAll()
    .where("comment", "in", ["Advertising", "Rude"])
    .orderBy("id")
    .execute();
  const group = await findGroup(db(), "kitchen");
  assert.deepEqual(
    reports.map((r) => r.group_id),
    [group?.id, group?.id],
  );
  const [ads, rude] = reports;
  assert.ok(ads && rude);
  // The group's moderators see them with the posts; a plain member cannot settle them.
  const manage = await (await dee.get("/groups/kitchen/manage")).text();
  assert.match(manage, /Advertising[\s\S]*Buy my pans|Rude[\s\S]*Advertising/);
  assert.match(manage, /Rude/);
  assert.equal((await eli.get("/groups/kitchen/manage")).status, 403);
  assert.equal(
    (await eli.post(`/groups/kitchen/reports/${ads.id}`, { action: "dismiss" })).status,
    403,
  );
  assert.equal(
    (await dee.post(`/groups/kitchen/reports/${ads.id}`, { action: "burn" })).status,
    422,
  );
  // Through another group's address: not found.
  const cyd = await signIn(node, "cyd", "password123");
  assert.equal(
    (await cyd.post(`/groups/pantry/reports/${ads.id}`, { action: "dismiss" })).status,
    404,
  );
  // The co-op's moderators see them too (ada is the node's admin).
  const coop = await (await ada.get("/moderation")).text();
  assert.match(coop, /Advertising/);
  assert.match(coop, /Rude/);
  // dee hides the advertised thread, and deletes the rude reply, from the management page.
  assert.equal(
    (await dee.post(`/groups/kitchen/reports/${ads.id}`, { action: "hide" })).status,
    303,
  );
  assert.equal(
    (await dee.post(`/groups/kitchen/reports/${rude.id}`, { action: "delete" })).status,
    303,
  );
  const after = await db()
    .selectFrom("posts")
    .select(["id", "hidden_at", "deleted_at"])
    .where("id", "in", [spamId, soup.id])
    .execute();
  assert.ok(after.find((p) => p.id === spamId)?.hidden_at);
  assert.ok(after.find((p) => p.id === soup.id)?.deleted_at);
  const log = await db()
    .selectFrom("group_moderation_log")
    .select(["action", "reason"])
    .where("group_id", "=", group?.id ?? "")
    .orderBy("id")
    .execute();
  assert.deepEqual(log.slice(-2), [
    { action: "hide", reason: "Advertising" },
    { action: "delete", reason: "" },
  ]);
  // Settled for the group (gone from its page, settling again is 404); still open for the co-op.
  const settled = await (await dee.get("/groups/kitchen/manage")).text();
  assert.match(settled, /id="rep-h">Reports<\/h2>\s*<p>No reports are waiting/);
  // The log says what was done and why.
  assert.match(
    settled,
    /@dee<\/span><\/a> hid <a [^>]*>a post<\/a> — <span class="reason">Advertising/,
  );
  assert.equal(
    (await dee.post(`/groups/kitchen/reports/${ads.id}`, { action: "dismiss" })).status,
    404,
  );
  const coopAfter = await db()
    .selectFrom("reports")
    .select("status")
    .where("id", "in", [ads.id, rude.id])
    .execute();
  assert.deepEqual(
    coopAfter.map((r) => r.status),
    ["open", "open"],
  );
});
