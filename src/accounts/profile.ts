/**
 * Profiles: display name, bio, language and label/value fields, plus avatar
 * and header images. The bio keeps a little HTML (links, emphasis, paragraphs)
 * and loses everything else when it is saved; it is sanitized again when shown.
 * Each change records `accounts.account.updated` in its transaction (→ Update(Person)).
 */
import type { Kysely } from "kysely";
import { recordEvent } from "../db/outbox.ts";
import type { Schema } from "../db/schema.ts";
import { type Clock, systemClock } from "../kernel/clock.ts";
import { type SanitizeOptions, sanitizeHtml, simpleTransform } from "../kernel/sanitize-html.ts";
import { locksRows } from "./locking.ts";

export const MAX_DISPLAY_NAME = 100;
export const MAX_BIO = 2000;
export const MAX_FIELDS = 4;
export const MAX_FIELD_LENGTH = 255;

export interface ProfileField {
  name: string;
  value: string;
}

export interface Profile {
  displayName: string;
  bio: string;
  language: string;
  fields: ProfileField[];
}

export type ProfileProblem = "too-long" | "field-incomplete" | "bad-language";
export type ProfileErrors = Partial<Record<string, ProfileProblem>>;

const bioPolicy: SanitizeOptions = {
  allowedTags: ["p", "br", "a", "strong", "em", "b", "i", "code", "ul", "ol", "li"],
  allowedAttributes: { a: ["href"] },
  allowedSchemes: ["http", "https", "mailto"],
};

export function sanitizeBio(bio: string): string {
  return sanitizeHtml(bio, bioPolicy).trim();
}

/** The bio as HTML for a page or an actor's summary: sanitized, links marked nofollow, line breaks kept. */
export function bioHtml(bio: string): string {
  const clean = sanitizeHtml(bio, {
    ...bioPolicy,
    allowedAttributes: { a: ["href", "rel"] },
    transformTags: {
      a: simpleTransform("a", { rel: "nofollow noopener noreferrer" }),
    },
  });
  return /<(p|ul|ol)\b/.test(clean) ? clean : clean.replace(/\r?\n/g, "<br>");
}

export function parseFields(json: string): ProfileField[] {
  try {
    const value: unknown = JSON.parse(json);
    if (!Array.isArray(value)) return [];
    return value.filter(
      (f): f is ProfileField => typeof f?.name === "string" && typeof f?.value === "string",
    );
  } catch {
    return [];
  }
}

/** Checks a profile form; the field names in the errors match the form's inputs. */
export function checkProfile(
  input: Profile,
  languages: readonly string[],
): { ok: true; value: Profile } | { ok: false; errors: ProfileErrors } {
  const errors: ProfileErrors = {};
  const displayName = input.displayName.trim();
  if (displayName.length > MAX_DISPLAY_NAME) errors.displayName = "too-long";
  const bio = sanitizeBio(input.bio);
  if (input.bio.length > MAX_BIO) errors.bio = "too-long";
  if (!languages.includes(input.language)) errors.language = "bad-language";
  const fields: ProfileField[] = [];
  input.fields.slice(0, MAX_FIELDS).forEach((f, i) => {
    const name = f.name.trim();
    const value = f.value.trim();
    if (name.length > MAX_FIELD_LENGTH) errors[`field${i}name`] = "too-long";
    if (value.length > MAX_FIELD_LENGTH) errors[`field${i}value`] = "too-long";
    if (Boolean(name) !== Boolean(value))
      errors[`field${i}${name ? "value" : "name"}`] = "field-incomplete";
    if (name && value) fields.push({ name, value });
  });
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { displayName, bio, language: input.language, fields } };
}

/**
 * Saves a checked profile. `images` says what happens to the avatar and header:
 * undefined keeps it, null removes it, a string is a new upload's id.
 * Returns the ids of uploads no longer used, for the caller to remove.
 */
export async function updateProfile(
  db: Kysely<Schema>,
  accountId: string,
  profile: Profile,
  images: { avatarId?: string | null; headerId?: string | null },
  clock: Clock = systemClock,
): Promise<string[]> {
  return db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom("accounts")
      .select(["avatar_id", "header_id"])
      .where("id", "=", accountId)
      .$if(locksRows(trx), (q) => q.forUpdate())
      .executeTakeFirstOrThrow();
    await trx
      .updateTable("accounts")
      .set({
        display_name: profile.displayName,
        bio: profile.bio,
        language: profile.language,
        fields: JSON.stringify(profile.fields),
        ...(images.avatarId !== undefined ? { avatar_id: images.avatarId } : {}),
        ...(images.headerId !== undefined ? { header_id: images.headerId } : {}),
        updated_at: clock.now().toISOString(),
      })
      .where("id", "=", accountId)
      .execute();
    await recordEvent(trx, { type: "accounts.account.updated", payload: { accountId } });
    const replaced: string[] = [];
    if (images.avatarId !== undefined && before.avatar_id) replaced.push(before.avatar_id);
    if (images.headerId !== undefined && before.header_id) replaced.push(before.header_id);
    return replaced;
  });
}

/** Removes upload rows (and then orphaned files) that belonged to the member. */
export async function dropUploads(
  db: Kysely<Schema>,
  accountId: string,
  ids: string[],
): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom("uploads")
    .select("path")
    .where("id", "in", ids)
    .where("owner_id", "=", accountId)
    .execute();
  await db.deleteFrom("uploads").where("id", "in", ids).where("owner_id", "=", accountId).execute();
  return rows.map((r) => r.path);
}

/** What a public profile page shows. */
export async function publicProfile(db: Kysely<Schema>, username: string) {
  return db
    .selectFrom("accounts")
    .leftJoin("uploads as avatar", "avatar.id", "accounts.avatar_id")
    .leftJoin("uploads as header", "header.id", "accounts.header_id")
    .select([
      "accounts.id",
      "accounts.username",
      "accounts.display_name",
      "accounts.bio",
      "accounts.fields",
      "accounts.role",
      "accounts.status",
      "accounts.language",
      "accounts.created_at",
      "avatar.path as avatar_path",
      "header.path as header_path",
    ])
    .where((eb) => eb(eb.fn("lower", ["accounts.username"]), "=", username.toLowerCase()))
    .executeTakeFirst();
}
