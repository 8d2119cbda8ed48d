/**
 * A post as HTML: author, content warning (a <details> that opens without
 * JavaScript), content (already sanitized HTML), images with their alt text,
 * a poll (a form while open), counts, and the actions open to the viewer.
 * A group post (one with an audience) carries its thread's title, opens and is
 * replied to in its group's thread, and is deleted through the group's rule
 * (its author, or the group's moderators: /groups/NAME/posts/ID/delete).
 */
import type { Context } from "hono";
import { html, raw } from "hono/html";
import type { PostView } from "../../social/views.ts";
import type { WebEnv } from "../context.ts";
import { formatDate } from "../forms.ts";
import type { Html } from "../layout.ts";
import type { PagePart } from "../page-parts.ts";
import { safeUrl } from "../safe-url.ts";
import { timeTag } from "../time.ts";
import { type CardSlots, cachedCard, cardBytes } from "./card-cache.ts";

/** Where an act returns without JavaScript: this page (its path and query, a slot), at the post. */
function backField(slots: CardSlots, post: PostView): Html {
  return raw(`<input type="hidden" name="back" value="${slots.back}#post-${post.id}" />`);
}

/**
 * A toggle (like, boost, bookmark, pin) as an icon and a count. Its form works
 * without JavaScript (303 back to this page at the post); post-actions.js sends
 * it in place and flips it, reading the other state's action and label from data-*.
 */
function toggle(
  slots: CardSlots,
  post: PostView,
  act: { name: string; undo: string; label: string; undoLabel: string; on: boolean },
  icon: Html,
  count?: number,
): Html {
  const name = act.on ? act.undo : act.name;
  return html`<form method="post" action="${safeUrl(`/posts/${post.id}/${name}`)}" class="act" data-do="${safeUrl(`/posts/${post.id}/${act.name}`)}" data-undo="${safeUrl(`/posts/${post.id}/${act.undo}`)}" data-do-label="${act.label}" data-undo-label="${act.undoLabel}">
    ${slots.csrf}${backField(slots, post)}
    <button type="submit" class="act-button act-${act.name}" aria-pressed="${act.on ? "true" : "false"}" aria-label="${act.on ? act.undoLabel : act.label}" title="${act.on ? act.undoLabel : act.label}">${icon}</button>${count === undefined ? "" : html`<span class="act-count" aria-hidden="true">${count}</span>`}
  </form>`;
}

/** Small line icons drawn for Synco (24-unit grid, stroked in currentColor). */
const svg = (path: string) =>
  raw(
    `<svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false"><path d="${path}"/></svg>`,
  );
const icons = {
  reply: svg("M10 7 4 12l6 5M4 12h9a7 7 0 0 1 7 7"),
  boost: svg("M4 10V8a2 2 0 0 1 2-2h12l-3-3M20 14v2a2 2 0 0 1-2 2H6l3 3"),
  like: svg(
    "M12 20s-7-4.4-8.6-8.6A4.6 4.6 0 0 1 12 6.6a4.6 4.6 0 0 1 8.6 4.8C19 15.6 12 20 12 20z",
  ),
  bookmark: svg("M7 4h10v16l-5-3.5L7 20z"),
  more: svg("M5 12h.01M12 12h.01M19 12h.01"),
};

function pollHtml(c: Context<WebEnv>, slots: CardSlots, post: PostView): Html {
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
      ${slots.csrf}
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

/**
 * "Replying to @bruno", a link to the post answered (or, when we lack it, a plainer line).
 * The arrow is written as a reference: one character outside Latin-1 makes V8 store
 * the whole page two bytes a character, and a page over 128 KB costs milliseconds to make.
 */
function replyLine(c: Context<WebEnv>, post: PostView): Html | string {
  const t = c.get("t");
  if (post.replyTo)
    return html`<p class="muted in-reply"><a href="${safeUrl(post.replyTo.postUrl)}" title="${post.replyTo.handle}">&#8617; ${t("people.replyingTo", { handle: post.replyTo.shortHandle })}</a></p>`;
  if (post.inReplyToId)
    return html`<p class="muted in-reply"><a href="/posts/${post.inReplyToId}">&#8617; ${t("social.inReplyTo")}</a></p>`;
  return "";
}

/**
 * Mentions in a post's (sanitized) content lead to the person's page here rather
 * than off-site: an <a class="… mention …"> whose href is a known person's address
 * gets their local path. Hashtags and other links are left as they are.
 */
export function localMentions(content: string, paths: Record<string, string>): string {
  if (Object.keys(paths).length === 0) return content;
  return content.replace(/<a\s[^>]*>/g, (tag) => {
    if (!/\bclass="[^"]*\bmention\b/.test(tag) || /\bhashtag\b/.test(tag)) return tag;
    return tag.replace(/\bhref="([^"]*)"/, (attr, href: string) => {
      const path = paths[href.replaceAll("&amp;", "&")];
      return path
        ? `href="${safeUrl(path).replaceAll("&", "&amp;").replaceAll('"', "&quot;")}"`
        : attr;
    });
  });
}

