/**
 * The notifications page (/notifications): who did what, in words, with their
 * avatar, an excerpt of the post and a relative time; likes and boosts of one
 * post gathered into one line; follow requests answered in place; notices for
 * moderators and admins (join requests, reports, applications) with a way to
 * act. Read in a fixed number of queries (social/notification-feed.ts).
 */
import { type Context, Hono } from "hono";
import { html } from "hono/html";
import { acceptFollowRequest, rejectFollowRequest } from "../../federation/follows.ts";
import { InputError } from "../../kernel/errors.ts";
import { htmlToText } from "../../social/content.ts";
import { type NoticeItem, noticeFeed } from "../../social/notification-feed.ts";
import { noticeMail, setNoticeMail } from "../../social/notification-policy.ts";
import type { NotificationView } from "../../social/notifications.ts";
import { markAllRead } from "../../social/notifications.ts";
import { closeEndedPolls } from "../../social/polls.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, formatDate, notice } from "../forms.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import { type Html, layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { safeUrl } from "../safe-url.ts";
import { requireViewer } from "../session.ts";
import { isPostId, type SocialPagesDeps, socialContext, viewerRef } from "./deps.ts";
import { socialNav } from "./pages.ts";

/** Items per page. */
const PAGE_ITEMS = 30;
/** Characters of a post shown under its notification. */
const EXCERPT = 160;

/** The types this page words itself; others (decisions, budgets, alarms) keep their own line. */
const WORDED = new Set([
  "follow",
  "follow_request",
  "mention",
  "reply",
  "reblog",
  "favourite",
  "poll",
  "update",
  "group_join_request",
  "report",
  "sign_up",
]);

/** The first words of a text, cut at a word near `max` characters. */
export function excerpt(text: string, max = EXCERPT): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

const relativeFormats = new Map<string, Intl.RelativeTimeFormat>();
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86400],
  ["month", 30 * 86400],
  ["week", 7 * 86400],
  ["day", 86400],
  ["hour", 3600],
  ["minute", 60],
];

/** "3 hours ago" / "hace 3 horas", in the largest unit that fits. */
export function relativeTime(locale: string, iso: string, now: Date): string {
  let format = relativeFormats.get(locale);
  if (!format) {
    format = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
    if (relativeFormats.size < 50) relativeFormats.set(locale, format);
  }
  const seconds = Math.round((Date.parse(iso) - now.getTime()) / 1000);
  for (const [unit, size] of UNITS)
    if (Math.abs(seconds) >= size) return format.format(Math.trunc(seconds / size), unit);
  return format.format(seconds, "second");
}

function avatar(n: NotificationView): Html {
  return n.fromAvatarUrl
    ? html`<img class="avatar small" src="${safeUrl(n.fromAvatarUrl)}" alt="" width="40" height="40" />`
    : html`<span class="avatar small placeholder" aria-hidden="true">${n.fromName.slice(0, 1).toUpperCase()}</span>`;
}

/** Stands for the sender's name in a translated sentence, where their link goes. */
const NAME = "\u0001";

/** The sentence saying what happened, the sender's name a link to them. */
function sentence(c: Context<WebEnv>, item: NoticeItem): Html {
  const t = c.get("t");
  const n = item.latest;
  const name = NAME;
  let text: string;
  switch (item.type) {
    case "favourite":
    case "reblog":
      text = t(`social.notify.${item.type}`, { name, others: item.count - 1 });
      break;
    case "group_join_request":
      text = t("social.notify.group_join_request", {
        name,
        group: item.group?.displayName ?? "",
      });
      break;
    case "report":
      text = item.report?.targetName
        ? t("social.notify.report", { name, target: item.report.targetName })
        : t("social.notify.reportOther", { name });
      break;
    case "sign_up":
    case "update":
      text = t(`social.notify.${item.type}`, { name });
      break;
    default:
      text = t(`social.notification.${n.type}` as MessageKey, { name });
  }
  const who = html`<a href="${safeUrl(n.fromUrl)}" class="notice-who">${n.fromName}</a>`;
  const parts = text.split(NAME);
  return html`${parts.map((part, i) => html`${part}${i < parts.length - 1 ? who : ""}`)}`;
}

/** What one can do from the line: answer a request, open what is to be reviewed. */
function actions(c: Context<WebEnv>, item: NoticeItem): Html | string {
  const t = c.get("t");
  const n = item.latest;
  const answered = html`<span class="badge">${t("social.notify.answered")}</span>`;
  switch (item.type) {
    case "follow_request":
      if (!item.pendingFollowId) return answered;
      return html`<div class="notice-actions">
        <form method="post" action="/notifications/follow-requests/${item.pendingFollowId}/accept" class="inline">${csrfField(c)}<button type="submit">${t("social.notify.accept")}</button></form>
        <form method="post" action="/notifications/follow-requests/${item.pendingFollowId}/reject" class="inline">${csrfField(c)}<button type="submit" class="secondary">${t("social.notify.reject")}</button></form>
      </div>`;
    case "group_join_request":
      if (!item.group) return "";
      return item.group.pending
        ? html`<div class="notice-actions"><a class="button" href="${safeUrl(`/groups/${item.group.name}/manage`)}#req-h">${t("social.notify.reviewRequests")}</a></div>`
        : answered;
    case "report":
      if (!item.report) return "";
      return html`${item.report.comment ? html`<blockquote class="notice-excerpt">${excerpt(item.report.comment)}</blockquote>` : ""}
        ${item.report.open ? html`<div class="notice-actions"><a class="button" href="/moderation">${t("social.notify.openReport")}</a></div>` : html`<span class="badge">${t("social.notify.resolved")}</span>`}`;
    case "sign_up":
      return item.applicationPending
        ? html`<div class="notice-actions"><a class="button" href="/admin/applications">${t("social.notify.reviewApplications")}</a></div>`
        : answered;
    default:
      return n.postId && !item.post
        ? html`<a href="/posts/${n.postId}">${t("social.notification.view")}</a>`
        : "";
  }
}

