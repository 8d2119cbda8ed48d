/**
 * Settings → Moving (the accounts this one moves from; moving away) and
 * Settings → Import (Mastodon's CSV files). Looking accounts up needs federation,
 * loaded on demand (the move's target is read fresh: its alsoKnownAs must name us);
 * an import's rows are resolved by the worker, never in the request.
 */
import { type Context, Hono } from "hono";
import { html } from "hono/html";
import type { Kysely } from "kysely";
import { confirmPassword } from "../../accounts/password-checks.ts";
import type { RateLimiter } from "../../accounts/rate-limits.ts";
import type { Config } from "../../config.ts";
import type { ImportKind, ImportMode } from "../../db/schema/moving.ts";
import type { Schema } from "../../db/schema.ts";
import type { FederationGateway } from "../../federation/index.ts";
import { aliasUri } from "../../federation/moving/alias.ts";
import type { Clock } from "../../kernel/clock.ts";
import { memberUri } from "../../kernel/uris.ts";
import { addAlias, aliasesOf, removeAlias } from "../../moving/aliases.ts";
import { MAX_ARCHIVE_BYTES, MAX_ARCHIVE_ITEMS, parseOutbox } from "../../moving/archive.ts";
import { MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, parseImport } from "../../moving/csv.ts";
import { importHistory } from "../../moving/history.ts";
import { createImport, importsOf } from "../../moving/imports.ts";
import { type MoveProblem, moveAway, movedToView } from "../../moving/moves.ts";
import { MAX_ALIASES } from "../../moving/rules.ts";
import { tooManyAttempts } from "../accounts/deps.ts";
import { settingsLayout } from "../accounts/settings.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, errorSummary, type FieldErrors, field, notice, readForm } from "../forms.ts";
import type { MessageKey } from "../i18n/en/index.ts";
import { redirectHere } from "../redirect.ts";
import { safeUrl } from "../safe-url.ts";
import { currentSessionId, requireViewer } from "../session.ts";

export interface MovingDeps {
  db: Kysely<Schema>;
  config: Config;
  federation: FederationGateway;
  limiter: RateLimiter;
  clock: Clock;
}

const KINDS: readonly ImportKind[] = ["following", "blocks", "mutes", "bookmarks", "lists"];
const MODES: readonly ImportMode[] = ["merge", "overwrite"];
const MOVE_PROBLEMS: Record<MoveProblem, MessageKey> = {
  self: "moving.targetSelf",
  "not-aliased": "moving.notAliased",
  "target-moved": "moving.targetMoved",
  "moved-recently": "moving.movedRecently",
};
const size = `${MAX_IMPORT_BYTES / 1024 / 1024} MiB`;
const archiveSize = `${MAX_ARCHIVE_BYTES / 1024 / 1024} MiB`;

