import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import sharp from "sharp";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
before(async () => {
  node = await startTestNode();
});
after(() => node.close());

const db = () => node.node.db.db;
const account = (username: string) =>
  db()
    .selectFrom("accounts")
    .selectAll()
    .where("username", "=", username)
    .executeTakeFirstOrThrow();
const events = (type: string) =>
  db().selectFrom("outbox_events").selectAll().where("type", "=", type).execute();
const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: "#b3261e" } })
    .png()
    .toBuffer();

function profileForm(fields: Record<string, string | Blob>): FormData {
  const form = new FormData();
  const defaults = { displayName: "", bio: "", language: "en" };
  for (const [k, v] of Object.entries({ ...defaults, ...fields })) form.set(k, v);
  return form;
}

async function member(username: string): Promise<SignedIn> {
  await createMember(node, { username, password: "long enough" });
  return signIn(node, username, "long enough");
}

test("a member edits their profile with an avatar; the bio is sanitized; an event is recorded", async () => {
  const ana = await member("ana");
  const before = (await events("accounts.account.updated")).length;
  const res = await ana.postMultipart(
    "/settings/profile",
    profileForm({
      displayName: "Ana Pérez",
      bio: 'Baker <script>alert(1)</script><a href="javascript:x">bad</a> <a href="https://bread.example">bread</a>\nsecond line',
      language: "es",
      field0name: "Web",
      field0value: "https://bread.example",
      field1name: "Pronouns",
      field1value: "she/her",
      avatar: new Blob([await png(800, 600)], { type: "image/png" }),
    }),
  );
  assert.equal(res.status, 303, await res.text());
  const row = await account("ana");
  assert.equal(row.display_name, "Ana Pérez");
  assert.equal(row.language, "es");
  assert.doesNotMatch(row.bio, /script|javascript/);
  assert.match(row.bio, /<a href="https:\/\/bread.example">bread<\/a>/);
  assert.deepEqual(JSON.parse(row.fields), [
    { name: "Web", value: "https://bread.example" },
    { name: "Pronouns", value: "she/her" },
  ]);
  assert.ok(row.avatar_id);
  const upload = await db()
    .selectFrom("uploads")
    .selectAll()
    .where("id", "=", row.avatar_id)
    .executeTakeFirstOrThrow();
  assert.deepEqual([upload.width, upload.height, upload.owner_id], [400, 400, row.id]);
  const after = await events("accounts.account.updated");
  assert.equal(after.length, before + 1);
  assert.deepEqual(JSON.parse(after.at(-1)?.payload ?? "{}"), { accountId: row.id });

  const page = await (await fetch(`${node.url}/@ana`)).text();
  assert.match(page, /<h1>Ana Pérez<\/h1>/);
  assert.match(page, new RegExp(`src="/media/${upload.path}"`));
  assert.match(page, /rel="me nofollow noopener noreferrer"/);
  assert.match(
    page,
    /<a href="https:\/\/bread.example" rel="nofollow noopener noreferrer">bread<\/a>/,
  );
  assert.match(page, /second line/);
  assert.doesNotMatch(page, /<script>alert/);
  // Her language setting now wins over the browser's.
  assert.match(await (await ana.get("/settings")).text(), /<html lang="es">/);
});

test("bad profile input: a clear message per field, 422, nothing changed", async () => {
  const bo = await member("bo");
  const before = await account("bo");
  const eventsBefore = (await events("accounts.account.updated")).length;
  const cases: [Record<string, string | Blob>, RegExp, string][] = [
    [
      { displayName: "x".repeat(101) },
      /This is too long \(at most 100 characters\)/,
      "f-displayName",
    ],
    [{ bio: "x".repeat(2001) }, /at most 2000 characters/, "f-bio"],
    [{ language: "klingon" }, /Choose one of the languages offered/, "f-language"],
    [{ field0name: "Web" }, /Give both a label and a value, or neither/, "f-field0value"],
    [{ field2value: "lonely" }, /Give both a label and a value, or neither/, "f-field2name"],
    [{ field1name: "x".repeat(256), field1value: "y" }, /at most 255 characters/, "f-field1name"],
    [
      { avatar: new Blob([Buffer.from("not an image")], { type: "image/png" }) },
      /The image could not be read/,
      "f-avatar",
    ],
    [
      {
        displayName: "Bo",
        avatar: new Blob([await png(10, 10)], { type: "image/png" }),
        header: new Blob([Buffer.from("GIF89a nonsense")], { type: "image/gif" }),
      },
      /The image could not be read|not supported/,
      "f-header",
    ],
  ];
  for (const [fields, message, id] of cases) {
    const res = await bo.postMultipart(
      "/settings/profile",
      profileForm({ displayName: "Bo", ...fields }),
    );
    assert.equal(res.status, 422, JSON.stringify(Object.keys(fields)));
    const page = await res.text();
    assert.match(page, message);
    assert.match(page, new RegExp(`id="${id}"[^>]*aria-invalid="true"`), id);
    assert.deepEqual(await account("bo"), before, "the account is unchanged");
  }
  assert.equal((await events("accounts.account.updated")).length, eventsBefore);
  // The accepted one of a refused pair is kept for the next try (form_uploads, swept
  // after a day), not left as a loose upload.
  const loose = await db()
    .selectFrom("uploads")
    .select("id")
    .where("owner_id", "=", before.id)
    .where("id", "not in", (q) => q.selectFrom("form_uploads").select("upload_id"))
    .execute();
  assert.deepEqual(loose, [], "a refused pair of images leaves no loose upload behind");
});

