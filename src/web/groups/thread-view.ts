/**
 * A group's threads and a thread's replies drawn with the social post card
 * (web/social/render.ts), so members get in a group what they get elsewhere:
 * images with alt text, polls, content warnings, likes, boosts, bookmarks, edits
 * with their history, deletion and reports. Views come from social/views.ts
 * `visiblePosts`, so a post is shown only to whom canSee allows (a hidden thread:
 * the group's moderators). Replies nest under what they answer, as on Lemmy.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import { threadOf } from "../../groups/threads.ts";
import { memberUri } from "../../kernel/uris.ts";
import { earlierVersions } from "../../social/edits.ts";
import { type PostView, visiblePosts } from "../../social/views.ts";
import type { WebEnv } from "../context.ts";
import type { Html } from "../layout.ts";
import { historyDetails } from "../social/pages.ts";
import { postCard } from "../social/render.ts";
import { type GroupsDeps, groupsContext } from "./render.ts";

/** Deeper replies are drawn at this depth, so a long exchange stays readable on a phone. */
const MAX_DEPTH = 5;

function views(c: Context<WebEnv>, deps: GroupsDeps, ids: string[]) {
  const viewer = c.get("viewer");
  return visiblePosts(
    groupsContext(deps),
    viewer ? { id: viewer.id, uri: memberUri(deps.config.origin, viewer.username) } : null,
    ids,
  );
}

/** A group's threads as cards with their titles (newest first), each with its count of replies. */
export async function threadCards(
  c: Context<WebEnv>,
  deps: GroupsDeps,
  threads: { id: string; replies: number }[],
  options: { moderator: boolean },
): Promise<Html> {
  const replies = new Map(threads.map((t) => [t.id, t.replies]));
  const shown = await views(
    c,
    deps,
    threads.map((t) => t.id),
  );
  return html`<div class="feed thread-cards">${shown.map((v) =>
    postCard(c, v, { groupModerator: options.moderator, replies: replies.get(v.id) ?? 0 }),
  )}</div>`;
}

/**
 * A thread: its first post and the replies under it, nested by what they answer
 * (a reply whose parent is gone goes under the first post). Null when the viewer
 * may not see the first post.
 */
export async function threadView(
  c: Context<WebEnv>,
  deps: GroupsDeps,
  threadId: string,
  options: { moderator: boolean },
): Promise<{ first: PostView; posts: PostView[]; body: Html } | null> {
  const rows = await threadOf(deps.db, threadId);
  const posts = await views(
    c,
    deps,
    rows.map((r) => r.id),
  );
  const first = posts.find((p) => p.id === threadId);
  if (!first) return null;
  const shown = new Set(posts.map((p) => p.id));
  const children = new Map<string, PostView[]>();
  for (const p of posts) {
    if (p.id === threadId) continue;
    const parent = p.inReplyToId && shown.has(p.inReplyToId) ? p.inReplyToId : threadId;
    children.set(parent, [...(children.get(parent) ?? []), p]);
  }
  // Earlier versions of the edited posts only (one query each).
  const history = new Map<string, Html | string>();
  for (const p of posts.filter((p) => p.editedAt))
    history.set(p.id, historyDetails(c, await earlierVersions(deps.db, p.id), `history-${p.id}`));
  const card = (p: PostView) =>
    html`${postCard(c, p, { inThread: true, groupModerator: options.moderator })}${history.get(p.id) ?? ""}`;
  const branch = (id: string, depth: number): Html => {
    const under = children.get(id) ?? [];
    if (under.length === 0) return html``;
    // Past MAX_DEPTH, replies go on at the same depth, in order.
    const items = under.map(
      (p) =>
        html`<li id="p-${p.id}">${card(p)}${depth < MAX_DEPTH ? branch(p.id, depth + 1) : ""}</li>${depth < MAX_DEPTH ? "" : flat(p.id)}`,
    );
    return html`<ol class="replies depth-${depth}">${items}</ol>`;
  };
  const flat = (id: string): Html =>
    html`${(children.get(id) ?? []).map((p) => html`<li id="p-${p.id}">${card(p)}</li>${flat(p.id)}`)}`;
  const body = html`<div class="group-thread" id="p-${first.id}">${card(first)}${branch(first.id, 1)}</div>`;
  return { first, posts, body };
}
