/**
 * Articles being written: drafts, their numbered revisions, and restoring one.
 * Every save that changes the title, summary or body is a new revision (the
 * article row holds the latest); saving a published article re-renders its post
 * (publish.ts) in the same transaction. Each verb reads the article and the
 * actor's standing inside its transaction and asks rules.ts.
 */
import type { Kysely, Selectable } from "kysely";
import { z } from "zod";
import { locksRows } from "../accounts/locking.ts";
import type { ArticleAction, ArticleState, ArticlesTable } from "../db/schema/media.ts";
import type { Schema } from "../db/schema.ts";
import { fail, ok, type Result } from "../kernel/errors.ts";
import { newId } from "../kernel/ids.ts";
import type { Actor, MediaContext } from "./context.ts";
import { MAX_ARTICLE_LENGTH } from "./markdown.ts";
import { slugify } from "./markdown-plugins.ts";
import { findPublication, roleIn } from "./publications.ts";
import { updatePublishedPost } from "./publish.ts";
import { type ArticleVerb, may } from "./rules.ts";

export type Article = Selectable<ArticlesTable>;

export const ARTICLE_STATES: readonly ArticleState[] = [
  "draft",
  "submitted",
  "returned",
  "approved",
  "scheduled",
  "published",
];

export const MAX_TITLE = 200;
export const MAX_SUMMARY = 500;
export const MAX_TAGS = 10;
export const MAX_ALT = 1500;

