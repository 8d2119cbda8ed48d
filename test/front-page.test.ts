/**
 * The member's front page (web/pages/home.ts) as the server renders it: what needs a
 * moderator (join requests of their group, open reports) is theirs alone; a plain
 * member sees the decisions waiting for them and the new threads of their groups;
 * a visitor sees the co-op's parts; a session that is not valid is a visitor.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createDecision } from "../src/governance/decisions/decisions.ts";
import { sweepDecisions } from "../src/governance/decisions/sweep.ts";
import { createGroup } from "../src/groups/groups.ts";
import { joinGroup } from "../src/groups/memberships.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { translator } from "../src/web/i18n/i18n.ts";
import { SESSION_COOKIE } from "../src/web/session.ts";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";

const t = translator("en");
let node: TestNode;
let mod: SignedIn;
let member: SignedIn;

before(async () => {
  node = await startTestNode({ host: "127.0.223.2" });
  const mia = await createMember(node, {
    username: "mia",
    password: "long enough",
    role: "moderator",
  });
  const ned = await createMember(node, { username: "ned", password: "long enough" });
  const oli = await createMember(node, { username: "oli", password: "long enough" });
  const ctx = { ...socialOf(node), clock: systemClock };
  const kitchen = await createGroup(ctx, mia, {
    name: "kitchen",
    kind: "working_group",
    displayName: "Kitchen rota",
    visibility: "public",
    moderated: true,
  });
  assert.ok(kitchen.ok);
  const open = await createGroup(ctx, mia, {
    name: "choir",
    kind: "working_group",
    displayName: "Choir",
    visibility: "public",
    moderated: false,
  });
  assert.ok(open.ok);
  // Two people ask to join the moderated group; ned joins the open one.
  assert.equal((await joinGroup(ctx, ned, { group: kitchen.value })).ok, true);
  assert.equal((await joinGroup(ctx, oli, { group: kitchen.value })).ok, true);
  assert.equal((await joinGroup(ctx, ned, { group: open.value })).ok, true);
  const made = await createDecision(ctx, mia, {
    group: open.value,
    proposal: {
      title: "Sing at the market",
      rule: "consent",
      closesAt: new Date(Date.now() + 86_400_000).toISOString(),
    },
  });
  assert.ok(made.ok);
  await sweepDecisions(ctx);
  mod = await signIn(node, "mia", "long enough");
  member = await signIn(node, "ned", "long enough");
  const oliSession = await signIn(node, "oli", "long enough");
  const form = new FormData();
  form.set("visibility", "public");
  form.set("text", "Buy cheap watches here");
  assert.equal((await oliSession.postMultipart("/social/posts", form)).status, 303);
  const spam = await node.node.db.db
    .selectFrom("posts")
    .select("id")
    .where("source", "like", "%watches%")
    .executeTakeFirstOrThrow();
  assert.equal((await member.post(`/posts/${spam.id}/report`, { comment: "Spam" })).status, 303);
});
after(() => node?.close());

const section = (page: string, heading: string) => {
  const at = page.indexOf(`>${heading}</h2>`);
  assert.ok(at >= 0, `the page has "${heading}"`);
  return page.slice(at, page.indexOf("</section>", at));
};

test("a moderator's front page: join requests and open reports need them", async () => {
  const res = await mod.get("/");
  assert.equal(res.status, 200);
  const needs = section(await res.text(), t("front.needs"));
  assert.match(needs, /href="\/groups\/kitchen\/manage"/);
  assert.ok(needs.includes(t("front.joinRequests", { n: 2 })), "two people ask to join");
  assert.ok(needs.includes(t("front.reports", { n: 1 })), "one open report");
  assert.ok(needs.includes("Sing at the market"), "their own vote is waiting too");
});

test("a member's front page: the decision waiting, new threads, the timeline; no moderation", async () => {
  const page = await (await member.get("/")).text();
  const needs = section(page, t("front.needs"));
  assert.ok(needs.includes("Sing at the market"));
  assert.doesNotMatch(needs, /\/moderation|\/manage/, "nothing of moderators");
  assert.ok(section(page, t("front.new")).includes("Sing at the market"), "the thread is new");
  assert.ok(page.includes(`>${t("front.timeline")}</h2>`));
  assert.ok(page.includes(`<summary class="button">${t("front.newPost")}</summary>`));
});

test("voting takes the decision off the member's front page", async () => {
  const d = await node.node.db.db.selectFrom("decisions").select("id").executeTakeFirstOrThrow();
  // Votes go through the decision's own form (web/decisions): consent's "agree".
  const voted = await member.post(`/groups/choir/decisions/${d.id}/votes`, { position: "agree" });
  assert.ok(voted.status < 400, `the vote is taken (${voted.status})`);
  const needs = section(await (await member.get("/")).text(), t("front.needs"));
  assert.ok(!needs.includes("Sing at the market"), "no longer waiting");
  assert.ok(needs.includes(t("front.needs.none")));
});

test("a visitor, or a session cookie that is not valid, gets the visitor's front page", async () => {
  for (const cookie of ["", `${SESSION_COOKIE}=not-a-session`]) {
    const res = await fetch(`${node.url}/`, { headers: cookie ? { cookie } : {} });
    assert.equal(res.status, 200);
    const page = await res.text();
    assert.ok(page.includes(t("home.pillars")));
    assert.ok(!page.includes(t("front.needs")));
  }
});