export function movingPages(deps: MovingDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const s = {
    db: deps.db,
    origin: deps.config.origin,
    domain: deps.config.domain,
    clock: deps.clock,
  };

  async function movingPage(
    c: Context<WebEnv>,
    errors: { alias?: FieldErrors; move?: FieldErrors } = {},
    status: 200 | 404 | 422 | 429 = 200,
  ) {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const aliases = await aliasesOf(deps.db, viewer.id);
    const moved = await movedToView(s, memberUri(deps.config.origin, viewer.username));
    const body = html`<p>${t("moving.lead")}</p>
      ${notice(c.req.query("done")?.slice(0, 300))}
      ${moved ? html`<p class="notice" role="status">${t("moving.moved")} <a href="${safeUrl(moved.uri)}">${moved.handle}</a></p>` : ""}
      <h3>${t("moving.from")}</h3>
      <p>${t("moving.fromLead")}</p>
      ${
        aliases.length === 0
          ? html`<p class="muted">${t("moving.aliasesNone")}</p>`
          : html`<ul aria-label="${t("moving.aliases")}">${aliases.map(
              (a) => html`<li><a href="${safeUrl(a)}">${a}</a>
                <form method="post" action="/settings/moving/aliases/remove" class="inline">${csrfField(c)}
                  <input type="hidden" name="alias" value="${a}" /><button type="submit" class="link">${t("moving.aliasRemove")}</button></form></li>`,
            )}</ul>`
      }
      <form method="post" action="/settings/moving/aliases" class="stack">
        ${csrfField(c)}${errorSummary(c, errors.alias ?? {})}
        ${field({ name: "alias", label: t("moving.alias"), hint: t("moving.aliasHint"), error: errors.alias?.alias, required: true, maxlength: 500, autocomplete: "off" })}
        <div><button type="submit">${t("moving.aliasAdd")}</button></div>
      </form>
      <h3>${t("moving.to")}</h3>
      <p>${t("moving.toLead")}</p>
      <form method="post" action="/settings/moving/move" class="stack">
        ${csrfField(c)}${errorSummary(c, errors.move ?? {})}
        ${field({ name: "target", label: t("moving.target"), hint: t("moving.targetHint"), error: errors.move?.target, required: true, maxlength: 500, autocomplete: "off" })}
        ${field({ name: "password", label: t("moving.password"), type: "password", error: errors.move?.password, required: true, autocomplete: "current-password" })}
        <div><button type="submit" class="danger">${t("moving.submit")}</button></div>
      </form>`;
    return settingsLayout(c, "/settings/moving", body, status);
  }

  app.get("/settings/moving", (c) => movingPage(c));

  app.post("/settings/moving/aliases", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const form = await readForm(c);
    const query = (form.alias ?? "").trim().slice(0, 500);
    const fail = (message: string) => movingPage(c, { alias: { alias: message } }, 422);
    if (!query) return fail(t("moving.aliasUnknown"));
    const uri = await aliasUri(deps, query);
    if (!uri) return fail(t("moving.aliasUnknown"));
    const result = await addAlias(s, viewer, uri);
    if (!result.ok)
      return fail(
        result.reason === "too-many"
          ? t("moving.aliasTooMany", { n: String(MAX_ALIASES) })
          : result.reason === "self"
            ? t("moving.aliasSelf")
            : t("moving.aliasUnknown"),
      );
    // Peers fetch the actor next: drop this process's cached copy now.
    deps.federation.deps.invalidate();
    return redirectHere(
      c,
      `/settings/moving?${new URLSearchParams({ done: t("moving.aliasAdded") })}`,
      303,
    );
  });

  app.post("/settings/moving/aliases/remove", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const form = await readForm(c);
    if (!(await removeAlias(s, viewer, (form.alias ?? "").slice(0, 2000))))
      return movingPage(c, { alias: { alias: t("moving.aliasNotFound") } }, 404);
    deps.federation.deps.invalidate();
    return redirectHere(
      c,
      `/settings/moving?${new URLSearchParams({ done: t("moving.aliasRemoved") })}`,
      303,
    );
  });

  app.post("/settings/moving/move", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const form = await readForm(c);
    const query = (form.target ?? "").trim().slice(0, 500);
    const verdict = await confirmPassword(
      deps.db,
      viewer.id,
      (form.password ?? "").slice(0, 2000),
      // A wrong password is a guess, charged to this session (accounts/password-checks.ts).
      { limiter: deps.limiter, sessionId: currentSessionId(c) ?? `account:${viewer.id}` },
    );
    if (typeof verdict === "object")
      return movingPage(c, { move: { password: tooManyAttempts(c, verdict.retryAfterMs) } }, 429);
    const errors: FieldErrors = {};
    if (verdict === "wrong") errors.password = t("password.wrong");
    if (!query) errors.target = t("moving.targetUnknown");
    if (Object.keys(errors).length > 0) return movingPage(c, { move: errors }, 422);
    const runtime = await deps.federation.load();
    const { moveTargetByQuery } = await import("../../federation/moving/target.ts");
    const ctx = runtime.federation.createContext(new URL(deps.config.origin));
    const target = await moveTargetByQuery(ctx, deps.federation.deps, query).catch(() => null);
    if (!target) return movingPage(c, { move: { target: t("moving.targetUnknown") } }, 422);
    const result = await moveAway(s, viewer, target.view);
    if (!result.ok)
      return movingPage(c, { move: { target: t(MOVE_PROBLEMS[result.reason]) } }, 422);
    deps.federation.deps.invalidate();
    return redirectHere(
      c,
      `/settings/moving?${new URLSearchParams({ done: t("moving.movedDone", { target: target.view.uri }) })}`,
      303,
    );
  });

  async function importPage(
    c: Context<WebEnv>,
    errors: FieldErrors = {},
    status: 200 | 422 = 200,
    archiveErrors: FieldErrors = {},
  ) {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const imports = await importsOf(deps.db, viewer.id);
    const body = html`<p>${t("moving.importLead")}</p>
      ${notice(c.req.query("done")?.slice(0, 300))}
      <form method="post" action="/settings/import" enctype="multipart/form-data" class="stack">
        ${csrfField(c)}${errorSummary(c, errors)}
        <div class="field">
          <label for="f-kind">${t("moving.kind")}</label>
          <select id="f-kind" name="kind"${errors.kind ? html` aria-invalid="true" aria-describedby="f-kind-error"` : ""}>${KINDS.map((k) => html`<option value="${k}">${t(`moving.kind.${k}`)}</option>`)}</select>
          ${errors.kind ? html`<p class="field-error" id="f-kind-error">${errors.kind}</p>` : ""}
        </div>
        <fieldset><legend>${t("moving.mode")}</legend>
          ${MODES.map((m) => html`<label><input type="radio" name="mode" value="${m}"${m === "merge" ? html` checked` : ""} /> ${t(`moving.mode.${m}`)}</label>`)}
          ${errors.mode ? html`<p class="field-error">${errors.mode}</p>` : ""}
        </fieldset>
        ${field({ name: "file", label: t("moving.file"), type: "file", accept: ".csv,text/csv", hint: t("moving.fileHint", { size, rows: String(MAX_IMPORT_ROWS) }), error: errors.file, required: true })}
        <div><button type="submit">${t("moving.importSubmit")}</button></div>
      </form>
      <h3>${t("moving.archive")}</h3>
      <p>${t("moving.archiveLead")}</p>
      <form method="post" action="/settings/import/posts" enctype="multipart/form-data" class="stack">
        ${csrfField(c)}${errorSummary(c, archiveErrors)}
        ${field({ name: "outbox", label: t("moving.archiveFile"), type: "file", accept: ".json,application/json,application/activity+json", hint: t("moving.archiveHint", { size: archiveSize, items: String(MAX_ARCHIVE_ITEMS) }), error: archiveErrors.outbox, required: true })}
        <div><button type="submit">${t("moving.archiveSubmit")}</button></div>
      </form>
      <h3>${t("moving.imports")}</h3>
      ${
        imports.length === 0
          ? html`<p class="muted">${t("moving.importsNone")}</p>`
          : html`<ul>${imports.map(
              (i) =>
                html`<li>${t("moving.importRow", {
                  kind: t(`moving.kind.${i.kind}`),
                  mode: t(`moving.mode.${i.mode}`).split(":")[0] ?? i.mode,
                  done: String(i.done_rows),
                  total: String(i.total_rows),
                  failed: String(i.failed_rows),
                })} <span class="badge">${t(`moving.state.${i.state}`)}</span></li>`,
            )}</ul>`
      }`;
    return settingsLayout(c, "/settings/import", body, status);
  }

  app.get("/settings/import", (c) => importPage(c));

  app.post("/settings/import", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const body = await c.req.parseBody();
    const kind = KINDS.find((k) => k === body.kind);
    const mode = MODES.find((m) => m === body.mode);
    const file = body.file;
    const errors: FieldErrors = {};
    if (!kind) errors.kind = t("moving.bad.kind");
    if (!mode) errors.mode = t("moving.bad.mode");
    if (!(file instanceof File) || file.size === 0) errors.file = t("moving.bad.file");
    else if (file.size > MAX_IMPORT_BYTES) errors.file = t("moving.bad.too-large", { size });
    if (!kind || !mode || !(file instanceof File) || errors.file) return importPage(c, errors, 422);
    const parsed = parseImport(kind, new Uint8Array(await file.arrayBuffer()));
    if (!parsed.ok) {
      const line = "line" in parsed ? String(parsed.line) : "";
      return importPage(
        c,
        {
          file: t(`moving.bad.${parsed.problem}`, { size, rows: String(MAX_IMPORT_ROWS), line }),
        },
        422,
      );
    }
    const made = await createImport(s, viewer, { kind, mode, rows: parsed.rows });
    if (!made.ok) return importPage(c, { file: t("moving.bad.import-in-progress") }, 422);
    return redirectHere(
      c,
      `/settings/import?${new URLSearchParams({ done: t("moving.imported", { n: String(parsed.rows.length) }) })}`,
      303,
    );
  });

  app.post("/settings/import/posts", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const body = await c.req.parseBody();
    const file = body.outbox;
    const bad = (message: string) => importPage(c, {}, 422, { outbox: message });
    if (!(file instanceof File) || file.size === 0) return bad(t("moving.bad.file"));
    const vars = { size: archiveSize, items: String(MAX_ARCHIVE_ITEMS) };
    if (file.size > MAX_ARCHIVE_BYTES) return bad(t("moving.archiveBad.too-large", vars));
    const parsed = parseOutbox(new Uint8Array(await file.arrayBuffer()), deps.clock.now());
    if (!parsed.ok) return bad(t(`moving.archiveBad.${parsed.problem}`, vars));
    const done = await importHistory(s, viewer, parsed.posts);
    if (!done.ok) return bad(t(`moving.archiveBad.${done.reason}`));
    const text = t("moving.archived", {
      n: String(done.value.count),
      skipped: String(parsed.skipped),
    });
    return redirectHere(c, `/settings/import?${new URLSearchParams({ done: text })}`, 303);
  });

  return app;
}
