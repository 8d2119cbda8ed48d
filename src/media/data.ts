/**
 * The media area's part of a member's export and of account deletion. The
 * export holds each article as a Markdown file with front matter (the values
 * written as JSON strings, which YAML reads as they are) and the same articles
 * as JSON with their revisions, plus the editorial comments the member wrote
 * and their places on publications' mastheads. Published articles are posts:
 * the social contributor exports and tombstones those.
 */
import type { AccountDataContributor } from "../accounts/data.ts";
import type { Article } from "./articles.ts";

/** An article as a Markdown file: front matter, a blank line, the body as written. */
export function articleFile(article: Article, publication: string | null): string {
  const meta: [string, unknown][] = [
    ["title", article.title],
    ["summary", article.summary],
    ["slug", article.slug],
    ["state", article.state],
    ["publication", publication],
    ["language", article.language],
    ["tags", JSON.parse(article.tags)],
    ["cover", article.cover_upload_id],
    ["cover_alt", article.cover_alt],
    ["published_at", article.published_at],
    ["scheduled_at", article.scheduled_at],
    ["created_at", article.created_at],
    ["updated_at", article.updated_at],
  ];
  const lines = meta.map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
  return `---\n${lines.join("\n")}\n---\n\n${article.body}\n`;
}

export const mediaContributor: AccountDataContributor = {
  name: "media",
  async export(db, accountId) {
    const articles = await db
      .selectFrom("articles")
      .leftJoin("groups", "groups.id", "articles.publication_id")
      .selectAll("articles")
      .select("groups.name as publication")
      .where("author_account_id", "=", accountId)
      .orderBy("articles.id")
      .execute();
    const revisions = await db
      .selectFrom("article_revisions")
      .innerJoin("articles", "articles.id", "article_revisions.article_id")
      .select([
        "article_revisions.article_id",
        "article_revisions.number",
        "article_revisions.title",
        "article_revisions.summary",
        "article_revisions.body",
        "article_revisions.created_at",
      ])
      .where("articles.author_account_id", "=", accountId)
      .orderBy("article_revisions.article_id")
      .orderBy("article_revisions.number")
      .execute();
    const comments = await db
      .selectFrom("article_comments")
      .select(["article_id", "revision", "quote", "body", "created_at"])
      .where("author_account_id", "=", accountId)
      .orderBy("id")
      .execute();
    const staff = await db
      .selectFrom("publication_staff")
      .innerJoin("groups", "groups.id", "publication_staff.publication_id")
      .select([
        "groups.name as publication",
        "publication_staff.role",
        "publication_staff.created_at",
      ])
      .where("account_id", "=", accountId)
      .execute();
    return {
      files: articles.map((a) => ({
        path: `articles/${a.slug}.md`,
        content: articleFile(a, a.publication),
      })),
      articles: articles.map((a) => ({
        ...a,
        tags: JSON.parse(a.tags) as string[],
        revisions: revisions.filter((r) => r.article_id === a.id),
      })),
      editorial_comments: comments,
      publications: staff,
    };
  },
  async erase(trx, accountId) {
    const mine = trx.selectFrom("articles").select("id").where("author_account_id", "=", accountId);
    await trx.deleteFrom("article_revisions").where("article_id", "in", mine).execute();
    await trx.deleteFrom("article_comments").where("article_id", "in", mine).execute();
    await trx.deleteFrom("article_log").where("article_id", "in", mine).execute();
    await trx.deleteFrom("articles").where("author_account_id", "=", accountId).execute();
    // What they did on others' articles stays in the log and history, without their name.
    await trx.deleteFrom("article_comments").where("author_account_id", "=", accountId).execute();
    await trx
      .updateTable("article_revisions")
      .set({ editor_account_id: null })
      .where("editor_account_id", "=", accountId)
      .execute();
    await trx
      .updateTable("article_log")
      .set({ actor_account_id: null })
      .where("actor_account_id", "=", accountId)
      .execute();
    await trx.deleteFrom("publication_staff").where("account_id", "=", accountId).execute();
  },
};
