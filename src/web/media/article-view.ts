/**
 * The public article page's markup: header (kicker, title, summary, byline with
 * reading time), cover figure, the body as rendered on publishing (sanitized
 * there, through the one Markdown path), tags, how to follow from the fediverse,
 * and the comments. Server-rendered, no script, and nothing loaded from another
 * server: remote commenters are shown by name and initial, not by their avatar.
 */
import { html, raw } from "hono/html";
import type { PostView } from "../../social/views.ts";
import type { Locale, Translate } from "../i18n/i18n.ts";
import type { Html } from "../layout.ts";
import { safeUrl } from "../safe-url.ts";
import { dayDate, dayTag } from "../time.ts";
import type { PublicArticle } from "./article-read.ts";
import { type ArticleFacts, articleHead } from "./head.ts";

export interface ArticleViewContext {
  t: Translate;
  locale: Locale;
  origin: string;
  domain: string;
  siteName: string;
}

/** Views give local links as paths; cards and search engines need absolute URLs. */
// Article pages are kept rendered for visitors (rendered-cache.ts): dates show the day, which stays true.
const absolute = (origin: string, url: string) => (url.startsWith("/") ? `${origin}${url}` : url);

/** The public facts the <head> builders need. */
export function articleFacts(a: PublicArticle, v: ArticleViewContext): ArticleFacts {
  const p = a.post;
  return {
    url: a.url,
    title: p.title || v.t("media.by", { name: p.author.name }),
    summary: p.summary,
    language: p.language,
    author: { name: p.author.name, url: absolute(v.origin, p.author.url) },
    siteName: a.publication?.displayName ?? v.siteName,
    publishedAt: p.createdAt,
    modifiedAt: p.editedAt,
    cover: a.cover
      ? {
          url: `${v.origin}${a.cover.path}`,
          alt: a.cover.alt,
          width: a.cover.width,
          height: a.cover.height,
        }
      : null,
    tags: a.tags,
  };
}

export function articleHeadLines(a: PublicArticle, v: ArticleViewContext): Html {
  return articleHead(articleFacts(a, v));
}

function comment(v: ArticleViewContext, c: PostView, articleId: string): Html {
  const replyTo = c.inReplyToId && c.inReplyToId !== articleId;
  return html`<li class="comment${replyTo ? " reply" : ""}" id="comment-${c.id}">
    <header>
      <a class="who" href="${safeUrl(c.author.url)}" rel="nofollow ugc">${c.author.name}</a>
      <span class="handle">${c.author.handle}</span>
      <a class="muted" href="#comment-${c.id}">${dayTag(v.locale, c.createdAt)}</a>
    </header>
    ${c.spoiler ? html`<details><summary>${c.spoiler}</summary><div class="comment-body">${raw(c.contentHtml)}</div></details>` : html`<div class="comment-body">${raw(c.contentHtml)}</div>`}
  </li>`;
}

/** The article and its comments: what goes inside <main>. */
export function articleBody(a: PublicArticle, v: ArticleViewContext): Html {
  const { t, locale } = v;
  const p = a.post;
  const followName = a.publication?.displayName ?? p.author.name;
  const followHandle = `@${a.publication?.name ?? p.author.username}@${v.domain}`;
  const authorUrl = p.author.username ? `/@${p.author.username}` : p.author.url;
  return html`<article class="article"${p.language ? html` lang="${p.language}"` : ""}>
  <header class="article-header">
    ${a.publication ? html`<p class="article-kicker"><a href="/groups/${a.publication.name}">${a.publication.displayName}</a></p>` : ""}
    <h1 class="article-title">${p.title}</h1>
    ${p.summary ? html`<p class="article-summary">${p.summary}</p>` : ""}
    <div class="article-byline">
      <a class="author" rel="author" href="${safeUrl(authorUrl)}">${p.author.name}</a>
      <span class="dot" aria-hidden="true"></span>
      ${dayTag(locale, p.createdAt)}
      <span class="dot" aria-hidden="true"></span>
      <span>${t("media.readingTime", { minutes: a.readingMinutes })}</span>
      ${p.editedAt ? html`<span class="dot" aria-hidden="true"></span><span>${t("media.edited", { date: dayDate(locale, p.editedAt) })}</span>` : ""}
    </div>
  </header>
  ${a.cover ? html`<figure class="article-cover"><img src="${safeUrl(a.cover.path)}" alt="${a.cover.alt}"${a.cover.width ? html` width="${String(a.cover.width)}"` : ""}${a.cover.height ? html` height="${String(a.cover.height)}"` : ""} />${a.cover.alt ? html`<figcaption>${a.cover.alt}</figcaption>` : ""}</figure>` : ""}
  <div class="article-body">${raw(p.contentHtml)}</div>
  ${a.tags.length ? html`<ul class="article-tags" aria-label="${t("media.tags")}">${a.tags.map((tag) => html`<li><a href="/tags/${encodeURIComponent(tag)}" rel="tag">#${tag}</a></li>`)}</ul>` : ""}
  <aside class="article-follow"><p>${t("media.follow", { name: followName, handle: followHandle })}</p></aside>
  <section class="article-comments" aria-labelledby="comments">
    <h2 id="comments">${a.comments.length ? t("media.comments.count", { count: a.comments.length }) : t("media.comments")}</h2>
    ${a.comments.length ? html`<ol class="comment-list">${a.comments.map((c) => comment(v, c, p.id))}</ol>` : a.commentsLocked ? "" : html`<p class="muted">${t("media.comments.none")}</p>`}
    ${a.commentsLocked ? html`<p class="muted">${t("media.comments.locked")}</p>` : ""}
  </section>
</article>`;
}

/** One article in a list (the /media front page, a publication's front page). */
export function articleItem(v: ArticleViewContext, p: PostView, slug: string): Html {
  const url = `/articles/${encodeURIComponent(slug)}`;
  const first = p.media[0]?.url;
  const cover = first?.startsWith("/") ? first : null;
  return html`<li class="media-item">
    ${cover ? html`<img src="${safeUrl(cover)}" alt="" loading="lazy" />` : ""}
    <h3><a href="${safeUrl(url)}">${p.title}</a></h3>
    ${p.summary ? html`<p>${p.summary}</p>` : ""}
    <span class="media-meta">${p.author.name} · ${dayTag(v.locale, p.createdAt)}</span>
  </li>`;
}
