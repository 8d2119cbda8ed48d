/**
 * The social pages: /social (home for members, this co-op's and the federated
 * timelines for everyone), posting, thread pages at /@username/{id}, hashtags
 * at /tags/{tag} and bookmarks (notifications: notifications-page.ts). Pages go
 * back in time with a max_id cursor.
 */
import { type Context, Hono } from "hono";
import { html, raw } from "hono/html";
import { InputError } from "../../kernel/errors.ts";
import { MAX_POST_LENGTH } from "../../social/content.ts";
import { earlierVersions, type VersionView } from "../../social/edits.ts";
import { createPost, type PostProblem } from "../../social/posts.ts";
import {
  bookmarkedPosts,
  homeTimeline,
  type Page,
  publicTimeline,
  tagTimeline,
  thread,
} from "../../social/timelines.ts";
import { pagePathOf } from "../../social/views.ts";
import { composeBox } from "../compose-box.ts";
import type { WebEnv } from "../context.ts";
import { feedLinks } from "../feeds/discovery.ts";
import { notice } from "../forms.ts";
import { type Html, layout } from "../layout.ts";
import { pageOfParts, startBadge } from "../page-parts.ts";
import { redirectHere } from "../redirect.ts";
import { safeUrl } from "../safe-url.ts";
import { requireViewer } from "../session.ts";
import { timeTag } from "../time.ts";
import { composeForm } from "./compose.ts";
import { parseCompose, submitCompose } from "./compose-submit.ts";
import { isPostId, type SocialPagesDeps, socialContext, viewerRef } from "./deps.ts";
import { postCard, postListParts } from "./render.ts";

const cursor = (c: Context<WebEnv>) => {
  const maxId = c.req.query("max_id");
  if (maxId !== undefined && !isPostId(maxId)) throw new InputError("Bad max_id", 400);
  return maxId;
};

/** The earlier versions of an edited post, oldest first, under the post on its thread page. */
export function historyDetails(
  c: Context<WebEnv>,
  versions: VersionView[],
  id = "history",
): Html | string {
  if (versions.length === 0) return "";
  const t = c.get("t");
  const locale = c.get("locale");
  return html`<details class="post-history" id="${id}">
    <summary>${t("social.history.summary", { count: versions.length })}</summary>
    <ol>
      ${versions.map(
        (v) => html`<li>
          <p class="muted">${timeTag(locale, v.createdAt)}</p>
          ${v.spoiler ? html`<p><strong>${v.spoiler}</strong></p>` : ""}
          <div class="post-content">${raw(v.contentHtml)}</div>
          ${v.media.length ? html`<p class="muted">${v.media.map((m) => m.description || m.url).join(" · ")}</p>` : ""}
        </li>`,
      )}
    </ol>
  </details>`;
}

export function socialNav(c: Context<WebEnv>): Html {
  const t = c.get("t");
  const viewer = c.get("viewer");
  const here = new URL(c.req.url).pathname;
  const link = (path: string, label: string) =>
    html`<li><a href="${safeUrl(path)}"${here === path ? html` aria-current="page"` : ""}>${label}</a></li>`;
  return html`<nav class="social-nav" aria-label="${t("social.tabs")}"><ul>
    ${viewer ? link("/social", t("social.home")) : ""}
    ${link("/social/local", t("social.local"))}
    ${link("/social/federated", t("social.federated"))}
    ${viewer ? link("/notifications", t("social.nav.notifications")) : ""}
    ${viewer ? link("/bookmarks", t("social.nav.bookmarks")) : ""}
    ${viewer ? link("/social/filters", t("social.nav.filters")) : ""}
    ${viewer && viewer.role !== "member" ? link("/moderation", t("social.nav.moderation")) : ""}
    ${link("/rules", t("social.nav.rules"))}
  </ul></nav>`;
}

const problemMessage = (c: Context<WebEnv>, p: PostProblem): [string, string] => {
  const t = c.get("t");
  switch (p) {
    case "empty":
      return ["text", t("social.error.empty")];
    case "too-long":
      return ["text", t("social.error.tooLong", { max: MAX_POST_LENGTH })];
    case "spoiler-too-long":
      return ["spoiler", t("social.error.spoilerTooLong")];
    case "reply-not-found":
      return ["text", t("social.error.replyNotFound")];
    case "replies-locked":
      return ["text", t("social.error.repliesLocked")];
    case "poll-invalid":
      return ["poll", t("social.error.poll")];
    default:
      return ["image", t("social.error.media")];
  }
};