const tag = z
  .string()
  .trim()
  .transform((t) => t.replace(/^#/, "").toLowerCase())
  .pipe(z.string().regex(/^[\p{L}\p{N}_]{1,50}$/u));

/** What a writer types: checked here, whoever calls (form or API). */
export const articleInputSchema = z.object({
  title: z.string().trim().min(1).max(MAX_TITLE),
  summary: z.string().trim().max(MAX_SUMMARY).default(""),
  body: z.string().max(MAX_ARTICLE_LENGTH).default(""),
  language: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/)
    .nullable()
    .default(null),
  tags: z
    .array(tag)
    .max(MAX_TAGS)
    .default([])
    .transform((t) => [...new Set(t)]),
  cover: z
    .object({ uploadId: z.string().min(1).max(64), alt: z.string().trim().max(MAX_ALT) })
    .nullable()
    .default(null),
});

export type ArticleInput = z.input<typeof articleInputSchema>;
type Parsed = z.output<typeof articleInputSchema>;

export type ArticleProblem = "invalid" | "not-found" | "forbidden" | "cover-not-found";

/** The article and what the actor may do with it, read in the caller's transaction. */
export async function standingFor(trx: Kysely<Schema>, articleId: string, actor: Actor) {
  const article = await lockArticle(trx, articleId);
  if (!article) return null;
  const role = article.publication_id ? await roleIn(trx, article.publication_id, actor.id) : null;
  const standing = {
    state: article.state,
    isAuthor: article.author_account_id === actor.id,
    inPublication: article.publication_id !== null,
    role,
  };
  return {
    article,
    role,
    can: (verb: ArticleVerb) => may(verb, standing),
    /** Could the actor do it in some state (then "wrong-state", not "forbidden")? */
    canEver: (verb: ArticleVerb) =>
      ARTICLE_STATES.some((state) => may(verb, { ...standing, state })),
  };
}

/** The article row, locked on PostgreSQL (SQLite runs one transaction at a time). */
export function lockArticle(trx: Kysely<Schema>, id: string): Promise<Article | undefined> {
  return trx
    .selectFrom("articles")
    .selectAll()
    .where("id", "=", id)
    .$if(locksRows(trx), (q) => q.forUpdate())
    .executeTakeFirst();
}

export async function logAction(
  trx: Kysely<Schema>,
  ctx: MediaContext,
  entry: {
    articleId: string;
    actorId: string | null;
    action: ArticleAction;
    revision: number;
    note?: string;
    postId?: string | null;
  },
): Promise<string> {
  const id = newId();
  await trx
    .insertInto("article_log")
    .values({
      id,
      article_id: entry.articleId,
      actor_account_id: entry.actorId,
      action: entry.action,
      revision: entry.revision,
      note: entry.note ?? "",
      post_id: entry.postId ?? null,
      created_at: ctx.clock.now().toISOString(),
    })
    .execute();
  return id;
}

async function coverIsTheirs(trx: Kysely<Schema>, ownerId: string, input: Parsed) {
  if (!input.cover) return true;
  return !!(await trx
    .selectFrom("uploads")
    .select("id")
    .where("id", "=", input.cover.uploadId)
    .where("owner_id", "=", ownerId)
    .where("purpose", "=", "attachment")
    .executeTakeFirst());
}

async function freeSlug(trx: Kysely<Schema>, title: string): Promise<string> {
  const base = slugify(title).slice(0, 60);
  const taken = new Set(
    (
      await trx
        .selectFrom("articles")
        .select("slug")
        .where((eb) => eb.or([eb("slug", "=", base), eb("slug", "like", `${base}-%`)]))
        .execute()
    ).map((r) => r.slug),
  );
  let slug = base;
  for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
  return slug;
}

async function writeRevision(
  trx: Kysely<Schema>,
  ctx: MediaContext,
  r: { articleId: string; number: number; editorId: string; input: Parsed; restoredFrom?: number },
) {
  await trx
    .insertInto("article_revisions")
    .values({
      id: newId(),
      article_id: r.articleId,
      number: r.number,
      editor_account_id: r.editorId,
      title: r.input.title,
      summary: r.input.summary,
      body: r.input.body,
      restored_from: r.restoredFrom ?? null,
      created_at: ctx.clock.now().toISOString(),
    })
    .execute();
}

/** A member starts an article: their own, or for a publication they write for. */
export async function createDraft(
  ctx: MediaContext,
  writer: Actor,
  raw: ArticleInput & { publicationId?: string | null },
): Promise<Result<{ id: string; slug: string }, ArticleProblem>> {
  const parsed = articleInputSchema.safeParse(raw);
  if (!parsed.success) return fail("invalid");
  const input = parsed.data;
  // Two drafts with one title at once (PostgreSQL) may pick the same free slug:
  // the unique index refuses the second, which tries again and finds the next.
  for (let attempt = 1; ; attempt++) {
    try {
      return await insertDraft(ctx, writer, input, raw.publicationId ?? null);
    } catch (error) {
      if (attempt >= 8 || !/unique/i.test(String((error as Error)?.message ?? error))) throw error;
    }
  }
}

async function insertDraft(
  ctx: MediaContext,
  writer: Actor,
  input: Parsed,
  publicationId: string | null,
): Promise<Result<{ id: string; slug: string }, ArticleProblem>> {
  return ctx.db.transaction().execute(async (trx) => {
    if (publicationId) {
      if (!(await findPublication(trx, publicationId))) return fail("not-found" as const);
      if (!(await roleIn(trx, publicationId, writer.id))) return fail("forbidden" as const);
    }
    if (!(await coverIsTheirs(trx, writer.id, input))) return fail("cover-not-found" as const);
    const id = newId();
    const now = ctx.clock.now().toISOString();
    const slug = await freeSlug(trx, input.title);
    await trx
      .insertInto("articles")
      .values({
        id,
        author_account_id: writer.id,
        publication_id: publicationId,
        slug,
        state: "draft",
        title: input.title,
        summary: input.summary,
        body: input.body,
        language: input.language,
        tags: JSON.stringify(input.tags),
        cover_upload_id: input.cover?.uploadId ?? null,
        cover_alt: input.cover?.alt ?? "",
        revision: 1,
        post_id: null,
        scheduled_at: null,
        published_at: null,
        featured_at: null,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await writeRevision(trx, ctx, { articleId: id, number: 1, editorId: writer.id, input });
    await logAction(trx, ctx, {
      articleId: id,
      actorId: writer.id,
      action: "created",
      revision: 1,
    });
    return ok({ id, slug });
  });
}

/**
 * Saves the article (writer, or an editor's copy edit). A change to the text is
 * a new revision; a published article's post follows at once.
 */
export async function updateDraft(
  ctx: MediaContext,
  actor: Actor,
  articleId: string,
  raw: ArticleInput,
): Promise<Result<{ revision: number }, ArticleProblem>> {
  const parsed = articleInputSchema.safeParse(raw);
  if (!parsed.success) return fail("invalid");
  return ctx.db.transaction().execute((trx) => save(trx, ctx, actor, articleId, parsed.data));
}

async function save(
  trx: Kysely<Schema>,
  ctx: MediaContext,
  actor: Actor,
  articleId: string,
  input: Parsed,
  restoredFrom?: number,
): Promise<Result<{ revision: number }, ArticleProblem>> {
  const found = await standingFor(trx, articleId, actor);
  if (!found) return fail("not-found");
  const { article } = found;
  if (!found.can("edit")) return fail(found.can("read-draft") ? "forbidden" : "not-found");
  // The cover is the writer's upload, whoever edits.
  if (!(await coverIsTheirs(trx, article.author_account_id, input))) return fail("cover-not-found");
  const textChanged =
    input.title !== article.title ||
    input.summary !== article.summary ||
    input.body !== article.body;
  const revision = textChanged || restoredFrom ? article.revision + 1 : article.revision;
  await trx
    .updateTable("articles")
    .set({
      title: input.title,
      summary: input.summary,
      body: input.body,
      language: input.language,
      tags: JSON.stringify(input.tags),
      cover_upload_id: input.cover?.uploadId ?? null,
      cover_alt: input.cover?.alt ?? "",
      revision,
      updated_at: ctx.clock.now().toISOString(),
    })
    .where("id", "=", articleId)
    .execute();
  if (revision !== article.revision) {
    await writeRevision(trx, ctx, {
      articleId,
      number: revision,
      editorId: actor.id,
      input,
      ...(restoredFrom ? { restoredFrom } : {}),
    });
  }
  await logAction(trx, ctx, {
    articleId,
    actorId: actor.id,
    action: restoredFrom ? "restored" : article.state === "published" ? "updated" : "revised",
    revision,
    ...(restoredFrom ? { note: String(restoredFrom) } : {}),
  });
  if (article.state === "published" && article.post_id) {
    const fresh = await trx
      .selectFrom("articles")
      .selectAll()
      .where("id", "=", articleId)
      .executeTakeFirstOrThrow();
    await updatePublishedPost(trx, ctx, fresh);
  }
  return ok({ revision });
}

/** Brings back an earlier revision's text as a new revision (nothing is lost). */
export async function restoreRevision(
  ctx: MediaContext,
  actor: Actor,
  articleId: string,
  number: number,
): Promise<Result<{ revision: number }, ArticleProblem>> {
  if (!Number.isSafeInteger(number) || number < 1) return fail("not-found");
  return ctx.db.transaction().execute(async (trx) => {
    const old = await trx
      .selectFrom("article_revisions")
      .selectAll()
      .where("article_id", "=", articleId)
      .where("number", "=", number)
      .executeTakeFirst();
    const current = await trx
      .selectFrom("articles")
      .selectAll()
      .where("id", "=", articleId)
      .executeTakeFirst();
    if (!old || !current) return fail("not-found" as const);
    const input: Parsed = {
      title: old.title,
      summary: old.summary,
      body: old.body,
      language: current.language,
      tags: JSON.parse(current.tags) as string[],
      cover: current.cover_upload_id
        ? { uploadId: current.cover_upload_id, alt: current.cover_alt }
        : null,
    };
    return save(trx, ctx, actor, articleId, input, number);
  });
}

/** The article's revisions, newest first (without their bodies: a list page needs none). */
export function listRevisions(db: Kysely<Schema>, articleId: string) {
  return db
    .selectFrom("article_revisions")
    .leftJoin("accounts", "accounts.id", "article_revisions.editor_account_id")
    .select([
      "article_revisions.number",
      "article_revisions.title",
      "article_revisions.restored_from as restoredFrom",
      "article_revisions.created_at as createdAt",
      "accounts.username as editor",
    ])
    .where("article_id", "=", articleId)
    .orderBy("number", "desc")
    .execute();
}

/** One revision with its text. */
export function revisionOf(db: Kysely<Schema>, articleId: string, number: number) {
  return db
    .selectFrom("article_revisions")
    .selectAll()
    .where("article_id", "=", articleId)
    .where("number", "=", number)
    .executeTakeFirst();
}