function body(c: Context<WebEnv>, slots: CardSlots, post: PostView): Html {
  const media = post.media.length
    ? html`<div class="post-media">${post.media.map(
        (m) =>
          html`<a href="${safeUrl(m.url)}"><img src="${safeUrl(m.url)}" alt="${m.description}" loading="lazy"${m.width ? html` width="${m.width}" height="${m.height ?? ""}"` : ""} /></a>`,
      )}</div>`
    : "";
  const content = html`<div class="post-content" lang="${post.language ?? ""}">${raw(localMentions(post.contentHtml, post.mentionPaths))}</div>${media}${pollHtml(c, slots, post)}`;
  if (!post.spoiler) return content;
  return html`<details class="spoiler"><summary>${post.spoiler} <span class="muted">(${c.get("t")("social.showMore")})</span></summary>${content}</details>`;
}

/** How a card is shown where it is. */
export interface PostCardOptions {
  /** The post a thread page is about (outlined; no "in reply to" link). */
  focus?: boolean;
  /** In a group's thread page: the title is the page's heading and replies are nested. */
  inThread?: boolean;
  /** The viewer moderates the post's group: they may delete others' posts too. */
  groupModerator?: boolean;
  /** A thread in a group's list: its replies at every level. */
  replies?: number;
  /** Shown for what it is, with no actions (the delete confirmation). */
  bare?: boolean;
}

/**
 * A group post's thread page (its url, without the anchor) and the group's pages'
 * base (/groups/NAME, or /groups/elsewhere for a group on another server).
 */
export function groupPaths(post: PostView): { thread: string; base: string } | null {
  if (!post.audience) return null;
  const thread = post.url.split("#")[0] ?? post.url;
  const base = /^(\/groups\/[A-Za-z0-9_]+)\/threads\//.exec(thread)?.[1];
  return base ? { thread, base } : null;
}

/** A post's card: kept rendered (card-cache.ts) while nothing it shows has changed. */
export function postCard(c: Context<WebEnv>, outer: PostView, options: PostCardOptions = {}): Html {
  return cachedCard(c, outer, options, cardRenderer(c, outer, options));
}

const cardRenderer =
  (c: Context<WebEnv>, outer: PostView, options: PostCardOptions) =>
  (slots: CardSlots, now: number): string => {
    const card = renderCard(c, outer, options, slots, now);
    // A card is built of plain strings (no async parts), so it is a string at once.
    if (card instanceof Promise) throw new Error("a post card rendered asynchronously");
    return card.toString();
  };

