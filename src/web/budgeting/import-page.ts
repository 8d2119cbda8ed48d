/**
 * Loading a past election from a Pabulib file (.pb) into a group: a form for a
 * group's moderators (upload or pasted text); the file becomes an imported
 * process in its results phase, the worker counts it, and the answer goes to
 * its results page. A file that cannot be read re-renders the form with 422 and
 * the reader's line and problem; nothing is written.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import { type ImportPbProblem, importPb } from "../../governance/budgeting/processes/pb-files.ts";
import { IMPORT_LIMITS } from "../../governance/budgeting/processes/pb-mapping.ts";
import { findGroup } from "../../groups/groups.ts";
import { InputError } from "../../kernel/errors.ts";
import { memberUri } from "../../kernel/uris.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, errorSummary, field, refuseUnsafeNames } from "../forms.ts";
import type { GroupsDeps } from "../groups/render.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import { layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { safeUrl } from "../safe-url.ts";
import { requireViewer } from "../session.ts";

const t = (c: Context<WebEnv>) => c.get("t");

function problemText(c: Context<WebEnv>, reason: ImportPbProblem | "empty"): string {
  if (reason.startsWith("file-invalid:"))
    return t(c)("pbvote.import.problem.file-invalid", {
      detail: reason.slice("file-invalid:".length),
    });
  return t(c)(`pbvote.import.problem.${reason}` as MessageKey);
}

export function importPages(deps: GroupsDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const ctx = {
    db: deps.db,
    origin: deps.config.origin,
    domain: deps.config.domain,
    clock: deps.clock,
  };

  const form = (
    c: Context<WebEnv>,
    group: string,
    error: string | null,
    status: 200 | 403 | 422,
  ) => {
    const title = t(c)("pbvote.import.title");
    const body = html`<p><a href="/budgets">← /budgets</a></p><h1>${title}</h1>
      <p>${t(c)("pbvote.import.lead")}</p>
      ${error ? errorSummary(c, {}, error) : ""}
      <form method="post" action="${safeUrl("/budgets/import")}" enctype="multipart/form-data">
        ${csrfField(c)}
        ${field({ name: "group", label: t(c)("pbvote.import.group"), value: group, required: true, maxlength: 100 })}
        ${field({ name: "file", label: t(c)("pbvote.import.file"), type: "file", accept: ".pb,text/plain" })}
        ${field({ name: "text", label: t(c)("pbvote.import.text"), type: "textarea" })}
        <p><button type="submit">${t(c)("pbvote.import.send")}</button></p>
      </form>`;
    return c.html(layout(c, title, body), status);
  };

  app.get("/budgets/import", (c) => {
    requireViewer(c);
    return form(c, (c.req.query("group") ?? "").slice(0, 100), null, 200);
  });

  app.post("/budgets/import", async (c) => {
    const viewer = requireViewer(c);
    const body = await c.req.parseBody();
    refuseUnsafeNames(c, body);
    const name = typeof body.group === "string" ? body.group.trim() : "";
    let text = typeof body.text === "string" ? body.text : "";
    const file = body.file;
    if (file instanceof File && file.size > 0) {
      if (file.size > IMPORT_LIMITS.bytes)
        return form(c, name, problemText(c, "file-too-large"), 422);
      text = await file.text();
    }
    if (text.trim() === "") return form(c, name, problemText(c, "empty"), 422);
    const group = await findGroup(deps.db, name);
    if (!group) return form(c, name, problemText(c, "not-found"), 422);
    const voter = { uri: memberUri(deps.config.origin, viewer.username), accountId: viewer.id };
    const done = await importPb(ctx, voter, group.id, text);
    if (!done.ok) {
      if (done.reason === "forbidden") throw new InputError(problemText(c, "forbidden"), 403);
      return form(c, name, problemText(c, done.reason), 422);
    }
    return redirectHere(c, `/budgets/${done.value.id}/results`, 303);
  });

  return app;
}
