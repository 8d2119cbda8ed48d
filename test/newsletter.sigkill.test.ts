/**
 * Newsletter sending survives a crash (issue 17): a real worker process
 * (`synco start --role worker`) sends a post to 8 subscribers through a local
 * SMTP sink; the sink SIGKILLs it while the 3rd message is in the window that
 * matters — the message received, its acceptance not yet answered, so the row
 * is still `sending`. The worker restarts on the same database and sends the
 * rest: every subscriber ends with exactly one message (nobody twice, nobody
 * skipped), and the row left `sending` is reconciled as `uncertain`, not re-sent.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { SMTPServer } from "smtp-server";
import { createAccount } from "../src/accounts/accounts.ts";
import { openDatabase } from "../src/db/database.ts";
import { migrateToLatest } from "../src/db/migrate.ts";
import { waitFor } from "../src/federation/testing.ts";
import { fixedClock, systemClock } from "../src/kernel/clock.ts";
import { reconcileDeliveries } from "../src/media/newsletters/sender.ts";
import { queueSend } from "../src/media/newsletters/sends.ts";
import { confirmSubscription, subscribe } from "../src/media/newsletters/subscriptions.ts";
import { signToken } from "../src/media/newsletters/tokens.ts";
import { createPost, textPost } from "../src/social/posts.ts";
import { freshDatabaseUrl } from "./support/db.ts";

const SUBSCRIBERS = 8;
const KILL_AT = 3;
const HOST = "127.0.71.1";
const cli = join(import.meta.dirname, "..", "bin", "synco.ts");
const SECRET = "sigkill-secret-".padEnd(40, "x");

/** Messages the sink took, in order: recipient, Message-ID, the raw text. */
const received: { to: string; messageId: string; raw: string }[] = [];
let child: ChildProcess | undefined;
let sink: SMTPServer;
after(async () => {
  child?.kill("SIGKILL");
  await new Promise<void>((r) => (sink ? sink.close(() => r()) : r()));
});

function startSink(): Promise<number> {
  sink = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      let raw = "";
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        raw += chunk;
      });
      stream.on("end", () => {
        const to = session.envelope.rcptTo.map((r) => r.address).join(",");
        const messageId = /^Message-ID:\s*(\S+)/im.exec(raw)?.[1] ?? "";
        received.push({ to, messageId, raw });
        // The window: the message is here, the sender has not heard "250 accepted".
        if (received.length === KILL_AT && child?.pid) child.kill("SIGKILL");
        callback();
      });
    },
  });
  return new Promise((resolve) =>
    sink.listen(0, HOST, () => resolve((sink.server.address() as AddressInfo).port)),
  );
}

function freePort(): Promise<number> {
  const s = createServer();
  return new Promise((resolve) =>
    s.listen(0, HOST, () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    }),
  );
}

