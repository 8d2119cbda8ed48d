/**
 * The client API's busiest timelines as pages of ids with their posts' stamps and
 * counts (status-json.ts reads them), their queries built and compiled once per
 * form (social/pager.ts preparedPage): building a page's query with Kysely cost
 * more than a tenth of a home timeline's CPU.
 */

import type { SocialContext } from "../social/context.ts";
import { preparedPage } from "../social/pager.ts";
import {
  bookmarksSource,
  favouritesSource,
  homeSource,
  profileRows,
  publicSource,
} from "../social/timelines.ts";
import { POST_COLUMNS } from "./status-json.ts";

export const homePageIds = preparedPage(
  (db, a: { viewerId: string }) => homeSource({ db }, { id: a.viewerId }),
  () => "home",
  POST_COLUMNS,
);

/** Local or federated, for a viewer or nobody, with or without the page's filters: each a form of its own. */
export const publicPageIds = preparedPage(
  (
    db,
    a: { viewerId: string; local: string; remote: string; media: string },
    form: { viewer: boolean; local: boolean; remoteOnly: boolean; onlyMedia: boolean },
  ) =>
    publicSource(
      { db },
      form.viewer ? { id: a.viewerId } : null,
      form.local ? "local" : "federated",
      {
        remoteOnly: form.remoteOnly,
        onlyMedia: form.onlyMedia,
      },
    ),
  (a: { viewerId: string; local: string; remote: string; media: string }) => ({
    viewer: a.viewerId !== "",
    local: a.local === "1",
    remoteOnly: a.remote === "1",
    onlyMedia: a.media === "1",
  }),
  POST_COLUMNS,
);

type ProfileArgs = {
  viewerId: string;
  viewerUri: string;
  authorUri: string;
  /** "1" when the viewer sees the author's followers-only posts (followsAuthor). */
  follower: string;
  /** "1" when a hashtag was asked for; then `tagged`, lower-cased without '#'. */
  hasTag: string;
  tagged: string;
  /** The page's filters that pick the form: only_media, exclude_replies, exclude_reblogs ("1" or ""). */
  media: string;
  noReplies: string;
  noReblogs: string;
};

/** An account's statuses: a form per viewer or nobody, follower or not, and filters asked for. */
export const profilePageIds = preparedPage(
  (db, a: ProfileArgs, form: ReturnType<typeof profileForm>) =>
    profileRows(
      { db },
      form.viewer ? { id: a.viewerId, uri: a.viewerUri } : null,
      a.authorUri,
      form.follower,
      {
        onlyMedia: form.onlyMedia,
        excludeReplies: form.excludeReplies,
        excludeReblogs: form.excludeReblogs,
        tagged: form.tagged ? a.tagged : undefined,
      },
    ),
  (a: ProfileArgs) => profileForm(a),
  POST_COLUMNS,
);

function profileForm(a: ProfileArgs) {
  return {
    viewer: a.viewerId !== "",
    follower: a.follower === "1",
    onlyMedia: a.media === "1",
    excludeReplies: a.noReplies === "1",
    excludeReblogs: a.noReblogs === "1",
    tagged: a.hasTag === "1",
  };
}

/** A member's bookmarks (one form): by the bookmarked post's id. */
export const bookmarkPageIds = preparedPage(
  (db, a: { viewerId: string; viewerUri: string }) =>
    bookmarksSource({ db } as SocialContext, { id: a.viewerId, uri: a.viewerUri }),
  () => "bookmarks",
);

/** A member's favourites (one form): by the like's id, with the posts' columns. */
export const favouritePageIds = preparedPage(
  (db, a: { viewerId: string; viewerUri: string }) =>
    favouritesSource({ db } as SocialContext, { id: a.viewerId, uri: a.viewerUri }),
  () => "favourites",
  POST_COLUMNS,
);
