/**
 * Issue 14, item 4 in a real browser: a remote actor whose `url` is a
 * `javascript:` URL — as it arrives, and as a row stored before URLs were
 * checked — gives a member a link that runs nothing when clicked; every page
 * carries the Content-Security-Policy, and the pages (a poll's bars included)
 * break none of it. Screenshots go to test-results/.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser } from "playwright-core";
import { waitFor } from "../../src/federation/testing.ts";
import { systemClock } from "../../src/kernel/clock.ts";
import { vote } from "../../src/social/polls.ts";
import { createPost } from "../../src/social/posts.ts";
import { launchBrowser, logIn, newContext, screenshot } from "../support/browser.ts";
import { createMember } from "../support/login.ts";
import { startTestNode, type TestNode } from "../support/node.ts";
import { type RemoteActor, startRemoteActor } from "../support/remote-actor.ts";

const EVIL = "javascript:document.title='pwned';alert('pwned')";
let node: TestNode;
let remote: RemoteActor;
let browser: Browser;
let stopWorker: () => Promise<void>;
let postId = "";

before(async () => {
  remote = await startRemoteActor("127.0.48.9", "mallory", { url: EVIL });
  node = await startTestNode({ host: "127.0.48.1" });
  stopWorker = await node.node.startWorker();
  const ann = await createMember(node, { username: "ann", password: "password123" });
  const s = { db: node.node.db.db, origin: node.url, domain: node.domain, clock: systemClock };
  const poll = await createPost(s, ann, {
    text: "Lunch on Friday?",
    spoiler: "",
    visibility: "public",
    language: "en",
    sensitive: false,
    inReplyToId: null,
    mentions: [],
    media: [],
    poll: { options: ["Yes", "No"], multiple: false, expiresInSeconds: 3600 },
  });
  assert.ok(poll.ok);
  const bea = await createMember(node, { username: "bea", password: "password123" });
  assert.ok((await vote(s, bea, poll.value.id, [0])).ok);
  const activity = {
    "@context": "https://www.w3.org/ns/activitystreams",
    id: `${remote.id}/activities/1`,
    type: "Create",
    actor: remote.id,
    object: {
      id: `${remote.id}/notes/1`,
      type: "Note",
      attributedTo: remote.id,
      url: EVIL,
      content: "<p>Click my name, @ann</p>",
      to: "https://www.w3.org/ns/activitystreams#Public",
      tag: [{ type: "Mention", href: `${node.url}/users/ann`, name: "@ann" }],
    },
  };
  const res = await fetch(await remote.signed(`${node.url}/inbox`, activity));
  assert.equal(res.status, 202);
  const post = await waitFor("the remote post is stored", () =>
    node.node.db.db
      .selectFrom("posts")
      .select("id")
      .where("uri", "=", activity.object.id)
      .executeTakeFirst(),
  );
  postId = post.id;
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await stopWorker?.();
  await node?.close();
  remote?.close();
});

test("a remote actor's javascript: url is not followable, as stored now or before", async () => {
  const context = await newContext(browser);
  const page = await context.newPage();
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await logIn(page, node.url, "ann", "password123");

  // As it arrives now: the url is dropped, the author links to our page for them (issue 23).
  const response = await page.goto(`${node.url}/posts/${postId}`);
  assert.match(response?.headers()["content-security-policy"] ?? "", /script-src 'self'/);
  const author = page.locator(".post-author").first();
  assert.equal(await author.getAttribute("href"), `/@mallory@${new URL(remote.url).host}`);

  // A row stored before the check: the page links to nowhere instead.
  await node.node.db.db
    .updateTable("remote_actors")
    .set({ url: EVIL })
    .where("uri", "=", remote.id)
    .execute();
  await page.reload();
  const href = (await author.getAttribute("href")) ?? "";
  assert.doesNotMatch(href, /javascript:/i);
  const before = page.url();
  await author.click();
  await page.waitForLoadState();
  assert.equal((await page.title()) === "pwned", false);
  assert.deepEqual(dialogs, []);
  assert.equal(new URL(page.url()).origin, new URL(before).origin);
  await screenshot(page, "security-javascript-url");

  // The pages themselves break nothing the policy refuses (the poll's bars are SVG).
  await page.goto(`${node.url}/@ann`);
  await page.goto(`${node.url}/social/local`);
  assert.equal(await page.locator(".poll-bar").count(), 2, "a bar for Yes and one for No");
  const bar = await page.locator(".poll-bar rect").first().boundingBox();
  const row = await page.locator(".poll li").first().boundingBox();
  assert.ok(bar && row && Math.abs(bar.width - row.width) < 2, "Yes has all the votes: a full bar");
  await screenshot(page, "security-poll-bars");
  assert.deepEqual(violations, []);
  await context.close();
});
