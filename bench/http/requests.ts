/**
 * The requests of the HTTP bench, on Synco and, where GoToSocial answers the same
 * request, on GoToSocial (its actor document needs a signed request: not compared;
 * it has no web home page).
 */
import type { GtsNode } from "./gotosocial.ts";
import type { Seeded } from "./seed.ts";

export interface Request {
  key: string;
  label: string;
  path: string;
  headers?: Record<string, string>;
  /** At 1 connection: the time one request takes at the server (the loop adds ~0.1 ms). */
  single?: boolean;
}

const ONLY = process.env.BENCH_ONLY?.split(",");
const only = (all: Request[]) => all.filter((r) => !ONLY || ONLY.includes(r.key));

const page = (s: { statusId: string; accountId: string }, auth: Record<string, string>) => [
  { key: "instance", label: "GET /api/v1/instance", path: "/api/v1/instance" },
  {
    key: "home",
    label: "home timeline, 40",
    path: "/api/v1/timelines/home?limit=40",
    headers: auth,
  },
  {
    key: "local",
    label: "local timeline, 40",
    path: "/api/v1/timelines/public?local=true&limit=40",
  },
  { key: "public", label: "public timeline, 40", path: "/api/v1/timelines/public?limit=40" },
  { key: "status", label: "a status", path: `/api/v1/statuses/${s.statusId}`, headers: auth },
  { key: "account", label: "an account", path: `/api/v1/accounts/${s.accountId}`, headers: auth },
  {
    key: "account-statuses",
    label: "its statuses, 40",
    path: `/api/v1/accounts/${s.accountId}/statuses?limit=40`,
    headers: auth,
  },
  {
    key: "notifications",
    label: "notifications, 40",
    path: "/api/v1/notifications?limit=40",
    headers: auth,
  },
];

export const syncoRequests = (s: Seeded, host: string): Request[] => {
  const auth = { authorization: `Bearer ${s.token}` };
  return only([
    {
      key: "webfinger",
      label: "WebFinger",
      path: `/.well-known/webfinger?resource=acct:m1@${host}`,
    },
    {
      key: "actor",
      label: "actor document",
      path: "/users/m1",
      headers: { accept: "application/activity+json" },
    },
    { key: "nodeinfo", label: "NodeInfo 2.1", path: "/nodeinfo/2.1" },
    ...page(s, auth),
    // Not in GoToSocial's comparison: the other timelines an app reads.
    {
      key: "tag",
      label: "tag timeline, 40",
      path: "/api/v1/timelines/tag/bread?limit=40",
      headers: auth,
    },
    { key: "bookmarks", label: "bookmarks, 40", path: "/api/v1/bookmarks?limit=40", headers: auth },
    {
      key: "favourites",
      label: "favourites, 40",
      path: "/api/v1/favourites?limit=40",
      headers: auth,
    },
    {
      key: "statuses-by-id",
      label: "statuses by id (1)",
      path: `/api/v1/statuses?id[]=${s.statusId}`,
      headers: auth,
    },
    {
      key: "web-home",
      label: "web home page (/social)",
      path: "/social",
      headers: { cookie: s.cookie },
    },
    {
      key: "web-home-1",
      label: "web home page, 1 connection",
      path: "/social",
      headers: { cookie: s.cookie },
      single: true,
    },
    {
      key: "web-notifications-1",
      label: "web notifications page, 1 connection",
      path: "/notifications",
      headers: { cookie: s.cookie },
      single: true,
    },
  ]);
};

export const gtsRequests = (g: GtsNode): Request[] =>
  only([
    {
      key: "webfinger",
      label: "WebFinger",
      path: `/.well-known/webfinger?resource=acct:${g.viewer}@${g.domain}`,
    },
    { key: "nodeinfo", label: "NodeInfo 2.1", path: "/nodeinfo/2.1" },
    ...page(g, { authorization: `Bearer ${g.token}` }),
  ]);
