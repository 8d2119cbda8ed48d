/**
 * Newsletters through the pages (issue 17): subscribing with double opt-in (a
 * confirm mail to a local SMTP sink; GET shows a button, POST confirms), bad
 * input refused with nothing written, "send as email when published" turned
 * into one mail per confirmed subscriber by the node's worker (HTML and text,
 * absolute links, RFC 8058 headers), one-click unsubscribe without a session,
 * who may send and see counts, a publication's list, the node without SMTP
 * (no form, and why), and the member's export and deletion.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { deleteAccount, exportAccount } from "../src/accounts/data.ts";
import { waitFor } from "../src/federation/testing.ts";
import { createDraft } from "../src/media/articles.ts";
import { newslettersContributor } from "../src/media/newsletters/data.ts";
import { createPublication } from "../src/media/publications.ts";
import { publishArticle } from "../src/media/workflow.ts";
import {
  cookiesFrom,
  createMember,
  csrfFrom,
  type SignedIn,
  signIn,
  visitor,
} from "./support/login.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";
import { decodeQuotedPrintable, type SmtpSink, startSmtpSink } from "./support/smtp-sink.ts";

let node: TestNode;
let bare: TestNode;
let sink: SmtpSink;
let stopWorker: () => Promise<void>;
let ana: SignedIn;
let ben: SignedIn;
let admin: SignedIn;
let anaId: string;

before(async () => {
  sink = await startSmtpSink("127.0.72.1");
  node = await startTestNode({ host: "127.0.72.1", env: { SYNCO_SMTP_URL: sink.url } });
  bare = await startTestNode({ host: "127.0.72.2" });
  stopWorker = await node.node.startWorker();
  anaId = (await createMember(node, { username: "ana", password: "long enough" })).id;
  await createMember(node, { username: "ben", password: "long enough" });
  await createMember(bare, { username: "cy", password: "long enough" });
  ana = await signIn(node, "ana", "long enough");
  ben = await signIn(node, "ben", "long enough");
  await createMember(node, { username: "ada", password: "long enough", role: "admin" });
  admin = await signIn(node, "ada", "long enough");
});
after(async () => {
  await stopWorker();
  await node.close();
  await bare.close();
  await sink.close();
});

const db = () => node.node.db.db;
const subscriptions = () =>
  db().selectFrom("newsletter_subscriptions").selectAll().orderBy("id").execute();

/** A visitor's form post: the page's cookie and CSRF token, as a browser sends them. */
async function visitorPost(path: string, form: Record<string, string>) {
  const page = await fetch(`${node.url}${path}`);
  const cookie = cookiesFrom(page);
  const csrf = csrfFrom(await page.text());
  return fetch(`${node.url}${path}`, {
    method: "POST",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: csrf, ...form }),
    redirect: "manual",
  });
}

const linkIn = (text: string, kind: "confirm" | "unsubscribe") => {
  const url = new RegExp(`(http://[^\\s"<>]+/newsletters/${kind}/[A-Za-z0-9_.-]+)`).exec(
    decodeQuotedPrintable(text),
  )?.[1];
  assert.ok(url, `a ${kind} link in the mail`);
  return url;
};

test("bad input is refused with 422 and writes nothing", async () => {
  for (const email of ["", "not an email", `${"a".repeat(250)}@example.test`, "a@b"]) {
    const res = await visitorPost("/@ana/newsletter", { email });
    assert.equal(res.status, 422, email);
    assert.match(await res.text(), /not an email address we can write to/);
  }
  assert.equal((await subscriptions()).length, 0);
  assert.equal(sink.messages.length, 0);
  assert.equal((await fetch(`${node.url}/@nobody/newsletter`)).status, 404);
});

test("double opt-in: the confirm mail's link shows a button; only POST confirms", async () => {
  const res = await visitorPost("/@ana/newsletter", { email: "Reader@Example.test" });
  assert.equal(res.status, 200);
  assert.match(await res.text(), /Check your inbox/);
  const [row] = await subscriptions();
  assert.equal(row?.email, "reader@example.test");
  assert.equal(row?.status, "pending");
  await waitFor("the confirm mail", () => sink.messages.length === 1);
  const mail = sink.messages[0];
  assert.equal(mail?.to, "reader@example.test");
  assert.match(mail?.header("Subject") ?? "", /Confirm your subscription to ana/);
  const link = linkIn(mail?.text ?? "", "confirm");
  const page = await fetch(link);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<form method="post"/);
  assert.equal(
    (await subscriptions())[0]?.status,
    "pending",
    "opening the link (a mail scanner) changes nothing",
  );
  const done = await fetch(link, { method: "POST" });
  assert.equal(done.status, 200);
  assert.equal((await subscriptions())[0]?.status, "confirmed");
  // Asking again with a confirmed address: the same answer, no new mail, no new row.
  const again = await visitorPost("/@ana/newsletter", { email: "reader@example.test" });
  assert.equal(again.status, 200);
  assert.equal((await subscriptions()).length, 1);
  assert.equal(sink.messages.length, 1);
  // A tampered token is refused.
  assert.equal((await fetch(`${link}x`, { method: "POST" })).status, 400);
  assert.equal(
    (await fetch(link.replace("/confirm/", "/unsubscribe/"), { method: "POST" })).status,
    400,
  );
});

