/**
 * A remote person's page here, /@user@host (issue 23, "People and profiles"):
 * who they are, their counts as their server gives them, their recent posts as
 * they reached this node, and Follow / Mute / Block / Report. A person we do not
 * know yet is looked up (WebFinger) for a signed-in member only, so visitors
 * cannot make this node fetch from arbitrary hosts; every read from their server
 * is bounded in time. A handle that is not user@host gives a 404 page.
 */
import { getLogger } from "@logtape/logtape";
import { Hono } from "hono";
import { html } from "hono/html";
import { InputError } from "../../kernel/errors.ts";
import {
  countsStale,
  type PersonView,
  remotePerson,
  type Standing,
  standingWith,
} from "../../social/people.ts";
import { profileTimeline } from "../../social/timelines.ts";
import { personPath } from "../../social/views.ts";
import type { WebEnv } from "../context.ts";
import { errorPage } from "../errors.ts";
import { notice } from "../forms.ts";
import { layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { isPostId, type SocialPagesDeps, socialContext, viewerRef } from "../social/deps.ts";
import { postList } from "../social/render.ts";
import { personHead } from "./render.ts";

const logger = getLogger(["synco", "web", "people"]);

/** How long a page waits for another server (a look-up, counts, a first page of posts). */
export const REMOTE_WAIT_MS = 5000;

/** Resolves to the promise's value, or null once `ms` have passed (the work goes on behind). */
export async function within<T>(work: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  try {
    const logged = work.catch((error: unknown) => {
      logger.warning("Reading from another server failed: {error}", { error });
      return null;
    });
    return await Promise.race([logged, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export function peoplePages(deps: SocialPagesDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const s = socialContext(deps);

  /** The person a handle names, known here or (for a member) looked up now. */
  async function find(handle: string, signedIn: boolean): Promise<PersonView | null> {
    const known = await remotePerson(deps.db, { handle });
    if (known || !signedIn) return known;
    const actor = await within(deps.federation.lookup(handle), REMOTE_WAIT_MS);
    return actor ? remotePerson(deps.db, { uri: actor.uri }) : null;
  }

  app.get("/:handle{@[^/@]+@[^/]+}", async (c) => {
    const t = c.get("t");
    const handle = c.req.param("handle").slice(1);
    if (!personPath(handle)) return errorPage(c, 404, t("people.notFound"));
    const at = handle.lastIndexOf("@");
    // Our own domain: the member's page.
    if (handle.slice(at + 1).toLowerCase() === deps.config.domain.toLowerCase())
      return redirectHere(c, `/@${handle.slice(0, at)}`, 302);
    const maxId = c.req.query("max_id");
    if (maxId !== undefined && !isPostId(maxId)) throw new InputError("Bad max_id", 400);
    const viewer = c.get("viewer");
    let person = await find(handle, !!viewer);
    if (!person) return errorPage(c, 404, t(viewer ? "people.notFound" : "people.signInToFind"));
    // Known under another spelling (case, or WebFinger gave another handle): one address each.
    if (person.path !== `/@${handle}`) return redirectHere(c, person.path, 302);
    const ref = viewerRef(deps, viewer);
    const standing: Standing | null = ref ? await standingWith(deps.db, ref, person.uri) : null;
    let page = await profileTimeline(s, ref, person.uri, { maxId });
    if (viewer && countsStale(person, standing, deps.clock.now())) {
      // What their server says now; their first page of posts when none reached us.
      const backfill = page.items.length === 0 && !maxId;
      await within(deps.federation.refreshPerson(person.uri, { backfill }), REMOTE_WAIT_MS);
      person = (await remotePerson(deps.db, { uri: person.uri })) ?? person;
      if (backfill) page = await profileTimeline(s, ref, person.uri, { maxId });
    }
    const body = html`${notice(c.req.query("done")?.slice(0, 300))}
      ${personHead(c, person, standing)}
      <section class="profile-posts" aria-labelledby="profile-posts-title">
        <h2 id="profile-posts-title">${t("people.recentPosts")}</h2>
        ${page.items.length === 0 && !maxId ? html`<p class="notice">${t("people.noPosts")}</p>` : postList(c, page.items, page.nextMaxId, person.path)}
      </section>`;
    return c.html(layout(c, `${person.name} (${person.handle})`, body));
  });

  return app;
}