export function socialPages(deps: SocialPagesDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const s = socialContext(deps);

  async function timelinePage(
    c: Context<WebEnv>,
    title: string,
    page: Page,
    base: string,
    compose: Html = html``,
    status = 200,
    head: Html = html``,
  ) {
    const top = html`${socialNav(c)}<h1>${title}</h1>${notice(c.req.query("done")?.slice(0, 200))}${compose}`;
    return pageOfParts(
      c,
      title,
      [top, ...postListParts(c, page.items, page.nextMaxId, base)],
      { head },
      status,
    );
  }

  app.get("/social", async (c) => {
    const viewer = c.get("viewer");
    if (!viewer) return redirectHere(c, "/social/local", 302);
    const t = c.get("t");
    const maxId = cursor(c);
    startBadge(c);
    const page = await homeTimeline(
      s,
      viewerRef(deps, viewer) as NonNullable<ReturnType<typeof viewerRef>>,
      { maxId },
    );
    return timelinePage(c, t("social.home"), page, "/social", composeBox(c, composeForm(c)));
  });

  for (const scope of ["local", "federated"] as const) {
    app.get(`/social/${scope}`, async (c) => {
      const t = c.get("t");
      const maxId = cursor(c);
      startBadge(c);
      const page = await publicTimeline(s, viewerRef(deps, c.get("viewer")), scope, { maxId });
      const title = t(scope === "local" ? "social.local" : "social.federated");
      // The local timeline has feeds (web/feeds); the federated one is other servers' posts.
      const feeds = scope === "local" ? feedLinks(c, "/social/local", title) : html``;
      return timelinePage(c, title, page, `/social/${scope}`, html``, 200, feeds);
    });
  }

  app.post("/social/posts", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const form = await c.req.parseBody({ all: true });
    const parsed = parseCompose(c, form);
    const failWith = async (
      errors: Record<string, string>,
      values: Parameters<typeof composeForm>[1],
    ) => {
      const body = html`${socialNav(c)}<h1>${t("social.compose.title")}</h1>${composeForm(c, values, errors)}`;
      return c.html(layout(c, t("social.compose.title"), body), 422);
    };
    const result = await submitCompose(c, deps, viewer.id, parsed, (input) =>
      createPost(s, viewer, input),
    );
    if (!result.ok && "errors" in result) return failWith(result.errors, result.values);
    if (!result.ok) {
      const [name, message] = problemMessage(c, result.reason);
      return failWith({ [name]: message }, result.values);
    }
    const back = parsed.input.inReplyToId ? `/posts/${parsed.input.inReplyToId}` : "/social";
    return redirectHere(c, `${back}?${new URLSearchParams({ done: t("social.posted") })}`, 303);
  });

  app.get("/:handle{@[A-Za-z0-9_]{1,30}}/:id", async (c) => {
    const id = c.req.param("id");
    if (!isPostId(id)) return c.notFound();
    // A member's post in a group (its url is this address) is read in the group's thread.
    const path = await pagePathOf(deps.db, id);
    if (path?.startsWith("/groups/"))
      return redirectHere(c, path.replace("#", `${new URL(c.req.url).search}#`), 302);
    return threadPage(c, id);
  });

  async function threadPage(c: Context<WebEnv>, id: string) {
    const t = c.get("t");
    const viewer = c.get("viewer");
    const found = await thread(s, viewerRef(deps, viewer), id);
    if (!found) return c.notFound();
    const name = found.post.author.name;
    const body = html`${socialNav(c)}
      <h1>${t("social.thread.title", { name })}</h1>
      ${notice(c.req.query("done")?.slice(0, 200))}
      ${found.ancestors.map((p) => postCard(c, p))}
      ${postCard(c, found.post, { focus: true })}
      ${historyDetails(c, await earlierVersions(deps.db, found.post.id))}
      ${viewer ? composeForm(c, { inReplyTo: found.post.id, visibility: found.post.visibility, text: found.post.author.local && found.post.author.username === viewer.username ? "" : `${found.post.author.handle.replace(`@${deps.config.domain}`, "")} ` }, {}, name) : ""}
      ${found.descendants.length ? html`<h2>${t("social.thread.replies")}</h2>${found.descendants.map((p) => postCard(c, p))}` : ""}`;
    return c.html(layout(c, t("social.thread.title", { name }), body));
  }

  /** A post by id: ActivityPub clients get the Note (served by Fedify), browsers the thread. */
  app.get("/posts/:id", async (c) => {
    const id = c.req.param("id");
    if (!isPostId(id)) return c.notFound();
    if (/application\/(activity\+json|ld\+json)/.test(c.req.header("accept") ?? "")) {
      // Fedify and the mapping load on first use, as everywhere else.
      const [{ federation }, { servePost }] = await Promise.all([
        deps.federation.load(),
        import("../../federation/social/serve.ts"),
      ]);
      return servePost(federation, deps.db, deps.config.origin, c.req.raw, id);
    }
    const path = await pagePathOf(deps.db, id);
    // A group post opens in its thread (at its anchor); a member's on their profile.
    // (?done=… goes before the anchor, so the thread shows what was done.)
    if (path?.includes("#"))
      return redirectHere(c, path.replace("#", `${new URL(c.req.url).search}#`), 302);
    if (path) return redirectHere(c, `${path}${new URL(c.req.url).search}`, 302);
    return threadPage(c, id);
  });

  app.get("/tags/:tag", async (c) => {
    const tag = c.req.param("tag");
    if (!/^[\p{L}\p{N}_]{1,100}$/u.test(tag)) return c.notFound();
    const t = c.get("t");
    const page = await tagTimeline(s, viewerRef(deps, c.get("viewer")), tag, { maxId: cursor(c) });
    const title = t("social.tag.title", { tag: tag.toLowerCase() });
    const path = `/tags/${encodeURIComponent(tag)}`;
    const feeds = feedLinks(c, `/tags/${encodeURIComponent(tag.toLowerCase())}`, title);
    return timelinePage(c, title, page, path, html``, 200, feeds);
  });

  app.get("/bookmarks", async (c) => {
    const viewer = requireViewer(c);
    const page = await bookmarkedPosts(
      s,
      viewerRef(deps, viewer) as NonNullable<ReturnType<typeof viewerRef>>,
      { maxId: cursor(c) },
    );
    return timelinePage(c, c.get("t")("social.bookmarks.title"), page, "/bookmarks");
  });

  return app;
}
