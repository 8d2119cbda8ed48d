/**
 * The client API's busiest timelines as pages of ids with their posts' stamps and
 * counts (status-json.ts reads them), their queries built and compiled once per
 * form (social/pager.ts preparedPage): building a page's query with Kysely cost
 * more than a tenth of a home timeline's CPU.
 */
import { preparedPage } from "../social/pager.ts";
import { homeSource, publicSource } from "../social/timelines.ts";
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
