/** Pieces the groups pages share: looking a group up, the viewer's standing, small widgets. */
import type { Context } from "hono";
import { html } from "hono/html";
import type { Config } from "../../config.ts";
import type { Db } from "../../db/database.ts";
import type { FederationGateway } from "../../federation/index.ts";
import type { GroupsContext } from "../../groups/context.ts";
import { findGroup, type Group } from "../../groups/groups.ts";
import { standingOf } from "../../groups/memberships.ts";
import type { Clock } from "../../kernel/clock.ts";
import { InputError } from "../../kernel/errors.ts";
import { memberPrefix } from "../../kernel/uris.ts";
import type { WebEnv } from "../context.ts";
import { csrfField } from "../forms.ts";
import type { Html } from "../layout.ts";
import { safeUrl } from "../safe-url.ts";

export interface GroupsDeps {
  db: Db["db"];
  config: Pick<Config, "origin" | "domain" | "dataDir" | "s3">;
  federation: FederationGateway;
  clock: Clock;
  /**
   * Drawn above a thread's posts: the decision the thread carries, if any
   * (web/decisions/pages.ts). A hook, so groups' pages need not know decisions.
   */
  threadHead?: (c: Context<WebEnv>, group: Group, threadId: string) => Promise<Html | "">;
  /** The same for a thread of a group elsewhere (web/decision-federation/pages.ts). */
  remoteThreadHead?: (c: Context<WebEnv>, threadId: string) => Promise<Html | "">;
}

export const groupsContext = (deps: GroupsDeps): GroupsContext => ({
  db: deps.db,
  origin: deps.config.origin,
  domain: deps.config.domain,
  clock: deps.clock,
});

/** The group named in the path, or 404. */
export async function groupFromPath(c: Context<WebEnv>, deps: GroupsDeps): Promise<Group> {
  const name = c.req.param("name") ?? "";
  const group = await findGroup(deps.db, name);
  if (!group) throw new InputError(c.get("t")("error.notFound"), 404);
  return group;
}

/** The signed-in viewer's standing in the group (none for visitors). */
export async function viewerStanding(c: Context<WebEnv>, deps: GroupsDeps, group: Group) {
  const viewer = c.get("viewer");
  if (!viewer) return { status: null, role: null } as const;
  return standingOf(deps.db, deps.config.origin, group, viewer);
}

export function postButton(
  c: Context<WebEnv>,
  action: string,
  label: string,
  options: { kind?: string; fields?: Record<string, string> } = {},
): Html {
  return html`<form method="post" action="${safeUrl(action)}" class="inline">
    ${csrfField(c)}${Object.entries(options.fields ?? {}).map(
      ([k, v]) => html`<input type="hidden" name="${k}" value="${v}" />`,
    )}
    <button type="submit"${options.kind ? html` class="${options.kind}"` : ""}>${label}</button>
  </form>`;
}

export function groupsNav(c: Context<WebEnv>): Html {
  const t = c.get("t");
  const viewer = c.get("viewer");
  return html`<nav class="groups-nav" aria-label="${t("groups.title")}"><ul>
    <li><a href="/groups">${t("groups.title")}</a></li>
    ${viewer ? html`<li><a href="/groups/new">${t("groups.new")}</a></li>` : ""}
    ${viewer ? html`<li><a href="/groups/elsewhere">${t("groups.elsewhere")}</a></li>` : ""}
    ${viewer?.role === "admin" ? html`<li><a href="/groups/federations">${t("groups.federations")}</a></li>` : ""}
  </ul></nav>`;
}

/** The assembly's name, made by the migration in English, reads in the page's language. */
export function groupName(c: Context<WebEnv>, group: Pick<Group, "kind" | "display_name">): string {
  return group.kind === "assembly" && group.display_name === "Assembly"
    ? c.get("t")("groups.kind.assembly")
    : group.display_name;
}

/** Where a form's outcome is shown: ?done=… on the page it returns to. */
export const doneQuery = (text: string) => `?${new URLSearchParams({ done: text })}`;

/** How to show authors: @name for members here, @user@host for others (when known). */
export async function authorHandles(
  deps: GroupsDeps,
  uris: string[],
): Promise<(uri: string) => string> {
  const prefix = memberPrefix(deps.config.origin);
  const remote = [...new Set(uris.filter((u) => !u.startsWith(prefix)))];
  const rows = remote.length
    ? await deps.db
        .selectFrom("remote_actors")
        .select(["uri", "handle"])
        .where("uri", "in", remote)
        .execute()
    : [];
  const known = new Map(rows.map((r) => [r.uri, `@${r.handle}`]));
  return (uri) =>
    uri.startsWith(prefix)
      ? `@${uri.slice(prefix.length)}`
      : (known.get(uri) ?? uri.replace(/^https?:\/\//, ""));
}