test("password change: wrong current password, too short, mismatch are refused; success ends other sessions", async () => {
  const cy = await member("cy");
  const other = await signIn(node, "cy", "long enough");
  const hash = (await account("cy")).password_hash;
  for (const [form, message] of [
    [
      { current: "wrong one!", password: "new password", confirmation: "new password" },
      /The current password is wrong/,
    ],
    [{ current: "long enough", password: "short", confirmation: "short" }, /8 to 1000 characters/],
    [
      { current: "long enough", password: "new password", confirmation: "new passw0rd" },
      /The two passwords are not the same/,
    ],
  ] as const) {
    const res = await cy.post("/settings/password", form);
    assert.equal(res.status, 422);
    assert.match(await res.text(), message);
    assert.equal((await account("cy")).password_hash, hash);
  }
  const res = await cy.post("/settings/password", {
    current: "long enough",
    password: "new password",
    confirmation: "new password",
  });
  assert.equal(res.status, 303);
  assert.match(
    await (await cy.get("/settings/password?done=changed")).text(),
    /other sessions have ended/,
  );
  assert.equal((await other.get("/settings")).status, 303, "the other session is gone");
  await signIn(node, "cy", "new password");
});

test("sessions: a member ends one session, then logs out everywhere", async () => {
  const di = await member("di");
  const phone = await signIn(node, "di", "long enough");
  const page = await (await di.get("/settings/sessions")).text();
  const ids = [...page.matchAll(/action="\/settings\/sessions\/([0-9a-f-]{36})\/end"/g)].map(
    (m) => m[1],
  );
  assert.equal(ids.length, 2);
  assert.match(page, /This session/);
  const sessionsOf = async () =>
    (
      await db()
        .selectFrom("sessions")
        .select("id")
        .where("account_id", "=", (await account("di")).id)
        .execute()
    ).map((s) => s.id);
  // The phone's session is the newer one, listed first (most recently seen).
  const phoneId = ids[0];
  assert.ok(phoneId);
  const res = await di.post(`/settings/sessions/${phoneId}/end`, {});
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), "/settings/sessions");
  assert.equal((await sessionsOf()).length, 1);
  assert.equal((await phone.get("/settings")).status, 303, "the phone is logged out");
  assert.equal((await di.get("/settings")).status, 200, "this browser is not");
  const again = await signIn(node, "di", "long enough");
  const out = await again.post("/settings/sessions/end-all", {});
  assert.equal(out.status, 303);
  assert.deepEqual(await sessionsOf(), []);
  assert.equal((await phone.get("/settings")).status, 303);
  assert.equal((await di.get("/settings")).status, 303);
});

test("a member's forms act only on their own account, whatever ids they send", async () => {
  const ivy = await member("ivy");
  const jay = await member("jay");
  const jayBefore = await account("jay");
  const res = await ivy.postMultipart(
    "/settings/profile",
    profileForm({
      displayName: "Ivy",
      id: jayBefore.id,
      account_id: jayBefore.id,
      username: "jay",
    }),
  );
  assert.equal(res.status, 303);
  assert.equal((await account("ivy")).display_name, "Ivy");
  assert.deepEqual(await account("jay"), jayBefore);
  const pw = await ivy.post("/settings/password", {
    current: "long enough",
    password: "ivy's new pass",
    confirmation: "ivy's new pass",
    account_id: jayBefore.id,
  });
  assert.equal(pw.status, 303);
  assert.equal((await account("jay")).password_hash, jayBefore.password_hash);
  assert.equal((await jay.get("/settings")).status, 200, "jay's session is untouched");
});

test("a header image is stored at 1500×500 and shown on the profile", async () => {
  const kai = await member("kai");
  const res = await kai.postMultipart(
    "/settings/profile",
    profileForm({ header: new Blob([await png(3000, 1200)], { type: "image/png" }) }),
  );
  assert.equal(res.status, 303);
  const row = await account("kai");
  const header = await db()
    .selectFrom("uploads")
    .selectAll()
    .where("id", "=", row.header_id ?? "")
    .executeTakeFirstOrThrow();
  assert.deepEqual([header.width, header.height, header.purpose], [1500, 500, "header"]);
  assert.match(
    await (await fetch(`${node.url}/@kai`)).text(),
    new RegExp(`class="profile-header" src="/media/${header.path}"`),
  );
  const removed = await kai.postMultipart("/settings/profile", profileForm({ removeHeader: "1" }));
  assert.equal(removed.status, 303);
  assert.equal((await account("kai")).header_id, null);
  assert.equal(
    await db().selectFrom("uploads").select("id").where("id", "=", header.id).executeTakeFirst(),
    undefined,
  );
});

