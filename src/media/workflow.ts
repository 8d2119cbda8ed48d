/**
 * The editorial workflow (rules.ts says who may, when): submit, return with
 * comments (general, or inline on a quoted passage), approve, publish now,
 * schedule, unschedule, feature. Every step is logged in article_log with the
 * actor and the revision it concerned, in the step's own transaction.
 */
import type { Kysely } from "kysely";
import { z } from "zod";
import type { Schema } from "../db/schema.ts";
import { fail, ok, type Result } from "../kernel/errors.ts";
import { newId } from "../kernel/ids.ts";
import { type ArticleProblem, logAction, standingFor } from "./articles.ts";
import type { Actor, MediaContext } from "./context.ts";
import { writeArticlePost } from "./publish.ts";
import type { ArticleVerb } from "./rules.ts";

export type WorkflowProblem = ArticleProblem | "wrong-state" | "in-the-past" | "author-gone";

export const MAX_NOTE = 5000;
export const MAX_INLINE_COMMENTS = 50;

async function step<T>(
  ctx: MediaContext,
  actor: Actor,
  articleId: string,
  verb: ArticleVerb,
  run: (
    trx: Kysely<Schema>,
    found: NonNullable<Awaited<ReturnType<typeof standingFor>>>,
  ) => Promise<Result<T, WorkflowProblem>>,
): Promise<Result<T, WorkflowProblem>> {
  return ctx.db.transaction().execute(async (trx) => {
    const found = await standingFor(trx, articleId, actor);
    if (!found?.can("read-draft")) return fail("not-found" as const);
    if (!found.can(verb)) {
      // Allowed in another state: the article is not where the step starts.
      return fail(found.canEver(verb) ? ("wrong-state" as const) : ("forbidden" as const));
    }
    return run(trx, found);
  });
}

/** A writer hands the article to the editors. */
export function submitArticle(ctx: MediaContext, writer: Actor, articleId: string) {
  return step(ctx, writer, articleId, "submit", async (trx, { article }) => {
    await setState(trx, ctx, articleId, "submitted");
    await logAction(trx, ctx, {
      articleId,
      actorId: writer.id,
      action: "submitted",
      revision: article.revision,
    });
    return ok({ state: "submitted" as const });
  });
}

export const reviewSchema = z.object({
  note: z.string().trim().max(MAX_NOTE).default(""),
  comments: z
    .array(
      z.object({
        quote: z.string().max(1000).default(""),
        body: z.string().trim().min(1).max(MAX_NOTE),
      }),
    )
    .max(MAX_INLINE_COMMENTS)
    .default([]),
});
export type Review = z.input<typeof reviewSchema>;

/** An editor sends the article back to its writer, with a general note and/or inline comments. */
export function returnArticle(ctx: MediaContext, editor: Actor, articleId: string, raw: Review) {
  const parsed = reviewSchema.safeParse(raw);
  if (!parsed.success || (!parsed.data.note && parsed.data.comments.length === 0))
    return Promise.resolve(fail("invalid" as const));
  const review = parsed.data;
  return step(ctx, editor, articleId, "return", async (trx, { article }) => {
    await setState(trx, ctx, articleId, "returned");
    const logId = await logAction(trx, ctx, {
      articleId,
      actorId: editor.id,
      action: "returned",
      revision: article.revision,
      note: review.note,
    });
    await writeComments(trx, ctx, { articleId, logId, editor, revision: article.revision, review });
    return ok({ state: "returned" as const, logId });
  });
}

/** An editor approves the submitted article (it may then be published or scheduled). */
export function approveArticle(
  ctx: MediaContext,
  editor: Actor,
  articleId: string,
  raw: Review = {},
) {
  const parsed = reviewSchema.safeParse(raw);
  if (!parsed.success) return Promise.resolve(fail("invalid" as const));
  return step(ctx, editor, articleId, "approve", async (trx, { article }) => {
    await setState(trx, ctx, articleId, "approved");
    const logId = await logAction(trx, ctx, {
      articleId,
      actorId: editor.id,
      action: "approved",
      revision: article.revision,
      note: parsed.data.note,
    });
    await writeComments(trx, ctx, {
      articleId,
      logId,
      editor,
      revision: article.revision,
      review: parsed.data,
    });
    return ok({ state: "approved" as const });
  });
}

