/** A member's own settings: profile (with images) and password. Only ever the viewer's own account. */

import { type Context, Hono } from "hono";
import { html } from "hono/html";
import { removeUnreferencedFiles } from "../../accounts/data.ts";
import { changePassword } from "../../accounts/passwords-change.ts";
import {
  checkProfile,
  dropUploads,
  MAX_BIO,
  MAX_DISPLAY_NAME,
  MAX_FIELD_LENGTH,
  MAX_FIELDS,
  type Profile,
  type ProfileErrors,
  parseFields,
  updateProfile,
} from "../../accounts/profile.ts";
import { releaseFormUploads } from "../../storage/form-uploads.ts";
import {
  type KeptPicture,
  keptPictureField,
  type PictureSlot,
  pictureAcrossTries,
  readMultipart,
} from "../budgeting/propose.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, errorSummary, type FieldErrors, field, notice, readForm } from "../forms.ts";
import { locales } from "../i18n/i18n.ts";
import { type Html, layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { safeUrl } from "../safe-url.ts";
import { requireViewer } from "../session.ts";
import { type AccountsDeps, sessionGuard, tooManyAttempts } from "./deps.ts";

const sections = [
  { path: "/settings", key: "settings.profile" },
  { path: "/settings/password", key: "settings.password" },
  { path: "/settings/email", key: "settings.email" },
  { path: "/settings/sessions", key: "settings.sessions" },
  { path: "/settings/moving", key: "moving.nav" },
  { path: "/settings/import", key: "moving.importNav" },
  { path: "/settings/export", key: "settings.export" },
  { path: "/settings/delete", key: "settings.delete" },
] as const;

/** A settings page: the section links, then the section itself. */
export function settingsLayout(
  c: Context<WebEnv>,
  current: (typeof sections)[number]["path"],
  body: Html,
  status: 200 | 403 | 404 | 422 | 429 = 200,
) {
  const t = c.get("t");
  const section = sections.find((s) => s.path === current);
  const page = html`<h1>${t("settings.title")}</h1>
    <nav aria-label="${t("settings.title")}" class="tabs">
      <ul>
        ${sections.map(
          (s) =>
            html`<li><a href="${safeUrl(s.path)}"${s.path === current ? html` aria-current="page"` : ""}>${t(s.key)}</a></li>`,
        )}
      </ul>
    </nav>
    <h2>${section ? t(section.key) : ""}</h2>
    ${body}`;
  return c.html(layout(c, section ? t(section.key) : t("settings.title"), page), status);
}

type ProfileForm = Profile & {
  avatarPath?: string | null;
  headerPath?: string | null;
  /** Pictures picked on a try the form refused, kept for the next (as a project's picture). */
  kept?: { avatar: KeptPicture | null; header: KeptPicture | null };
};

/** The profile's two pictures, each kept across tries under its own names. */
const profilePictures = {
  avatar: { file: "avatar", kept: "keptAvatar", drop: "dropAvatar", purpose: "avatar" },
  header: { file: "header", kept: "keptHeader", drop: "dropHeader", purpose: "header" },
} as const satisfies Record<string, PictureSlot>;

function profileForm(
  c: Context<WebEnv>,
  form: ProfileForm,
  errors: FieldErrors,
  ok?: string,
): Html {
  const t = c.get("t");
  const fields = Array.from(
    { length: MAX_FIELDS },
    (_, i) => form.fields[i] ?? { name: "", value: "" },
  );
  return html`${notice(ok)}
    ${errorSummary(c, errors)}
    <form method="post" action="/settings/profile" enctype="multipart/form-data" class="stack">
      ${csrfField(c)}
      ${field({ name: "displayName", label: t("profile.displayName"), value: form.displayName, error: errors.displayName, maxlength: MAX_DISPLAY_NAME, autocomplete: "nickname" })}
      ${field({ name: "bio", label: t("profile.bio"), type: "textarea", value: form.bio, error: errors.bio, hint: t("profile.bioHint"), maxlength: MAX_BIO })}
      <div class="field">
        <label for="f-language">${t("profile.language")}</label>
        <select id="f-language" name="language"${errors.language ? html` aria-invalid="true" aria-describedby="f-language-error"` : ""}>
          ${locales.map((l) => html`<option value="${l}"${l === form.language ? html` selected` : ""}>${new Intl.DisplayNames([l], { type: "language" }).of(l)}</option>`)}
        </select>
        ${errors.language ? html`<p class="field-error" id="f-language-error">${errors.language}</p>` : ""}
      </div>
      ${imageField(c, "avatar", form.avatarPath, errors.avatar, form.kept?.avatar)}
      ${imageField(c, "header", form.headerPath, errors.header, form.kept?.header)}
      <fieldset class="profile-fields">
        <legend>${t("profile.fields")}</legend>
        <p class="hint">${t("profile.fieldsHint")}</p>
        ${fields.map(
          (f, i) => html`<div class="field-pair">
            ${field({ name: `field${i}name`, label: t("profile.fieldLabel", { n: i + 1 }), value: f.name, error: errors[`field${i}name`], maxlength: MAX_FIELD_LENGTH })}
            ${field({ name: `field${i}value`, label: t("profile.fieldValue", { n: i + 1 }), value: f.value, error: errors[`field${i}value`], maxlength: MAX_FIELD_LENGTH })}
          </div>`,
        )}
      </fieldset>
      <div><button type="submit">${t("profile.save")}</button></div>
    </form>`;
}

function imageField(
  c: Context<WebEnv>,
  kind: "avatar" | "header",
  path: string | null | undefined,
  error?: string,
  kept?: KeptPicture | null,
) {
  const t = c.get("t");
  const remove = kind === "avatar" ? "removeAvatar" : "removeHeader";
  return html`<div class="image-field">
    ${field({ name: kind, label: t(kind === "avatar" ? "profile.avatar" : "profile.header"), type: "file", error, hint: t("profile.imageHint"), accept: "image/jpeg,image/png,image/webp,image/gif,image/avif" })}
    ${path ? html`<img src="/media/${path}" alt="" class="${kind === "avatar" ? "avatar preview" : "profile-header preview"}" width="${kind === "avatar" ? 96 : 300}" height="${kind === "avatar" ? 96 : 100}" />` : ""}
    ${path ? html`<label class="check"><input type="checkbox" name="${remove}" value="1" /> ${t(kind === "avatar" ? "profile.removeAvatar" : "profile.removeHeader")}</label>` : ""}
    ${keptPictureField(c, kept, "", profilePictures[kind])}
  </div>`;
}

async function loadProfile(deps: AccountsDeps, accountId: string): Promise<ProfileForm> {
  const row = await deps.db
    .selectFrom("accounts")
    .leftJoin("uploads as avatar", "avatar.id", "accounts.avatar_id")
    .leftJoin("uploads as header", "header.id", "accounts.header_id")
    .select([
      "display_name",
      "bio",
      "language",
      "fields",
      "avatar.path as avatarPath",
      "header.path as headerPath",
    ])
    .where("accounts.id", "=", accountId)
    .executeTakeFirstOrThrow();
  return {
    displayName: row.display_name,
    bio: row.bio,
    language: row.language,
    fields: parseFields(row.fields),
    avatarPath: row.avatarPath,
    headerPath: row.headerPath,
  };
}

function profileErrorText(c: Context<WebEnv>, errors: ProfileErrors): FieldErrors {
  const t = c.get("t");
  const out: FieldErrors = {};
  for (const [name, problem] of Object.entries(errors)) {
    const max =
      name === "bio" ? MAX_BIO : name === "displayName" ? MAX_DISPLAY_NAME : MAX_FIELD_LENGTH;
    out[name] =
      problem === "too-long"
        ? t("form.tooLong", { max })
        : problem === "bad-language"
          ? t("profile.badLanguage")
          : t("profile.fieldIncomplete");
  }
  return out;
}

export function settingsPages(deps: AccountsDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();

  app.get("/settings", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const done = c.req.query("done");
    const ok =
      done === "welcome"
        ? t("signup.welcome", { name: viewer.username })
        : done === "saved"
          ? t("settings.saved")
          : undefined;
    return settingsLayout(
      c,
      "/settings",
      profileForm(c, await loadProfile(deps, viewer.id), {}, ok),
    );
  });

  app.post("/settings/profile", async (c) => {
    const viewer = requireViewer(c);
    const { values, body } = await readMultipart(c);
    const text = (name: string) => values[name] ?? "";
    const input: Profile = {
      displayName: text("displayName"),
      bio: text("bio"),
      language: text("language"),
      fields: Array.from({ length: MAX_FIELDS }, (_, i) => ({
        name: text(`field${i}name`),
        value: text(`field${i}value`),
      })),
    };
    // Each picture is stored even when the rest is refused, so the next try keeps it.
    const across = (kind: "avatar" | "header") =>
      pictureAcrossTries(c, deps, values, body[kind], viewer.id, profilePictures[kind]);
    const avatar = await across("avatar");
    const header = await across("header");
    const kept = { avatar: avatar.kept, header: header.kept };
    const checked = checkProfile(input, locales);
    const errors: FieldErrors = {
      ...(checked.ok ? {} : profileErrorText(c, checked.errors)),
      ...(avatar.error ? { avatar: avatar.error } : {}),
      ...(header.error ? { header: header.error } : {}),
    };
    if (!checked.ok || avatar.error || header.error) {
      const current = await loadProfile(deps, viewer.id);
      const form = { ...input, avatarPath: current.avatarPath, headerPath: current.headerPath };
      return settingsLayout(c, "/settings", profileForm(c, { ...form, kept }, errors), 422);
    }
    const images = {
      avatarId: kept.avatar?.uploadId ?? (text("removeAvatar") ? null : undefined),
      headerId: kept.header?.uploadId ?? (text("removeHeader") ? null : undefined),
    };
    const replaced = await updateProfile(deps.db, viewer.id, checked.value, images, deps.clock);
    // The profile has them now: no longer the form's to keep (nor the sweep's to remove).
    await releaseFormUploads(
      deps.db,
      viewer.id,
      [kept.avatar, kept.header].flatMap((k) => (k ? [k.uploadId] : [])),
    );
    await discard(deps, viewer.id, replaced);
    return redirectHere(c, "/settings?done=saved", 303);
  });

  app.get("/settings/password", (c) => {
    requireViewer(c);
    const ok = c.req.query("done") === "changed" ? c.get("t")("password.changed") : undefined;
    return settingsLayout(c, "/settings/password", passwordForm(c, {}, ok));
  });

  app.post("/settings/password", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const form = await readForm(c);
    const result = await changePassword(
      deps.db,
      viewer.id,
      {
        current: (form.current ?? "").slice(0, 2000),
        password: (form.password ?? "").slice(0, 2000),
        confirmation: (form.confirmation ?? "").slice(0, 2000),
      },
      {
        passwordCost: deps.config.passwordCost,
        guard: sessionGuard(c, deps, viewer.id),
        clock: deps.clock,
      },
    );
    if (!result.ok && "retryAfterMs" in result) {
      const errors = { current: tooManyAttempts(c, result.retryAfterMs) };
      return settingsLayout(c, "/settings/password", passwordForm(c, errors), 429);
    }
    if (!result.ok) {
      const errors: FieldErrors = {};
      if (result.problems.current) errors.current = t("password.wrong");
      if (result.problems.password) errors.password = t("signup.error.invalid-password");
      if (result.problems.confirmation) errors.confirmation = t("reset.mismatch");
      return settingsLayout(c, "/settings/password", passwordForm(c, errors), 422);
    }
    return redirectHere(c, "/settings/password?done=changed", 303);
  });

  return app;
}

function passwordForm(c: Context<WebEnv>, errors: FieldErrors, ok?: string): Html {
  const t = c.get("t");
  return html`${notice(ok)}
    ${errorSummary(c, errors)}
    <form method="post" action="/settings/password" class="stack">
      ${csrfField(c)}
      ${field({ name: "current", label: t("password.current"), type: "password", error: errors.current, required: true, autocomplete: "current-password" })}
      ${field({ name: "password", label: t("password.new"), type: "password", error: errors.password, hint: t("signup.passwordHint"), required: true, autocomplete: "new-password" })}
      ${field({ name: "confirmation", label: t("password.confirm"), type: "password", error: errors.confirmation, required: true, autocomplete: "new-password" })}
      <div><button type="submit">${t("password.save")}</button></div>
    </form>`;
}

async function discard(deps: AccountsDeps, accountId: string, uploadIds: string[]) {
  const paths = await dropUploads(deps.db, accountId, uploadIds);
  await removeUnreferencedFiles(deps.db, deps.config, paths);
}