function noticeLine(c: Context<WebEnv>, item: NoticeItem, now: Date): Html {
  const t = c.get("t");
  const locale = c.get("locale");
  const n = item.latest;
  const post = item.post;
  const text = post ? htmlToText(post.spoiler || post.contentHtml) || post.title : "";
  const worded = WORDED.has(n.type);
  return html`<li class="notification${item.unread ? " unread" : ""}" id="n-${n.id}">
    <div class="notice-avatars">${item.senders.map(avatar)}</div>
    <div class="notice-body">
      <p class="notice-what">${item.unread ? html`<span class="visually-hidden">${t("social.notify.new")} </span>` : ""}${sentence(c, item)}</p>
      <p class="notice-meta muted">
        ${worded ? html`<span class="handle">${n.fromHandle}</span>` : html`<a href="${safeUrl(n.fromUrl)}">${n.fromName}</a>`}
        · <time datetime="${n.createdAt}" title="${formatDate(locale, n.createdAt)}">${relativeTime(locale, n.createdAt, now)}</time>
      </p>
      ${post && text ? html`<a class="notice-excerpt" href="/posts/${post.id}">${post.spoiler ? html`<strong>${t("social.notify.warning")}</strong> ` : ""}${excerpt(text)}</a>` : ""}
      ${actions(c, item)}
    </div>
  </li>`;
}

export function notificationPages(deps: SocialPagesDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const s = socialContext(deps);

  app.get("/notifications", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const maxId = c.req.query("max_id");
    if (maxId !== undefined && !isPostId(maxId)) throw new InputError("Bad max_id", 400);
    await closeEndedPolls(deps.db);
    const ref = viewerRef(deps, viewer) as NonNullable<ReturnType<typeof viewerRef>>;
    const page = await noticeFeed(s, ref, { maxId, limit: PAGE_ITEMS });
    // Seen is read: the list still marks what was new, and the badge clears.
    if (page.anyUnread) await markAllRead(deps.db, viewer.id);
    const now = deps.clock.now();
    const mailOn = deps.config.smtpUrl ? await noticeMail(deps.db, viewer.id) : null;
    const body = html`${socialNav(c)}<h1>${t("social.notifications.title")}</h1>
      ${notice(c.req.query("done")?.slice(0, 200))}
      ${
        page.items.length === 0
          ? html`<p class="notice">${t("social.notifications.none")}</p>`
          : html`
      <form method="post" action="/notifications/read" class="inline">${csrfField(c)}<button type="submit" class="secondary">${t("social.notifications.markRead")}</button></form>
      <ul class="notifications">${page.items.map((item) => noticeLine(c, item, now))}</ul>`
      }
      ${page.nextMaxId ? html`<nav class="pager"><a rel="next" href="/notifications?max_id=${page.nextMaxId}">${t("social.older")}</a></nav>` : ""}
      ${
        mailOn === null
          ? ""
          : html`<form method="post" action="/notifications/mail" class="stack notice-mail">${csrfField(c)}
        <label><input type="checkbox" name="mail" value="on"${mailOn ? html` checked` : ""} /> ${t("social.notify.mailSetting")}</label>
        <div><button type="submit" class="secondary">${t("social.notify.mailSave")}</button></div>
      </form>`
      }`;
    return c.html(layout(c, t("social.notifications.title"), body));
  });

  app.post("/notifications/read", async (c) => {
    const viewer = requireViewer(c);
    await markAllRead(deps.db, viewer.id);
    const done = c.get("t")("social.notify.allRead");
    return redirectHere(c, `/notifications?${new URLSearchParams({ done })}`, 303);
  });

  app.post("/notifications/mail", async (c) => {
    const viewer = requireViewer(c);
    const form = await c.req.parseBody();
    const on = form.mail === "on";
    await setNoticeMail(deps.db, viewer.id, on);
    const done = c.get("t")(on ? "social.notify.mailOn" : "social.notify.mailOff");
    return redirectHere(c, `/notifications?${new URLSearchParams({ done })}`, 303);
  });

  // A follow request answered from its notification; back to the list, saying what was done.
  app.post("/notifications/follow-requests/:id/:answer{accept|reject}", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const id = c.req.param("id");
    if (!isPostId(id)) throw new InputError(t("error.notFound"), 404);
    const follow = await deps.db
      .selectFrom("follows as f")
      .leftJoin("accounts as a", "a.id", "f.follower_account_id")
      .leftJoin("remote_actors as r", "r.id", "f.follower_remote_id")
      .select(["a.username", "a.display_name", "r.name", "r.handle", "f.follower_uri"])
      .where("f.id", "=", id)
      .where("f.followee_account_id", "=", viewer.id)
      .where("f.status", "=", "pending")
      .executeTakeFirst();
    if (!follow) throw new InputError(t("social.notify.requestGone"), 404);
    const accept = c.req.param("answer") === "accept";
    const done = accept
      ? await acceptFollowRequest(deps.db, viewer.id, id, deps.clock)
      : await rejectFollowRequest(deps.db, viewer.id, id);
    if (!done) throw new InputError(t("social.notify.requestGone"), 404);
    const name =
      follow.display_name || follow.username || follow.name || follow.handle || follow.follower_uri;
    const message = t(accept ? "social.notify.accepted" : "social.notify.rejected", { name });
    return redirectHere(c, `/notifications?${new URLSearchParams({ done: message })}`, 303);
  });

  return app;
}
