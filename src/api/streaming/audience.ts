/**
 * Who receives a post event. Two questions, both asked for every event, whatever
 * its kind (update, status.update, delete, notification):
 *
 * 1. Which of a connection's subscriptions it belongs on — Mastodon's fan-out:
 *    public and hashtag streams get public posts (not boosts) of authors that are
 *    neither silenced nor suspended (public streams not a group's posts, which stay
 *    in their groups, as the public timelines do); user and list streams get what
 *    is (or, for a deletion, was) in the member's home; a group's list stream gets
 *    the group's posts; user:notification gets notifications only.
 * 2. Whether the subscriber may see it — the same `canSee` the pages and the API
 *    use (src/social/visibility.ts), as the viewer the token's scopes allow, and
 *    never by someone the member blocked or muted.
 *
 * A round memoizes both checks and the serialized statuses, per viewer, so a post
 * sent to a thousand visitors is checked and serialized once.
 */
import type { Visibility } from "../../db/schema/social.ts";
import { memberUri } from "../../kernel/uris.ts";
import type { SocialContext } from "../../social/context.ts";
import { canSeeById, type ViewerRef } from "../../social/visibility.ts";
import { grants } from "../oauth/scopes.ts";
import { renderStatuses } from "../status-json.ts";
import type { StreamConnection, Subscription } from "./streams.ts";

export interface PostFacts {
  id: string;
  local: boolean;
  visibility: Visibility;
  authorUri: string;
  deleted: boolean;
  /** The boosted post, when this one is a boost. */
  reblog: { id: string; visibility: Visibility; authorUri: string } | null;
  /** Lower case, without "#". */
  tags: string[];
  /** The Group the post was written in, if any. */
  audienceUri: string | null;
  /** Not by a silenced or suspended actor or domain: may go on public streams. */
  broadcastable: boolean;
}

export interface PostEvent {
  event: "update" | "status.update" | "delete";
  post: PostFacts;
  /** Whether it goes on public and hashtag streams (a new home entry does not). */
  toPublic: boolean;
  /** Members in whose home it is (or was, for a deletion): their user and list streams. */
  inHomeOf: ReadonlySet<string>;
  /** Whether it goes on its group's list streams (a new group post, an edit, a deletion). */
  toGroup: boolean;
}

/** The subscriptions of this connection that the event belongs on (visibility aside). */
export function subscriptionsFor(
  conn: StreamConnection,
  ev: PostEvent,
  lists: ReadonlyMap<string, ReadonlySet<string>>,
): Subscription[] {
  const p = ev.post;
  const onPublic = ev.toPublic && p.visibility === "public" && !p.reblog && p.broadcastable;
  const ungrouped = p.audienceUri === null;
  const inHome = !!conn.token?.account && ev.inHomeOf.has(conn.token.account.id);
  // A deletion's tags are gone with it; its id alone tells a hashtag stream nothing new.
  const tagged = (tag: string | null) => ev.event === "delete" || p.tags.includes(tag ?? "");
  return [...conn.subscriptions.values()].filter((sub) => {
    switch (sub.name) {
      case "public":
        return onPublic && ungrouped;
      case "public:local":
        return onPublic && ungrouped && p.local;
      case "public:remote":
        return onPublic && ungrouped && !p.local;
      case "hashtag":
        return onPublic && tagged(sub.param);
      case "hashtag:local":
        return onPublic && p.local && tagged(sub.param);
      case "user":
        return inHome;
      case "list":
        // A member's group, shown as a list: the group's posts.
        if (sub.audience) return ev.toGroup && p.audienceUri === sub.audience;
        return inHome && !!lists.get(sub.param ?? "")?.has(p.authorUri);
      case "user:notification":
        return false;
    }
    return false;
  });
}

/** The member behind a connection, if its token may read statuses; else it sees as a visitor. */
export function statusViewer(conn: StreamConnection, origin: string): ViewerRef | null {
  const token = conn.token;
  if (!token?.account || !grants(token.scopes, "read:statuses")) return null;
  return memberViewer(token.account, origin);
}

export const memberViewer = (
  account: { id: string; username: string },
  origin: string,
): ViewerRef => ({ id: account.id, uri: memberUri(origin, account.username) });

/** The checks and serializations of one round, memoized per viewer. */
export class DeliveryRound {
  readonly #s: SocialContext;
  readonly #members: string[];
  readonly #seen = new Map<string, Promise<boolean>>();
  readonly #statuses = new Map<string, Promise<string | null>>();
  #filters: Promise<Map<string, Set<string>>> | undefined;

  /** `members`: the accounts of the open connections (whose blocks and mutes apply). */
  constructor(s: SocialContext, members: string[]) {
    this.#s = s;
    this.#members = members;
  }

  /** Actors this member blocked or muted (read once per round for every connected member). */
  async hiddenBy(accountId: string): Promise<ReadonlySet<string>> {
    this.#filters ??= this.#loadFilters();
    return (await this.#filters).get(accountId) ?? new Set();
  }

  async #loadFilters(): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    if (this.#members.length === 0) return out;
    const rows = await this.#s.db
      .selectFrom("actor_filters")
      .select(["account_id", "target_uri"])
      .where("account_id", "in", this.#members)
      .execute();
    for (const r of rows)
      out.set(r.account_id, (out.get(r.account_id) ?? new Set()).add(r.target_uri));
    return out;
  }

  /**
   * Whether this connection may receive the post, seen as `viewer`. A deleted post
   * is judged as it was before its deletion (its row keeps visibility, audience and
   * mentions): only those who could see it hear that it is gone. (An update of a
   * deleted post is never sent: it has no status left to serialize.)
   */
  async maySee(conn: StreamConnection, viewer: ViewerRef | null, p: PostFacts): Promise<boolean> {
    const account = conn.token?.account;
    if (account) {
      const hidden = await this.hiddenBy(account.id);
      if (hidden.has(p.authorUri) || (p.reblog && hidden.has(p.reblog.authorUri))) return false;
    }
    if (!(await this.#canSee(viewer, p.id))) return false;
    return !p.reblog || this.#canSee(viewer, p.reblog.id);
  }

  #canSee(viewer: ViewerRef | null, id: string) {
    const key = `${viewer?.id ?? ""}:${id}`;
    let seen = this.#seen.get(key);
    if (!seen) {
      seen = canSeeById(this.#s.db, viewer, id, { asBeforeDeletion: true });
      this.#seen.set(key, seen);
    }
    return seen;
  }

  /** The Status entity as this viewer sees it, JSON-encoded, or null if it is gone. */
  status(viewer: ViewerRef | null, postId: string): Promise<string | null> {
    const key = `${viewer?.id ?? ""}:${postId}`;
    let status = this.#statuses.get(key);
    if (!status) {
      status = (async () => {
        // From the kept fragments (status-json.ts), as the client API's pages are.
        const rendered = await renderStatuses(this.#s, this.#s, viewer, [postId], null);
        return rendered.json.get(postId) ?? null;
      })();
      this.#statuses.set(key, status);
    }
    return status;
  }
}
