/**
 * The member's journey in a real browser, in English and in Spanish: sign up
 * with an invite → an admin approves → log in → edit the profile with an
 * avatar → export → delete. Screenshots go to test-results/ to be looked at.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import sharp from "sharp";
import { type Locale, translator } from "../../src/web/i18n/i18n.ts";
import { launchBrowser, newContext, screenshot } from "../support/browser.ts";
import { createMember } from "../support/login.ts";
import { startTestNode, type TestNode } from "../support/node.ts";

let node: TestNode;
let browser: Browser;
before(async () => {
  node = await startTestNode();
  browser = await launchBrowser();
  await createMember(node, { username: "admin_ada", password: "admin password", role: "admin" });
  await node.node.coop.update({
    name: "Huerta Coop",
    registration: "approval",
    rules: "1. Be kind.\n2. Share the harvest.",
  });
});
after(async () => {
  await browser?.close();
  await node?.close();
});

async function logIn(
  page: Page,
  t: ReturnType<typeof translator>,
  username: string,
  password: string,
) {
  await page.goto(`${node.url}/login`);
  await page.getByLabel(t("login.username")).fill(username);
  await page.getByLabel(t("login.password")).fill(password);
  // Submitting with the keyboard, as someone without a mouse would.
  await page.getByLabel(t("login.password")).press("Enter");
  await page.waitForURL((url) => url.pathname !== "/login");
}

async function journey(locale: Locale, browserLocale: string, username: string) {
  const t = translator(locale);
  const suffix = locale;
  // 0. An admin makes a single-use invite link (the admin's own language setting wins over the browser's).
  await node.node.db.db
    .updateTable("accounts")
    .set({ language: locale })
    .where("username", "=", "admin_ada")
    .execute();
  const adminContext = await newContext(browser, { locale: browserLocale });
  const admin = await adminContext.newPage();
  await logIn(admin, t, "admin_ada", "admin password");
  await admin.getByRole("link", { name: t("nav.admin") }).click();
  await admin.getByRole("link", { name: t("admin.invites") }).click();
  await admin.getByLabel(t("admin.inviteUses")).fill("1");
  await admin.getByLabel(t("admin.inviteDays")).fill("3");
  await admin.getByRole("button", { name: t("admin.inviteCreate") }).click();
  const created = (await admin.getByRole("status").textContent()) ?? "";
  const invite = /signup\?invite=([\w-]+)/.exec(created)?.[1];
  assert.ok(invite, created);
  await screenshot(admin, `accounts-admin-invites-${suffix}`);
  const avatar = await sharp({
    create: { width: 600, height: 600, channels: 3, background: "#1e6b3a" },
  })
    .png()
    .toBuffer();

  // 1. Sign up with the invite; first a mistake, shown next to its field.
  const applicantContext = await newContext(browser, { locale: browserLocale });
  const page = await applicantContext.newPage();
  await page.goto(`${node.url}/signup?invite=${invite}`);
  assert.equal(await page.getAttribute("html", "lang"), locale);
  assert.equal(await page.getByLabel(t("signup.invite")).inputValue(), invite);
  await page.getByLabel(t("signup.username")).fill(username);
  await page.getByLabel(t("signup.email")).fill(`${username}@example.test`);
  await page.getByLabel(t("signup.password")).fill("short");
  await page.getByLabel(t("signup.reason")).fill("I grow tomatoes and want to share them.");
  // The browser's own check (minlength is not set) lets the server answer.
  await page.getByRole("button", { name: t("signup.submit") }).click();
  await page.waitForLoadState();
  assert.equal(await page.getByLabel(t("signup.password")).getAttribute("aria-invalid"), "true");
  assert.equal(
    await page.locator("#f-password-error").textContent(),
    t("signup.error.invalid-password"),
  );
  // The summary links to the field, and following the link puts the focus there.
  await page
    .getByRole("alert")
    .getByRole("link", { name: t("signup.error.invalid-password") })
    .click();
  assert.equal(await page.evaluate("document.activeElement?.id"), "f-password");
  await screenshot(page, `accounts-signup-error-${suffix}`);
  await page.getByLabel(t("signup.password")).fill("tomatoes for everyone");
  await page.getByRole("button", { name: t("signup.submit") }).click();
  await page.waitForURL(/\/login\?done=applied/);
  assert.ok(await page.getByText(t("signup.applied")).isVisible());
  await screenshot(page, `accounts-applied-${suffix}`);

  // 2. The admin approves the application.
  await admin.getByRole("link", { name: t("admin.applications") }).click();
  const application = admin.getByRole("region", { name: `@${username}` });
  assert.ok(await application.getByText("I grow tomatoes").isVisible());
  await screenshot(admin, `accounts-admin-applications-${suffix}`);
  await application.getByRole("button", { name: t("admin.approve") }).click();
  await admin.getByText(t("admin.approved", { name: username })).waitFor();
  await admin.getByRole("link", { name: t("admin.members") }).click();
  await screenshot(admin, `accounts-admin-members-${suffix}`);
  await admin.getByRole("link", { name: t("admin.log") }).click();
  const entry = admin.getByRole("row", {
    name: new RegExp(`${t("admin.action.application.approve")} ${username}$`),
  });
  assert.ok(await entry.isVisible());
  await screenshot(admin, `accounts-admin-log-${suffix}`);
  await adminContext.close();

  // 3. The new member logs in and edits their profile with an avatar.
  await logIn(page, t, username, "tomatoes for everyone");
  await page.getByRole("link", { name: t("nav.settings") }).click();
  await page
    .getByLabel(t("profile.displayName"))
    .fill(locale === "es" ? "Lucía Tomate" : "Tom Grower");
  await page
    .getByLabel(t("profile.bio"))
    .fill("Tomatoes, <em>heirloom</em> ones.\nAsk me for seeds.");
  await page
    .getByLabel(t("profile.avatar"))
    .setInputFiles({ name: "me.png", mimeType: "image/png", buffer: avatar });
  await page.getByLabel(t("profile.fieldLabel", { n: 1 })).fill("Web");
  await page.getByLabel(t("profile.fieldValue", { n: 1 })).fill("https://tomatoes.example");
  await page.getByRole("button", { name: t("profile.save") }).click();
  await page.getByText(t("settings.saved")).waitFor();
  await screenshot(page, `accounts-settings-profile-${suffix}`);
  await page.goto(`${node.url}/@${username}`);
  const avatarSize = await page.evaluate<[number, boolean]>(
    "(() => { const img = document.querySelector('.profile-id img.avatar'); return [img.naturalWidth, img.complete]; })()",
  );
  assert.deepEqual(avatarSize, [400, true], "the avatar is served, scaled to 400px");
  assert.ok(await page.getByRole("heading", { level: 1 }).isVisible());
  await screenshot(page, `accounts-profile-${suffix}`);

  await page.goto(`${node.url}/settings/sessions`);
  assert.ok(await page.getByText(t("sessions.this")).isVisible());
  await screenshot(page, `accounts-sessions-${suffix}`);

  // A new email address (this node sends no mail, so it applies at once).
  const newEmail = `${username}.new@example.test`.toLowerCase();
  await page.getByRole("link", { name: t("settings.email") }).click();
  await page.getByLabel(t("email.new")).fill(newEmail);
  await page.getByLabel(t("email.password")).fill("tomatoes for everyone");
  await page.getByRole("button", { name: t("email.save") }).click();
  await page.getByText(t("email.changed", { email: newEmail })).waitFor();
  await screenshot(page, `accounts-settings-email-${suffix}`);

  // 4. Export.
  await page.goto(`${node.url}/settings/export`);
  await screenshot(page, `accounts-export-${suffix}`);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: t("export.download") }).click(),
  ]);
  const archive = JSON.parse(await readFile((await download.path()) as string, "utf8"));
  assert.equal(archive.accounts.profile.username, username);
  assert.equal(archive.accounts.uploads.length, 1);
  assert.equal(archive.accounts.application, null, "the application is gone once approved");

  // 5. Delete the account.
  await page.getByRole("link", { name: t("settings.delete") }).click();
  await page.getByLabel(t("delete.password")).fill("tomatoes for everyone");
  await page.getByLabel(t("delete.confirm")).check();
  await screenshot(page, `accounts-delete-${suffix}`);
  await page.getByRole("button", { name: t("delete.submit") }).click();
  await page.waitForURL(/\/login\?done=deleted/);
  assert.ok(await page.getByText(t("delete.done")).isVisible());
  await screenshot(page, `accounts-deleted-${suffix}`);
  const gone = await page.goto(`${node.url}/@${username}`);
  assert.equal(gone?.status(), 410);
  await applicantContext.close();
}

test("sign up with an invite, approval, login, profile with avatar, export, delete — in English", async () => {
  await journey("en", "en-US", "tom");
});

test("the same journey in Spanish", async () => {
  await journey("es", "es-ES", "lucia");
});

test("sign-up, settings and the members list fit a phone's screen", async () => {
  const context = await newContext(browser, { locale: "es-ES", mobile: true });
  const page = await context.newPage();
  const overflow = () =>
    page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
  await page.goto(`${node.url}/signup`);
  assert.ok((await overflow()) <= 0, `sign-up is ${await overflow()}px wider than the screen`);
  await screenshot(page, "accounts-signup-es-mobile");
  await node.node.db.db
    .updateTable("accounts")
    .set({ language: "es" })
    .where("username", "=", "admin_ada")
    .execute();
  await logIn(page, translator("es"), "admin_ada", "admin password");
  for (const path of [
    "/settings",
    "/settings/sessions",
    "/settings/email",
    "/admin/members",
    "/admin/invites",
    "/admin/log",
  ]) {
    await page.goto(`${node.url}${path}`);
    assert.ok((await overflow()) <= 0, `${path} is ${await overflow()}px wider than the screen`);
  }
  await page.goto(`${node.url}/admin/members`);
  await screenshot(page, "accounts-admin-members-es-mobile");
  await context.close();
});
