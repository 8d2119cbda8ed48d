/** The mail path for real: a local SMTP sink on 127.0.0.1 receives what the node sends. */
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { SMTPServer } from "smtp-server";
import { createMember, sessionClient, signIn, visitor } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

interface Received {
  to: string[];
  text: string;
}

let node: TestNode;
let smtp: SMTPServer;
const inbox: Received[] = [];

before(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        inbox.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          // Quoted-printable soft line breaks are undone so links can be matched whole.
          text: Buffer.concat(chunks)
            .toString("utf8")
            .replace(/=\r?\n/g, "")
            .replace(/=3D/g, "="),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  const { port } = smtp.server.address() as AddressInfo;
  node = await startTestNode({
    env: { SYNCO_SMTP_URL: `smtp://127.0.0.1:${port}`, SYNCO_MAIL_FROM: "coop@example.test" },
  });
});
after(async () => {
  await node?.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

async function mailTo(address: string, count: number): Promise<Received> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const mails = inbox.filter((m) => m.to.includes(address));
    if (mails.length >= count) return mails[count - 1] as Received;
    if (Date.now() > deadline) assert.fail(`no mail #${count} to ${address}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function client() {
  const v = await visitor(node);
  return sessionClient(node, v.cookie, v.csrf);
}

test("with SMTP, a new member confirms their address before logging in", async () => {
  await node.node.coop.update({ registration: "open", name: "Huerta" });
  const c = await client();
  const res = await c.post("/signup", {
    username: "vera",
    email: "vera@example.test",
    password: "long enough",
  });
  assert.equal(res.status, 200);
  assert.match(await res.text(), /we sent a link to vera@example.test/);
  const mail = await mailTo("vera@example.test", 1);
  assert.match(mail.text, /Subject: Confirm your address for Huerta/);
  const link = /(http:\/\/\S+\/verify-email\/[\w-]+)/.exec(mail.text)?.[1];
  assert.ok(link, mail.text);

  const early = await c.post("/login", { login: "vera", password: "long enough" });
  assert.equal(early.status, 403);
  assert.match(await early.text(), /confirm your email address first/);

  const fresh = /(http:\/\/\S+\/verify-email\/[\w-]+)/.exec(
    (await mailTo("vera@example.test", 2)).text,
  )?.[1];
  assert.ok(fresh);
  const stale = await c.post(new URL(link).pathname, {});
  assert.equal(stale.status, 404, "a new link replaces the old one");
  const path = new URL(fresh).pathname;
  const opened = await fetch(`${node.url}${path}`);
  assert.equal(opened.status, 200, "opening the link changes nothing yet");
  assert.match(await opened.text(), /Confirm my address/);
  const confirmed = await c.post(path, {});
  assert.equal(confirmed.status, 303);
  assert.equal(confirmed.headers.get("location"), "/login?done=verified");
  await signIn(node, "vera", "long enough");
  assert.equal((await c.post(path, {})).status, 404, "the link works once");
});

test("with SMTP, a forgotten password is reset by a mailed link; unknown addresses get the same answer", async () => {
  await createMember(node, {
    username: "walt",
    password: "long enough",
    email: "walt@example.test",
  });
  const c = await client();
  const page = await (await fetch(`${node.url}/password/reset`)).text();
  assert.match(page, /we will send you a link/);
  const before = inbox.length;
  const unknown = await c.post("/password/reset", { email: "nobody@example.test" });
  assert.equal(unknown.status, 200);
  const unknownText = await unknown.text();
  const res = await c.post("/password/reset", { email: "WALT@example.test" });
  assert.equal(res.status, 200);
  const knownText = await res.text();
  const notice = (t: string) => /<p class="notice ok" role="status">([^<]+)</.exec(t)?.[1];
  assert.equal(notice(unknownText), notice(knownText));
  const mail = await mailTo("walt@example.test", 1);
  assert.equal(inbox.length, before + 1, "no mail for the unknown address");
  assert.match(mail.text, /Subject: Reset your password on Huerta/);
  const link = /(http:\/\/\S+\/password\/reset\/[\w-]+)/.exec(mail.text)?.[1];
  assert.ok(link);
  const done = await c.post(new URL(link).pathname, {
    password: "brand new pass",
    confirmation: "brand new pass",
  });
  assert.equal(done.status, 303);
  await signIn(node, "walt", "brand new pass");
});

test("reset requests are limited per IP", async () => {
  await node.node.db.db.deleteFrom("rate_limits").execute();
  const c = await client();
  for (let i = 0; i < 10; i++) {
    assert.equal(
      (await c.post("/password/reset", { email: `someone${i}@example.test` })).status,
      200,
    );
  }
  const refused = await c.post("/password/reset", { email: "walt@example.test" });
  assert.equal(refused.status, 429);
  assert.ok(Number(refused.headers.get("retry-after")) > 0, "says when to try again");
  assert.match(await refused.text(), /Too many attempts\. Try again in 60 min/);
  const mails = inbox.filter((m) => m.to.includes("walt@example.test")).length;
  assert.equal(mails, 1, "no new mail was sent");
});

test("the admin page says mail is configured", async () => {
  await createMember(node, { username: "xena", password: "long enough", role: "admin" });
  const xena = await signIn(node, "xena", "long enough");
  assert.match(await (await xena.get("/admin")).text(), /Email is configured/);
});

test("with SMTP, a new address applies only once the link mailed to it is followed; the old one is told", async () => {
  await createMember(node, {
    username: "xiomara",
    password: "long enough",
    email: "xiomara@example.test",
  });
  const xiomara = await signIn(node, "xiomara", "long enough");
  const res = await xiomara.post("/settings/email", {
    email: "Xiomara.New@example.test",
    password: "long enough",
  });
  assert.equal(res.status, 303);
  const sent = await (await xiomara.get(res.headers.get("location") ?? "")).text();
  assert.match(sent, /We sent a link to xiomara.new@example.test/);
  const email = async () =>
    (
      await node.node.db.db
        .selectFrom("accounts")
        .select("email")
        .where("username", "=", "xiomara")
        .executeTakeFirstOrThrow()
    ).email;
  assert.equal(
    await email(),
    "xiomara@example.test",
    "nothing changes before the link is followed",
  );
  const mail = await mailTo("xiomara.new@example.test", 1);
  assert.match(mail.text, /Subject: Confirm your new address for Huerta/);
  const path = new URL(/(http:\/\/\S+\/confirm-email\/[\w-]+)/.exec(mail.text)?.[1] ?? "").pathname;
  const opened = await fetch(`${node.url}${path}`);
  assert.equal(opened.status, 200);
  assert.match(await opened.text(), /Use xiomara.new@example.test as the address/);
  assert.equal(await email(), "xiomara@example.test", "opening the link changes nothing");

  const confirmed = await xiomara.post(path, {});
  assert.equal(confirmed.status, 303);
  assert.equal(await email(), "xiomara.new@example.test");
  const told = await mailTo("xiomara@example.test", 1);
  assert.match(told.text, /is now xiomara.new@example.test/);
  assert.equal((await xiomara.post(path, {})).status, 404, "the link works once");
  assert.equal((await xiomara.get("/confirm-email/not-a-token")).status, 404);
});

test("with SMTP, a confirmation for an address someone took meanwhile is refused", async () => {
  await createMember(node, {
    username: "yuri",
    password: "long enough",
    email: "yuri@example.test",
  });
  const yuri = await signIn(node, "yuri", "long enough");
  assert.equal(
    (await yuri.post("/settings/email", { email: "shared@example.test", password: "long enough" }))
      .status,
    303,
  );
  const mail = await mailTo("shared@example.test", 1);
  const path = new URL(/(http:\/\/\S+\/confirm-email\/[\w-]+)/.exec(mail.text)?.[1] ?? "").pathname;
  await createMember(node, {
    username: "zora",
    password: "long enough",
    email: "shared@example.test",
  });
  const refused = await yuri.post(path, {});
  assert.equal(refused.status, 409);
  assert.match(await refused.text(), /An account already uses this address/);
  const row = await node.node.db.db
    .selectFrom("accounts")
    .select("email")
    .where("username", "=", "yuri")
    .executeTakeFirstOrThrow();
  assert.equal(row.email, "yuri@example.test");
});
