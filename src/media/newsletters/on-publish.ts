/**
 * "Send as email" for an article: the writer (or, for a publication, an
 * editor) asks for it before or after publishing. Already published: the send
 * is queued at once. Not yet: an intent row waits, and the sender's loop
 * (`sendPublishedIntents`) queues the send once the article is out — whether
 * an editor published it or the scheduler did after a restart — so the request
 * survives restarts like everything else in the database.
 */
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { type ListRef, type NewsletterContext, nowIso } from "./context.ts";
import { queueSend, runsList, type SendProblem } from "./sends.ts";

export type IntentProblem = "not-found" | "forbidden" | SendProblem;

/** The list an article goes to: its publication's, or its writer's blog. */
export async function articleList(
  n: NewsletterContext,
  articleId: string,
): Promise<{ list: ListRef; postId: string | null; published: boolean } | null> {
  const article = await n.db
    .selectFrom("articles")
    .select(["author_account_id", "publication_id", "post_id", "state"])
    .where("id", "=", articleId)
    .executeTakeFirst();
  if (!article) return null;
  return {
    list: article.publication_id
      ? { kind: "group", id: article.publication_id }
      : { kind: "member", id: article.author_account_id },
    postId: article.post_id,
    published: article.state === "published" && !!article.post_id,
  };
}

export async function sendOnPublish(
  n: NewsletterContext,
  actor: { id: string },
  articleId: string,
): Promise<Result<{ queued: boolean }, IntentProblem>> {
  const found = await articleList(n, articleId);
  if (!found) return fail("not-found");
  if (!(await runsList(n, actor.id, found.list))) return fail("forbidden");
  if (found.published && found.postId) {
    const sent = await queueSend(n, actor, found.postId, found.list);
    return sent.ok ? ok({ queued: true }) : fail(sent.reason);
  }
  await n.db
    .insertInto("newsletter_article_intents")
    .values({
      article_id: articleId,
      account_id: actor.id,
      list_kind: found.list.kind,
      list_id: found.list.id,
      created_at: nowIso(n),
    })
    .onConflict((oc) => oc.column("article_id").doNothing())
    .execute();
  return ok({ queued: false });
}

export async function cancelSendOnPublish(n: NewsletterContext, articleId: string): Promise<void> {
  await n.db.deleteFrom("newsletter_article_intents").where("article_id", "=", articleId).execute();
}

export async function wantsSendOnPublish(n: NewsletterContext, articleId: string) {
  const row = await n.db
    .selectFrom("newsletter_article_intents")
    .select("article_id")
    .where("article_id", "=", articleId)
    .executeTakeFirst();
  return !!row;
}

/** Queues the sends of intents whose article is now published; returns how many were queued. */
export async function sendPublishedIntents(n: NewsletterContext): Promise<number> {
  const due = await n.db
    .selectFrom("newsletter_article_intents as i")
    .innerJoin("articles as a", "a.id", "i.article_id")
    .select(["i.article_id", "i.account_id", "i.list_kind", "i.list_id", "a.post_id"])
    .where("a.state", "=", "published")
    .where("a.post_id", "is not", null)
    .limit(100)
    .execute();
  let queued = 0;
  for (const intent of due) {
    const list = { kind: intent.list_kind, id: intent.list_id };
    const sent = await queueSend(n, { id: intent.account_id }, intent.post_id as string, list);
    if (sent.ok) queued++;
    // Sent, already sent, or no longer allowed (the asker left the staff): the intent is done.
    await n.db
      .deleteFrom("newsletter_article_intents")
      .where("article_id", "=", intent.article_id)
      .execute();
  }
  return queued;
}
