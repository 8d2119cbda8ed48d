/**
 * Reports of a group's posts on its management page (groups/reports.ts): each
 * with who reported, why, and the posts themselves (the social card, hidden ones
 * included for moderators), and three answers — hide the thread, delete the post,
 * dismiss. Only the group's moderators and admins see or settle them (403 otherwise);
 * the co-op's moderators see the same reports on /moderation, as before.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import type { Group } from "../../groups/groups.ts";
import { groupReports, type ReportAction, settleGroupReport } from "../../groups/reports.ts";
import { InputError } from "../../kernel/errors.ts";
import { memberUri } from "../../kernel/uris.ts";
import { visiblePosts } from "../../social/views.ts";
import type { Viewer, WebEnv } from "../context.ts";
import { readForm } from "../forms.ts";
import type { Html } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { requireViewer } from "../session.ts";
import { isPostId } from "../social/deps.ts";
import { postCard } from "../social/render.ts";
import { timeTag } from "../time.ts";
import {
  authorHandles,
  doneQuery,
  type GroupsDeps,
  groupFromPath,
  groupsContext,
  postButton,
} from "./render.ts";

const actions: ReportAction[] = ["hide", "delete", "dismiss"];

/** The open reports of the group, for its moderators ("" for anyone else). */
export async function reportsSection(
  c: Context<WebEnv>,
  deps: GroupsDeps,
  group: Group,
  viewer: Viewer,
): Promise<Html | string> {
  const t = c.get("t");
  const s = groupsContext(deps);
  const reports = await groupReports(s, group, viewer);
  if (!reports.ok) return "";
  const posts = await visiblePosts(
    s,
    { id: viewer.id, uri: memberUri(deps.config.origin, viewer.username) },
    reports.value.flatMap((r) => r.postIds),
  );
  const handle = await authorHandles(
    deps,
    reports.value.flatMap((r) => [r.reporterUri, r.targetUri]),
  );
  const label = {
    hide: t("groups.reports.hide"),
    delete: t("groups.reports.delete"),
    dismiss: t("groups.reports.dismiss"),
  };
  return html`<section aria-labelledby="rep-h"><h2 id="rep-h">${t("groups.reports")}</h2>
    ${reports.value.length === 0 ? html`<p>${t("groups.reports.none")}</p>` : ""}
    <ul class="reports group-reports">${reports.value.map((r) => {
      const shown = posts.filter((p) => r.postIds.includes(p.id));
      return html`<li class="card">
        <p><strong>${t("groups.reports.by", { reporter: handle(r.reporterUri), target: handle(r.targetUri) })}</strong>
          <span class="muted"> · ${timeTag(c.get("locale"), r.createdAt)}</span></p>
        <blockquote>${r.comment}</blockquote>
        ${shown.length ? shown.map((p) => postCard(c, p, { groupModerator: true })) : html`<p class="muted">${t("groups.reports.gone")}</p>`}
        <div class="actions">${actions
          .filter((a) => a === "dismiss" || shown.length > 0)
          .map((a) =>
            postButton(c, `/groups/${group.name}/reports/${r.id}`, label[a], {
              kind: a === "dismiss" ? "secondary" : a === "delete" ? "danger" : "",
              fields: { action: a },
            }),
          )}</div>
      </li>`;
    })}</ul></section>`;
}

export function groupReportPages(deps: GroupsDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const s = groupsContext(deps);

  app.post("/groups/:name/reports/:id", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const group = await groupFromPath(c, deps);
    const action = (await readForm(c)).action as ReportAction;
    if (!actions.includes(action)) throw new InputError(t("groups.error.invalid"), 422);
    const id = c.req.param("id");
    if (!isPostId(id)) throw new InputError(t("error.notFound"), 404);
    const result = await settleGroupReport(s, group, id, viewer, action);
    if (!result.ok)
      throw new InputError(
        t(result.reason === "forbidden" ? "groups.manage.forbidden" : "error.notFound"),
        result.reason === "forbidden" ? 403 : 404,
      );
    return redirectHere(
      c,
      `/groups/${group.name}/manage${doneQuery(t("groups.reports.done"))}`,
      303,
    );
  });

  return app;
}