test("a member cannot end another member's session, nor see admin pages", async () => {
  const eve = await member("eve");
  const finn = await member("finn");
  const finnSessions = await db()
    .selectFrom("sessions")
    .select("id")
    .where("account_id", "=", (await account("finn")).id)
    .execute();
  const target = finnSessions[0]?.id;
  assert.ok(target);
  const res = await eve.post(`/settings/sessions/${target}/end`, {});
  assert.equal(res.status, 404);
  assert.match(await res.text(), /does not exist or is not yours/);
  assert.equal((await finn.get("/settings")).status, 200, "finn is still logged in");
  for (const path of [
    "/admin",
    "/admin/members",
    "/admin/invites",
    "/admin/log",
    "/admin/applications",
  ]) {
    assert.equal((await eve.get(path)).status, 403, path);
  }
  const role = await eve.post(`/admin/members/${(await account("eve")).id}/role`, {
    role: "admin",
  });
  assert.equal(role.status, 403);
  assert.equal((await account("eve")).role, "member");
});

test("settings, export and deletion need a login; visitors are sent to /login", async () => {
  for (const path of [
    "/settings",
    "/settings/password",
    "/settings/sessions",
    "/settings/export",
    "/settings/export.json",
    "/settings/delete",
  ]) {
    const res = await fetch(`${node.url}${path}`, { redirect: "manual" });
    assert.equal(res.status, 303, path);
    assert.equal(res.headers.get("location"), `/login?next=${encodeURIComponent(path)}`);
  }
  const json = await fetch(`${node.url}/settings/export.json`, {
    headers: { accept: "application/json" },
  });
  assert.equal(json.status, 401);
});

test("export holds the member's own data and nobody else's", async () => {
  const gus = await member("gus");
  await member("hal");
  await gus.postMultipart(
    "/settings/profile",
    profileForm({ displayName: "Gus", bio: "gardener" }),
  );
  const res = await gus.get("/settings/export.json");
  assert.equal(res.status, 200);
  assert.match(
    res.headers.get("content-disposition") ?? "",
    /attachment; filename="synco-gus-\d{4}-\d\d-\d\d\.json"/,
  );
  const archive = (await res.json()) as {
    format: string;
    accounts: {
      profile: { username: string; bio: string; display_name: string };
      sessions: unknown[];
    };
  };
  assert.equal(archive.format, "synco-account-export");
  assert.equal(archive.accounts.profile.username, "gus");
  assert.equal(archive.accounts.profile.display_name, "Gus");
  assert.equal(archive.accounts.sessions.length, 1);
  const text = JSON.stringify(archive);
  assert.doesNotMatch(text, /hal/);
  assert.doesNotMatch(text, /password_hash|argon2/);
});

test("wrong passwords on the password and delete forms count as login guesses: past ten, even the right one is refused (429)", async () => {
  const kit = await member("kit");
  const before = await account("kit");
  for (let i = 0; i < 5; i++) {
    const pw = await kit.post("/settings/password", {
      current: `wrong ${i}`,
      password: "new password",
      confirmation: "new password",
    });
    assert.equal(pw.status, 422);
    const del = await kit.post("/settings/delete", { password: `wrong ${i}`, confirm: "yes" });
    assert.equal(del.status, 422);
  }
  const pw = await kit.post("/settings/password", {
    current: "long enough",
    password: "new password",
    confirmation: "new password",
  });
  assert.equal(pw.status, 429);
  assert.match(await pw.text(), /Too many attempts/);
  const del = await kit.post("/settings/delete", { password: "long enough", confirm: "yes" });
  assert.equal(del.status, 429);
  const after = await account("kit");
  assert.equal(after.password_hash, before.password_hash);
  assert.equal(after.status, before.status);
});

test("without mail, a member changes their address at once; bad input changes nothing (422)", async () => {
  const lin = await member("lin");
  await member("mo");
  const email = async () => (await account("lin")).email;
  const before = await email();
  for (const [form, message] of [
    [{ email: "lin2@example.test", password: "wrong one" }, /The current password is wrong/],
    [{ email: "not an address", password: "long enough" }, /This is not an email address/],
    [{ email: before.toUpperCase(), password: "long enough" }, /This is already your address/],
    [
      { email: (await account("mo")).email, password: "long enough" },
      /An account already uses this address/,
    ],
  ] as const) {
    const res = await lin.post("/settings/email", form);
    assert.equal(res.status, 422);
    assert.match(await res.text(), message);
    assert.equal(await email(), before);
  }
  const res = await lin.post("/settings/email", {
    email: "Lin.Two@example.test",
    password: "long enough",
  });
  assert.equal(res.status, 303);
  assert.equal(await email(), "lin.two@example.test");
  assert.match(
    await (await lin.get("/settings/email?done=changed")).text(),
    /Your address is now lin.two@example.test/,
  );
});