test("a worker killed mid-send sends to everyone exactly once after restart", async () => {
  const smtpPort = await startSink();
  const port = await freePort();
  const domain = `${HOST}:${port}`;
  const databaseUrl = await freshDatabaseUrl();
  const db = await openDatabase(databaseUrl, { poolSize: 2 });
  await migrateToLatest(db.db);
  const n = { db: db.db, origin: `http://${domain}`, domain, clock: systemClock, secret: SECRET };
  const ann = await createAccount(
    db.db,
    { username: "ann", email: "ann@example.test", password: "password123" },
    { passwordCost: 8 },
  );
  assert.ok(ann.ok);
  const list = { kind: "member" as const, id: ann.value.id };
  for (let i = 0; i < SUBSCRIBERS; i++) {
    const s = await subscribe(n, list, { email: `reader${i}@example.test`, language: "en" });
    assert.ok(s.ok);
    assert.ok((await confirmSubscription(n, signToken(SECRET, "confirm", s.value.id))).ok);
  }
  const post = await createPost(n, ann.value, {
    ...textPost("The first issue, with a <b>bold</b> claim"),
    visibility: "public",
    kind: "article",
    title: "Issue one",
  });
  assert.ok(post.ok);
  const queued = await queueSend(n, ann.value, post.value.id, list);
  assert.ok(queued.ok);
  assert.equal(queued.value.recipients, SUBSCRIBERS);

  const env = {
    ...process.env,
    SYNCO_HOST: HOST,
    SYNCO_PORT: String(port),
    SYNCO_DOMAIN: domain,
    SYNCO_DATABASE_URL: databaseUrl,
    SYNCO_DATA_DIR: mkdtempSync(join(tmpdir(), "synco-newsletter-kill-")),
    SYNCO_SECRET: SECRET,
    SYNCO_SMTP_URL: `smtp://${HOST}:${smtpPort}`,
    SYNCO_LOG_LEVEL: "error",
  };
  const start = () =>
    spawn(process.execPath, [cli, "start", "--role", "worker"], {
      env,
      stdio: ["ignore", "ignore", "inherit"],
    });
  child = start();
  const killed = await new Promise<NodeJS.Signals | null>((resolve) =>
    child?.once("exit", (_code, signal) => resolve(signal)),
  );
  assert.equal(killed, "SIGKILL");
  const states = async () =>
    (
      await db.db
        .selectFrom("newsletter_deliveries")
        .select("state")
        .where("send_id", "=", queued.value.id)
        .execute()
    ).map((r) => r.state);
  const afterKill = await states();
  assert.equal(received.length, KILL_AT);
  assert.equal(afterKill.filter((s) => s === "sending").length, 1, "one row was mid-send");
  assert.equal(afterKill.filter((s) => s === "sent").length, KILL_AT - 1);
  assert.equal(afterKill.filter((s) => s === "queued").length, SUBSCRIBERS - KILL_AT);

  child = start();
  await waitFor(
    "the restarted worker sent the rest",
    // Marked sent after the sink has it: wait for the rows, not just the messages.
    async () => (await states()).filter((x) => x === "sent").length === SUBSCRIBERS - 1,
  );
  const exited = new Promise((r) => child?.once("exit", r));
  child.kill("SIGTERM");
  await exited;
  child = undefined;

  // Every subscriber exactly once; every message its own stable Message-ID.
  const perRecipient = new Map<string, number>();
  for (const m of received) perRecipient.set(m.to, (perRecipient.get(m.to) ?? 0) + 1);
  assert.equal(received.length, SUBSCRIBERS);
  assert.equal(perRecipient.size, SUBSCRIBERS);
  assert.ok([...perRecipient.values()].every((count) => count === 1));
  assert.equal(new Set(received.map((m) => m.messageId)).size, SUBSCRIBERS);

  // The row the crash left `sending` is not sent again; once its lease has run out, it is uncertain.
  const later = fixedClock(new Date(Date.now() + 10 * 60_000));
  assert.equal(await reconcileDeliveries({ ...n, clock: later }), 1);
  const final = await states();
  assert.equal(final.filter((s) => s === "sent").length, SUBSCRIBERS - 1);
  assert.equal(final.filter((s) => s === "uncertain").length, 1);

  // What a reader gets: HTML and text, the one-click unsubscribe headers (RFC 8058).
  // Headers unfolded (RFC 5322 2.2.3) before matching.
  const first = (received[0]?.raw ?? "").replace(/\r\n[ \t]+/g, " ");
  assert.match(first, /^Subject: Issue one/m);
  assert.match(
    first,
    new RegExp(`^List-Unsubscribe: <http://${domain}/newsletters/unsubscribe/[^>]+>`, "m"),
  );
  assert.match(first, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m);
  assert.match(first, /Content-Type: multipart\/alternative/);
  assert.match(first, /Content-Type: text\/plain/);
  assert.match(first, /Content-Type: text\/html/);
  await db.close();
});