test("the writer sees counts and asks for 'email when published'; the worker mails each subscriber once", async () => {
  // A second confirmed reader.
  await visitorPost("/@ana/newsletter", { email: "second@example.test" });
  await waitFor("the second confirm mail", () => sink.messages.length === 2);
  await fetch(linkIn(sink.messages[1]?.text ?? "", "confirm"), { method: "POST" });
  const page = await (await ana.get("/@ana/newsletter")).text();
  assert.match(page, /2 confirmed, 0 waiting for confirmation/);
  assert.doesNotMatch(await (await ben.get("/@ana/newsletter")).text(), /confirmed, /);
  // The node's admin sees the counts, without the send form.
  const adminPage = await (await admin.get("/@ana/newsletter")).text();
  assert.match(adminPage, /2 confirmed, 0 waiting for confirmation/);
  assert.doesNotMatch(adminPage, /Send to subscribers/);

  const s = socialOf(node);
  const draft = await createDraft(
    s,
    { id: anaId, username: "ana" },
    {
      title: "Bread & roses",
      summary: "Why co-ops bake",
      body: "We bake [together](/social/local).\n\n![oven](https://example.org/oven.png)",
    },
  );
  assert.ok(draft.ok);
  const asked = await ana.post("/@ana/newsletter/on-publish", {
    articleId: draft.value.id,
    want: "yes",
  });
  assert.equal(asked.status, 303);
  // Ben may not ask for Ana's list.
  const refused = await ben.post("/@ana/newsletter/on-publish", {
    articleId: draft.value.id,
    want: "yes",
  });
  assert.equal(refused.status, 403);
  assert.equal((await db().selectFrom("newsletter_sends").selectAll().execute()).length, 0);

  const published = await publishArticle(s, { id: anaId, username: "ana" }, draft.value.id);
  assert.ok(published.ok);
  // The worker's poll turns the intent into a send and mails it.
  await waitFor("two newsletter mails", () => sink.messages.length === 4, 20_000);
  const mails = sink.messages.slice(2);
  assert.deepEqual(mails.map((m) => m.to).sort(), ["reader@example.test", "second@example.test"]);
  for (const m of mails) {
    assert.equal(m.header("Subject"), "Bread & roses");
    assert.match(
      m.header("List-Unsubscribe") ?? "",
      /^<http:\/\/127\.0\.72\.1:\d+\/newsletters\/unsubscribe\/[^>]+>$/,
    );
    assert.equal(m.header("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
    const body = decodeQuotedPrintable(m.text);
    assert.match(body, /Content-Type: text\/plain/);
    assert.match(body, /Content-Type: text\/html/);
    assert.match(
      body,
      new RegExp(`<a href="${node.url}/social/local">together</a>`),
      "links made absolute",
    );
    assert.match(body, /Why co-ops bake/);
    assert.match(body, new RegExp(`${node.url}/articles/`), "a link to the public article page");
  }
  // The sink has a message before the sender hears it was accepted and marks it sent.
  const states = async () =>
    (await db().selectFrom("newsletter_deliveries").select("state").execute()).map((d) => d.state);
  await waitFor("both marked sent", async () => (await states()).every((x) => x === "sent"));
  const sends = await db().selectFrom("newsletter_deliveries").select("state").execute();
  assert.deepEqual(
    sends.map((d) => d.state),
    ["sent", "sent"],
  );
  // Sending the same post again is refused.
  const post = await db()
    .selectFrom("articles")
    .select("post_id")
    .where("id", "=", draft.value.id)
    .executeTakeFirstOrThrow();
  const twice = await ana.post("/@ana/newsletter/send", { postId: post.post_id ?? "" });
  assert.equal(twice.status, 409);
  assert.match(await (await ana.get("/@ana/newsletter")).text(), /2 of 2 sent/);
});

test("after a crash, the writer may send again to the uncertain recipients; nobody else may", async () => {
  // As reconcileDeliveries leaves a row whose sender died mid-message.
  const [row] = await db()
    .updateTable("newsletter_deliveries")
    .set({ state: "uncertain" })
    .where("subscription_id", "=", (await subscriptions())[0]?.id ?? "")
    .returning(["send_id"])
    .execute();
  assert.ok(row);
  const page = await (await ana.get("/@ana/newsletter")).text();
  assert.match(page, /1 of 2 sent, 0 waiting, 0 failed, 1 uncertain/);
  assert.match(page, /Send again to the uncertain ones/);
  const before = sink.messages.length;
  assert.equal((await ben.post("/@ana/newsletter/resend", { sendId: row.send_id })).status, 403);
  assert.equal((await ana.post("/@ana/newsletter/resend", { sendId: "nope" })).status, 404);
  assert.equal((await ana.post("/@ana/newsletter/resend", { sendId: row.send_id })).status, 303);
  await waitFor("the message sent again", () => sink.messages.length === before + 1);
  assert.equal(sink.messages.at(-1)?.to, "reader@example.test");
  await waitFor("both sent", async () =>
    (await db().selectFrom("newsletter_deliveries").select("state").execute()).every(
      (d) => d.state === "sent",
    ),
  );
});

test("one-click unsubscribe (RFC 8058): a POST with no cookie and no CSRF token", async () => {
  const mail = sink.messages.find(
    (m) => m.to === "second@example.test" && m.header("List-Unsubscribe-Post"),
  );
  const url = /<([^>]+)>/.exec(mail?.header("List-Unsubscribe") ?? "")?.[1];
  assert.ok(url);
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: "List-Unsubscribe=One-Click",
  });
  assert.equal(res.status, 200);
  const rows = await subscriptions();
  assert.equal(rows.find((r) => r.email === "second@example.test")?.status, "unsubscribed");
  assert.equal(rows.find((r) => r.email === "reader@example.test")?.status, "confirmed");
  assert.match(
    await (await ana.get("/@ana/newsletter")).text(),
    /1 confirmed, 0 waiting for confirmation, 1 unsubscribed/,
  );
});