function renderCard(
  c: Context<WebEnv>,
  outer: PostView,
  options: PostCardOptions,
  slots: CardSlots,
  now: number,
): Html {
  const t = c.get("t");
  const viewer = c.get("viewer");
  const post = outer.reblog ?? outer;
  const mine = viewer && post.author.username === viewer.username && post.author.local;
  const group = groupPaths(post);
  // A group post opens in its group's thread, where replies are written and deletions follow the group's rule.
  const threadUrl = group
    ? `${group.thread}#p-${post.id}`
    : post.author.local
      ? `/@${post.author.username}/${post.id}`
      : `/posts/${post.id}`;
  const replyUrl = group
    ? `${group.thread}?${new URLSearchParams({ reply_to: post.id })}#reply`
    : `${threadUrl}#reply`;
  const historyUrl = group ? `${group.thread}#history-${post.id}` : `${threadUrl}#history`;
  const actions: Html[] = [];
  const more: Html[] = [];
  if (viewer && !options.bare) {
    actions.push(
      html`<span class="act"><a class="act-button act-reply" href="${safeUrl(replyUrl)}" aria-label="${t("social.reply")}" title="${t("social.reply")}">${icons.reply}</a><span class="act-count" aria-hidden="true">${options.replies ?? post.repliesCount}</span></span>`,
    );
    if (post.visibility === "public" || post.visibility === "unlisted")
      actions.push(
        toggle(
          slots,
          post,
          {
            name: "boost",
            undo: "unboost",
            label: t("social.boost"),
            undoLabel: t("social.unboost"),
            on: post.reblogged,
          },
          icons.boost,
          post.reblogsCount,
        ),
      );
    actions.push(
      toggle(
        slots,
        post,
        {
          name: "like",
          undo: "unlike",
          label: t("social.like"),
          undoLabel: t("social.unlike"),
          on: post.liked,
        },
        icons.like,
        post.likesCount,
      ),
    );
    actions.push(
      toggle(
        slots,
        post,
        {
          name: "bookmark",
          undo: "unbookmark",
          label: t("social.bookmark"),
          undoLabel: t("social.unbookmark"),
          on: post.bookmarked,
        },
        icons.bookmark,
      ),
    );
    if (mine && !group && (post.visibility === "public" || post.visibility === "unlisted"))
      more.push(
        toggle(
          slots,
          post,
          {
            name: "pin",
            undo: "unpin",
            label: t("social.pin"),
            undoLabel: t("social.unpin"),
            on: post.pinned,
          },
          html`<span class="act-text">${post.pinned ? t("social.unpin") : t("social.pin")}</span>`,
        ),
      );
    if (mine) more.push(html`<a href="/posts/${post.id}/edit">${t("social.edit")}</a>`);
    // Deleting asks first (a page with the post and a button), for one's own post and a moderator's alike.
    if (mine || (group && options.groupModerator))
      more.push(html`<a href="/posts/${post.id}/delete">${t("social.delete")}</a>`);
    if (!mine) more.push(html`<a href="/posts/${post.id}/report">${t("social.report")}</a>`);
    actions.push(
      html`<details class="more-menu"><summary aria-label="${t("social.more")}" title="${t("social.more")}">${icons.more}</summary><div class="menu">${more}</div></details>`,
    );
  }
  const visibility = group
    ? t(post.visibility === "public" ? "groups.visibility.public" : "groups.visibility.members")
    : t(`social.visibility.${post.visibility}`);
  const replies = options.replies ?? post.repliesCount;
  return html`<article class="post${options.focus ? " focus" : ""}${group ? " group-post" : ""}" id="post-${post.id}" aria-labelledby="post-${post.id}-author">
    ${outer.reblog ? html`<p class="boosted-by muted">${t("social.boostedBy", { name: outer.author.name })}</p>` : ""}
    ${post.title && !options.inThread ? html`<h2 class="post-title"><a href="${safeUrl(group?.thread ?? threadUrl)}">${post.title}</a></h2>` : ""}
    <header class="post-head">
      ${post.author.avatarUrl ? html`<img class="avatar small" src="${safeUrl(post.author.avatarUrl)}" alt="" width="40" height="40" />` : html`<span class="avatar small placeholder" aria-hidden="true">${post.author.name.slice(0, 1).toUpperCase()}</span>`}
      <div>
        <a id="post-${post.id}-author" href="${safeUrl(post.author.url)}" class="post-author">${post.author.name}</a>
        <span class="handle">${post.author.handle}</span>
      </div>
      <a class="post-time muted" href="${safeUrl(threadUrl)}">${timeTag(c.get("locale"), post.createdAt, now)}</a>
    </header>
    ${!options.focus && !options.inThread ? replyLine(c, post) : ""}
    ${body(c, slots, post)}
    <footer class="post-foot">
      <span class="badge">${visibility}</span>
      ${post.hiddenAt ? html`<span class="badge">${t("groups.thread.hidden")}</span>` : ""}
      ${post.editedAt ? html`<a class="muted edited" href="${safeUrl(historyUrl)}">${t("social.edited")}</a>` : ""}
      <span class="${actions.length ? "visually-hidden" : "muted"}">${t("social.counts", { replies, boosts: post.reblogsCount, likes: post.likesCount })}</span>
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
  return html`<div class="feed">${posts.map((p) => postCard(c, p))}</div>
    ${pager(c, next, base)}`;
}

function pager(c: Context<WebEnv>, next: string | null, base: string): Html | string {
  if (!next) return "";
  const t = c.get("t");
  const sep = base.includes("?") ? "&" : "?";
  return html`<nav class="pager" aria-label="${t("social.older")}"><a rel="next" href="${safeUrl(`${base}${sep}max_id=${next}`)}">${t("social.older")}</a></nav>`;
}

/** postList as parts, a card each (for page-parts.ts: a long page is never one string). */
export function postListParts(
  c: Context<WebEnv>,
  posts: PostView[],
  next: string | null,
  base: string,
): PagePart[] {
  if (posts.length === 0) return [postList(c, posts, next, base)];
  return [
    '<div class="feed">',
    ...posts.map((p) => cardBytes(c, p, {}, cardRenderer(c, p, {}))),
    html`</div>
    ${pager(c, next, base)}`,
  ];
}
