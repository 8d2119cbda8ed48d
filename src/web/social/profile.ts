/** The member's posts under their profile page (/@username): pinned first, then newest. */
import type { Context } from "hono";
import { html } from "hono/html";
import { InputError } from "../../kernel/errors.ts";
import { memberUri } from "../../kernel/uris.ts";
import { pinnedPosts, profileTimeline } from "../../social/timelines.ts";
import type { WebEnv } from "../context.ts";
import { isPostId, type SocialPagesDeps, socialContext, viewerRef } from "./deps.ts";
import { postCard, postList } from "./render.ts";

export function profileSection(deps: SocialPagesDeps) {
  const s = socialContext(deps);
  return async (c: Context<WebEnv>, account: { id: string; username: string }) => {
    const t = c.get("t");
    const maxId = c.req.query("max_id");
    if (maxId !== undefined && !isPostId(maxId)) throw new InputError("Bad max_id", 400);
    const viewer = viewerRef(deps, c.get("viewer"));
    const pinned = maxId ? [] : await pinnedPosts(s, viewer, account.id);
    const page = await profileTimeline(s, viewer, memberUri(deps.config.origin, account.username), {
      maxId,
    });
    return html`<section class="profile-posts" aria-labelledby="profile-posts-title">
      <h2 id="profile-posts-title">${t("social.profile.posts")}</h2>
      ${pinned.map((p) => html`<p class="badge">${t("social.pinned")}</p>${postCard(c, p)}`)}
      ${postList(c, page.items, page.nextMaxId, `/@${account.username}`)}
    </section>`;
  };
}