test("a publication's list: its editors see the counts and send; others do not", async () => {
  const s = socialOf(node);
  const pub = await createPublication(
    s,
    { id: anaId, username: "ana" },
    { name: "gazette", displayName: "The Gazette" },
  );
  assert.ok(pub.ok);
  const res = await visitorPost("/groups/gazette/newsletter", { email: "pubreader@example.test" });
  assert.equal(res.status, 200);
  assert.match(
    await (await ana.get("/groups/gazette/newsletter")).text(),
    /0 confirmed, 1 waiting for confirmation/,
  );
  assert.doesNotMatch(
    await (await ben.get("/groups/gazette/newsletter")).text(),
    /waiting for confirmation/,
  );
});

test("without SMTP the node explains why there is no form, and refuses a subscription", async () => {
  const page = await fetch(`${bare.url}/@cy/newsletter`);
  assert.equal(page.status, 200);
  const body = await page.text();
  assert.match(body, /no outgoing email server set up/);
  assert.doesNotMatch(body, /name="email"/);
  assert.match(body, /href="\/@cy\/feed\.rss"/);
  const { cookie, csrf } = await visitor(bare);
  const res = await fetch(`${bare.url}/@cy/newsletter`, {
    method: "POST",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: csrf, email: "x@example.test" }),
  });
  assert.equal(res.status, 409);
  assert.equal(
    (await bare.node.db.db.selectFrom("newsletter_subscriptions").selectAll().execute()).length,
    0,
  );
});

test("the member's export has their list's counts; deleting them erases their list", async () => {
  const contributors = [newslettersContributor];
  const archive = await exportAccount(db(), anaId, contributors);
  assert.deepEqual(archive.newsletters, {
    subscriptions: [],
    own_list: { confirmed: 1, unsubscribed: 1 },
    sends: [
      {
        post_id: (
          await db().selectFrom("newsletter_sends").select("post_id").executeTakeFirstOrThrow()
        ).post_id,
        list_kind: "member",
        list_id: anaId,
        recipients: 2,
        created_at: (
          await db().selectFrom("newsletter_sends").select("created_at").executeTakeFirstOrThrow()
        ).created_at,
      },
    ],
  });
  assert.doesNotMatch(
    JSON.stringify(archive),
    /reader@example\.test/,
    "subscribers' addresses are theirs",
  );
  const deleted = await deleteAccount(db(), anaId, {
    contributors,
    dataDir: node.node.config.dataDir,
  });
  assert.ok(deleted.ok);
  const left = await db()
    .selectFrom("newsletter_subscriptions")
    .select(["list_kind", "email"])
    .execute();
  assert.deepEqual(left, [{ list_kind: "group", email: "pubreader@example.test" }]);
  assert.equal((await db().selectFrom("newsletter_sends").selectAll().execute()).length, 0);
  assert.equal((await db().selectFrom("newsletter_deliveries").selectAll().execute()).length, 0);
});