/** Publishes now: writes the post (publish.ts) and marks the article published. */
export function publishArticle(ctx: MediaContext, actor: Actor, articleId: string) {
  return step(ctx, actor, articleId, "publish", async (trx, { article }) => {
    const postId = await publishIn(trx, ctx, article.id, actor.id);
    if (!postId) return fail("author-gone" as const);
    return ok({ postId });
  });
}

/**
 * Publishes an article whose step was checked (or the scheduler's due one) in the
 * caller's transaction; null when its writer's account is gone.
 */
export async function publishIn(
  trx: Kysely<Schema>,
  ctx: MediaContext,
  articleId: string,
  actorId: string | null,
): Promise<string | null> {
  const article = await trx
    .selectFrom("articles")
    .selectAll()
    .where("id", "=", articleId)
    .executeTakeFirstOrThrow();
  const postId = await writeArticlePost(trx, ctx, article);
  if (!postId) return null;
  const now = ctx.clock.now().toISOString();
  await trx
    .updateTable("articles")
    .set({
      state: "published",
      post_id: postId,
      published_at: now,
      scheduled_at: null,
      updated_at: now,
    })
    .where("id", "=", articleId)
    .execute();
  await logAction(trx, ctx, {
    articleId,
    actorId,
    action: "published",
    revision: article.revision,
    postId,
  });
  return postId;
}

/** Schedules publication at `at` (a future instant); the worker's sweep publishes it then. */
export function scheduleArticle(ctx: MediaContext, actor: Actor, articleId: string, at: Date) {
  if (Number.isNaN(at.getTime())) return Promise.resolve(fail("invalid" as const));
  return step(ctx, actor, articleId, "schedule", async (trx, { article }) => {
    if (at.getTime() <= ctx.clock.now().getTime()) return fail("in-the-past" as const);
    await trx
      .updateTable("articles")
      .set({
        state: "scheduled",
        scheduled_at: at.toISOString(),
        updated_at: ctx.clock.now().toISOString(),
      })
      .where("id", "=", articleId)
      .execute();
    await logAction(trx, ctx, {
      articleId,
      actorId: actor.id,
      action: "scheduled",
      revision: article.revision,
      note: at.toISOString(),
    });
    return ok({ scheduledAt: at.toISOString() });
  });
}

/** Takes a scheduled article off the schedule (back to approved, or to draft for a member's own). */
export function unscheduleArticle(ctx: MediaContext, actor: Actor, articleId: string) {
  return step(ctx, actor, articleId, "unschedule", async (trx, { article }) => {
    const state = article.publication_id ? ("approved" as const) : ("draft" as const);
    await trx
      .updateTable("articles")
      .set({ state, scheduled_at: null, updated_at: ctx.clock.now().toISOString() })
      .where("id", "=", articleId)
      .execute();
    await logAction(trx, ctx, {
      articleId,
      actorId: actor.id,
      action: "unscheduled",
      revision: article.revision,
    });
    return ok({ state });
  });
}

/** An editor features a published article on the publication's front page (or stops). */
export function featureArticle(
  ctx: MediaContext,
  editor: Actor,
  articleId: string,
  featured: boolean,
) {
  return step(ctx, editor, articleId, "feature", async (trx, { article }) => {
    const now = ctx.clock.now().toISOString();
    await trx
      .updateTable("articles")
      .set({ featured_at: featured ? now : null })
      .where("id", "=", articleId)
      .execute();
    await logAction(trx, ctx, {
      articleId,
      actorId: editor.id,
      action: featured ? "featured" : "unfeatured",
      revision: article.revision,
    });
    return ok({ featured });
  });
}

async function setState(
  trx: Kysely<Schema>,
  ctx: MediaContext,
  articleId: string,
  state: "submitted" | "returned" | "approved",
) {
  await trx
    .updateTable("articles")
    .set({ state, updated_at: ctx.clock.now().toISOString() })
    .where("id", "=", articleId)
    .execute();
}

async function writeComments(
  trx: Kysely<Schema>,
  ctx: MediaContext,
  c: {
    articleId: string;
    logId: string;
    editor: Actor;
    revision: number;
    review: z.output<typeof reviewSchema>;
  },
) {
  const now = ctx.clock.now().toISOString();
  for (const comment of c.review.comments)
    await trx
      .insertInto("article_comments")
      .values({
        id: newId(),
        article_id: c.articleId,
        log_id: c.logId,
        author_account_id: c.editor.id,
        revision: c.revision,
        quote: comment.quote,
        body: comment.body,
        created_at: now,
      })
      .execute();
}
