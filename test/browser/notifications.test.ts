/**
 * The notifications page (issue 23), as an admin sees it in English on a
 * desktop and in Spanish on a phone: a boost, likes of one post gathered into
 * one line with avatars, the post's excerpt, a report to act on, and a follow
 * request accepted from the page itself. axe-core finds no violation.
 * Screenshots go to test-results/.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { createGroup } from "../../src/groups/groups.ts";
import { systemClock } from "../../src/kernel/clock.ts";
import { launchBrowser, logIn, newContext, screenshot } from "../support/browser.ts";
import { createMember, type SignedIn, signIn, visitor } from "../support/login.ts";
import { startTestNode, type TestNode } from "../support/node.ts";

const axeSource = readFileSync(
  new URL("../../node_modules/axe-core/axe.min.js", import.meta.url),
  "utf8",
);

let node: TestNode;
let browser: Browser;
const members: Record<string, SignedIn> = {};
const ids: Record<string, string> = {};
before(async () => {
  node = await startTestNode({ host: "127.0.221.10" });
  for (const [username, role] of [
    ["ada", "admin"],
    ["amparo", "admin"],
    ["ben", "member"],
    ["cai", "member"],
    ["dan", "member"],
    ["eve", "member"],
  ] as const) {
    const made = await createMember(node, { username, password: "long enough", role });
    ids[username] = made.id;
    if (username === "amparo")
      await node.node.db.db
        .updateTable("accounts")
        .set({ language: "es", display_name: "Amparo" })
        .where("id", "=", made.id)
        .execute();
    members[username] = await signIn(node, username, "long enough");
  }
  // Someone applies to join the co-op: both admins hear of it.
  await node.node.coop.update({ registration: "approval" });
  const v = await visitor(node, "/signup");
  const applied = await fetch(`${node.url}/signup`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie: v.cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      _csrf: v.csrf,
      username: "newbie",
      email: "newbie@example.test",
      password: "long enough",
      reason: "I bake bread",
    }),
  });
  assert.ok(applied.status < 400, `sign-up answered ${applied.status}`);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await node?.close();
});

const member = (who: string) => members[who] as SignedIn;

async function writes(who: string, text: string): Promise<string> {
  const form = new FormData();
  form.set("visibility", "public");
  form.set("text", text);
  assert.equal((await member(who).postMultipart("/social/posts", form)).status, 303);
  const row = await node.node.db.db
    .selectFrom("posts")
    .select("id")
    .where("source", "=", text)
    .executeTakeFirstOrThrow();
  return row.id;
}

async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected above.
    const axe = (globalThis as any).axe;
    const result = await axe.run();
    return result.violations.map(
      (v: { id: string; nodes: unknown[] }) => `${v.id} (${v.nodes.length})`,
    );
  });
}

for (const { who, locale, mobile, words } of [
  {
    who: "ada",
    locale: "en",
    mobile: false,
    words: {
      likes: /dan and 2 others liked your post/,
      boost: /ben boosted your post/,
      report: /ben reported cai/,
      request: /eve asked to follow you/,
      accepted: "You accepted eve's follow request.",
      answered: "Answered",
      review: "Open the reports",
      join: /dan asked to join Garden of ada/,
      reviewJoins: "Review join requests",
      applied: /newbie applied to join the co-op/,
      reviewApplications: "Review applications",
    },
  },
  {
    who: "amparo",
    locale: "es",
    mobile: true,
    words: {
      likes: /A dan y 2 personas más les gustó tu publicación/,
      boost: /ben impulsó tu publicación/,
      report: /ben denunció a cai/,
      request: /eve pidió seguirte/,
      accepted: "Aceptaste la solicitud de seguimiento de eve.",
      answered: "Respondida",
      review: "Abrir las denuncias",
      join: /dan pidió unirse a Garden of amparo/,
      reviewJoins: "Revisar solicitudes",
      applied: /newbie solicitó unirse a la cooperativa/,
      reviewApplications: "Revisar solicitudes de ingreso",
    },
  },
]) {
  test(`an admin's notifications in words (${locale}, ${mobile ? 390 : 1280} px)`, async () => {
    // Their post is liked by three and boosted by one; eve asks to follow; ben reports a post.
    const text = `Leek and potato soup for forty, by ${who}: the long version with every step spelt out`;
    const postId = await writes(who, text);
    for (const liker of ["ben", "cai", "dan"])
      assert.equal((await member(liker).post(`/posts/${postId}/like`, {})).status, 303);
    assert.equal((await member("ben").post(`/posts/${postId}/boost`, {})).status, 303);
    assert.equal((await member(who).post("/network/policy", { manual: "on" })).status, 303);
    assert.equal(
      (await member("eve").post("/network/follow", { uri: `${node.url}/users/${who}` })).status,
      303,
    );
    const spam = await writes("cai", `Buy cheap watches ${who}`);
    const reported = await member("ben").post(`/posts/${spam}/report`, {
      comment: `Spam, seen by ${who}`,
    });
    assert.ok(reported.status < 400, `report answered ${reported.status}`);

    // dan asks to join the admin's moderated group.
    const group = `garden${who}`;
    const made = await createGroup(
      { db: node.node.db.db, origin: node.url, domain: node.domain, clock: systemClock },
      { id: ids[who] as string, username: who },
      {
        name: group,
        kind: "working_group",
        displayName: `Garden of ${who}`,
        visibility: "public",
        moderated: true,
      },
    );
    assert.ok(made.ok);
    assert.equal((await member("dan").post(`/groups/${group}/join`, {})).status, 303);

    const context = await newContext(browser, { locale, mobile });
    const page = await context.newPage();
    await logIn(page, node.url, who, "long enough");
    await page.goto(`${node.url}/notifications`);
    const lines = page.locator(".notifications li.notification");
    const what = (re: RegExp) =>
      lines.filter({ has: page.locator(".notice-what", { hasText: re }) });
    // Likes of one post: one line, three avatars, the post's excerpt linking to it.
    const likes = what(words.likes);
    assert.equal(await likes.count(), 1);
    assert.equal(await likes.locator(".notice-avatars .avatar").count(), 3);
    const excerpt = likes.locator("a.notice-excerpt");
    assert.equal(await excerpt.getAttribute("href"), `/posts/${postId}`);
    assert.match((await excerpt.textContent()) ?? "", /^Leek and potato soup for forty/);
    assert.ok(((await excerpt.textContent()) ?? "").length <= 161);
    // The boost is there, with the same post.
    const boost = what(words.boost);
    assert.equal(await boost.count(), 1);
    assert.equal(await boost.locator("a.notice-excerpt").getAttribute("href"), `/posts/${postId}`);
    // The report, with its comment and the way to the reports.
    // (Both admins hear of every report: the one about this run's post.)
    const report = what(words.report).filter({ hasText: `Spam, seen by ${who}` });
    assert.equal(await report.count(), 1);
    assert.match(
      (await report.locator(".notice-excerpt").textContent()) ?? "",
      new RegExp(`Spam, seen by ${who}`),
    );
    assert.equal(await report.getByRole("link", { name: words.review }).count(), 1);
    // The join request, with the way to answer it.
    const join = what(words.join);
    assert.equal(await join.count(), 1);
    assert.equal(
      await join.getByRole("link", { name: words.reviewJoins }).getAttribute("href"),
      `/groups/${group}/manage#req-h`,
    );
    // The application, with the way to the applications.
    const applicant = what(words.applied);
    assert.equal(await applicant.count(), 1);
    assert.equal(
      await applicant.getByRole("link", { name: words.reviewApplications }).getAttribute("href"),
      "/admin/applications",
    );
    // A relative time with the exact one in its title.
    const time = likes.locator("time");
    assert.ok(await time.getAttribute("title"));
    assert.ok(await time.getAttribute("datetime"));
    assert.deepEqual(await axeViolations(page), []);
    await screenshot(page, `notifications-${locale}-${mobile ? 390 : 1280}`);

    // Accepting eve's request from the page: back on the page, saying so, and the request answered.
    const request = what(words.request);
    await request.locator("form[action$='/accept'] button").click();
    await page.waitForURL(/\/notifications\?done=/);
    assert.equal(
      (await page.locator("p.notice[role=status]").textContent())?.trim(),
      words.accepted,
    );
    assert.equal(await what(words.request).locator(".badge").textContent(), words.answered);
    const followRow = await node.node.db.db
      .selectFrom("follows")
      .select("status")
      .where("follower_uri", "=", `${node.url}/users/eve`)
      .where("followee_uri", "=", `${node.url}/users/${who}`)
      .executeTakeFirstOrThrow();
    assert.equal(followRow.status, "accepted");
    assert.deepEqual(await axeViolations(page), []);
    await screenshot(page, `notifications-accepted-${locale}-${mobile ? 390 : 1280}`);
    await context.close();
  });
}

test("a follow request already answered, or someone else's, is refused and changes nothing", async () => {
  const follow = await node.node.db.db
    .selectFrom("follows")
    .select(["id", "status"])
    .where("follower_uri", "=", `${node.url}/users/eve`)
    .where("followee_uri", "=", `${node.url}/users/ada`)
    .executeTakeFirstOrThrow();
  assert.equal(follow.status, "accepted");
  const again = await member("ada").post(`/notifications/follow-requests/${follow.id}/reject`, {});
  assert.equal(again.status, 404);
  const notHers = await member("ben").post(
    `/notifications/follow-requests/${follow.id}/accept`,
    {},
  );
  assert.equal(notHers.status, 404);
  const bad = await member("ada").post("/notifications/follow-requests/nonsense/accept", {});
  assert.equal(bad.status, 404);
  const still = await node.node.db.db
    .selectFrom("follows")
    .select("status")
    .where("id", "=", follow.id)
    .executeTakeFirstOrThrow();
  assert.equal(still.status, "accepted");
  assert.equal((await member("ada").get("/notifications?max_id=x")).status, 400);
});
