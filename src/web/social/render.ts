/**
 * A post as HTML: author, content warning (a <details> that opens without
 * JavaScript), content (already sanitized HTML), images with their alt text,
 * a poll (a form while open), counts, and the actions open to the viewer.
 */
import type { Context } from "hono";
import { html, raw } from "hono/html";
import type { PostView } from "../../social/views.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, formatDate } from "../forms.ts";
import type { Html } from "../layout.ts";
import { safeUrl } from "../safe-url.ts";

function action(
  c: Context<WebEnv>,
  post: PostView,
  name: string,
  label: string,
  pressed?: boolean,
): Html {
  return html`<form method="post" action="/posts/${post.id}/${name}" class="inline">
    ${csrfField(c)}<button type="submit" class="link"${pressed === undefined ? "" : html` aria-pressed="${pressed ? "true" : "false"}"`}>${label}</button>
  </form>`;
}

function pollHtml(c: Context<WebEnv>, post: PostView): Html {
  const poll = post.poll;
  if (!poll) return html``;
  const t = c.get("t");
  const viewer = c.get("viewer");
  const canVote =
    viewer &&
    !poll.closed &&
    poll.ownVotes.length === 0 &&
    post.author.username !== viewer.username;
  const total = poll.options.reduce((n, o) => n + o.votes, 0) || 1;
  const status = poll.closed
    ? t("social.poll.closed")
    : poll.expiresAt
      ? t("social.poll.ends", { date: formatDate(c.get("locale"), poll.expiresAt) })
      : "";
  if (canVote) {
    const type = poll.multiple ? "checkbox" : "radio";
    return html`<form method="post" action="/posts/${post.id}/vote" class="poll">
      ${csrfField(c)}
      <fieldset><legend>${t("social.poll.vote")}</legend>
        ${poll.options.map((o, i) => html`<label><input type="${type}" name="choice" value="${i}" /> ${o.title}</label>`)}
      </fieldset>
      <p class="muted">${t("social.poll.voters", { n: poll.votersCount })} · ${status}</p>
      <button type="submit">${t("social.poll.vote")}</button>
    </form>`;
  }
  return html`<div class="poll"><ul>
      ${poll.options.map((o, i) => {
        const pct = Math.round((o.votes / total) * 100);
        return html`<li><svg class="poll-bar" aria-hidden="true" focusable="false"><rect width="${pct}%" height="100%" rx="4" /></svg><strong>${pct}%</strong> <span>${o.title}</span> ${poll.ownVotes.includes(i) ? html`<em>${t("social.poll.yourVote")}</em>` : ""}</li>`;
      })}
    </ul><p class="muted">${t("social.poll.voters", { n: poll.votersCount })} · ${status}</p></div>`;
}

function body(c: Context<WebEnv>, post: PostView): Html {
  const media = post.media.length
    ? html`<div class="post-media">${post.media.map(
        (m) =>
          html`<a href="${safeUrl(m.url)}"><img src="${safeUrl(m.url)}" alt="${m.description}" loading="lazy"${m.width ? html` width="${m.width}" height="${m.height ?? ""}"` : ""} /></a>`,
      )}</div>`
    : "";
  const content = html`<div class="post-content" lang="${post.language ?? ""}">${raw(post.contentHtml)}</div>${media}${pollHtml(c, post)}`;
  if (!post.spoiler) return content;
  return html`<details class="spoiler"><summary>${post.spoiler} <span class="muted">(${c.get("t")("social.showMore")})</span></summary>${content}</details>`;
}

export function postCard(
  c: Context<WebEnv>,
  outer: PostView,
  options: { focus?: boolean } = {},
): Html {
  const t = c.get("t");
  const viewer = c.get("viewer");
  const post = outer.reblog ?? outer;
  const mine = viewer && post.author.username === viewer.username && post.author.local;
  const threadUrl = post.author.local
    ? `/@${post.author.username}/${post.id}`
    : `/posts/${post.id}`;
  const when = formatDate(c.get("locale"), post.createdAt);
  const actions: Html[] = [];
  if (viewer) {
    actions.push(html`<a href="${safeUrl(`${threadUrl}#reply`)}">${t("social.reply")}</a>`);
    if (post.visibility === "public" || post.visibility === "unlisted")
      actions.push(
        action(
          c,
          post,
          post.reblogged ? "unboost" : "boost",
          post.reblogged ? t("social.unboost") : t("social.boost"),
          post.reblogged,
        ),
      );
    actions.push(
      action(
        c,
        post,
        post.liked ? "unlike" : "like",
        post.liked ? t("social.unlike") : t("social.like"),
        post.liked,
      ),
    );
    actions.push(
      action(
        c,
        post,
        post.bookmarked ? "unbookmark" : "bookmark",
        post.bookmarked ? t("social.unbookmark") : t("social.bookmark"),
        post.bookmarked,
      ),
    );
    if (mine) {
      if (post.visibility === "public" || post.visibility === "unlisted")
        actions.push(
          action(
            c,
            post,
            post.pinned ? "unpin" : "pin",
            post.pinned ? t("social.unpin") : t("social.pin"),
            post.pinned,
          ),
        );
      actions.push(html`<a href="/posts/${post.id}/edit">${t("social.edit")}</a>`);
      actions.push(action(c, post, "delete", t("social.delete")));
    } else actions.push(html`<a href="/posts/${post.id}/report">${t("social.report")}</a>`);
  }
  return html`<article class="post${options.focus ? " focus" : ""}" id="post-${post.id}" aria-labelledby="post-${post.id}-author">
    ${outer.reblog ? html`<p class="boosted-by muted">${t("social.boostedBy", { name: outer.author.name })}</p>` : ""}
    <header class="post-head">
      ${post.author.avatarUrl ? html`<img class="avatar small" src="${safeUrl(post.author.avatarUrl)}" alt="" width="40" height="40" />` : html`<span class="avatar small placeholder" aria-hidden="true">${post.author.name.slice(0, 1).toUpperCase()}</span>`}
      <div>
        <a id="post-${post.id}-author" href="${safeUrl(post.author.url)}" class="post-author">${post.author.name}</a>
        <span class="handle">${post.author.handle}</span>
      </div>
      <a class="post-time muted" href="${safeUrl(threadUrl)}"><time datetime="${post.createdAt}">${when}</time></a>
    </header>
    ${post.inReplyToId && !options.focus ? html`<p class="muted in-reply"><a href="/posts/${post.inReplyToId}">↩ ${t("social.inReplyTo")}</a></p>` : ""}
    ${body(c, post)}
    <footer class="post-foot">
      <span class="badge">${t(`social.visibility.${post.visibility}`)}</span>
      ${post.editedAt ? html`<a class="muted edited" href="${safeUrl(`${threadUrl}#history`)}">${t("social.edited")}</a>` : ""}
      <span class="muted">${t("social.counts", { replies: post.repliesCount, boosts: post.reblogsCount, likes: post.likesCount })}</span>
      ${actions.length ? html`<div class="post-actions">${actions}</div>` : ""}
    </footer>
  </article>`;
}

export function postList(
  c: Context<WebEnv>,
  posts: PostView[],
  next: string | null,
  base: string,
): Html {
  const t = c.get("t");
  if (posts.length === 0) return html`<p class="notice">${t("social.empty")}</p>`;
  const sep = base.includes("?") ? "&" : "?";
  return html`<div class="feed">${posts.map((p) => postCard(c, p))}</div>
    ${next ? html`<nav class="pager" aria-label="${t("social.older")}"><a rel="next" href="${safeUrl(`${base}${sep}max_id=${next}`)}">${t("social.older")}</a></nav>` : ""}`;
}
