/**
 * The opsroom pages (issue 21): a group's board at /groups/{name}/opsroom (for
 * a federation also its member co-ops, one co-op drilled down, and the
 * escalations), defining indicators and the settings (managers), an indicator
 * at /opsroom/indicators/{id} with its chart and reports by form or CSV, an
 * alarm at /opsroom/alarms/{id} and an escalation at /opsroom/escalations/{id}
 * with the acts on them. Members of the group see; its managers act. Bad input
 * re-renders with 422 and writes nothing.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import {
  actOnAlarm,
  actOnEscalation,
  alarmsOf,
  falseAlarmRate,
  findAlarm,
  findEscalation,
  notesOf,
} from "../../economy/opsroom/alarms.ts";
import { isLate } from "../../economy/opsroom/beer.ts";
import {
  escalationsOf,
  federationBoard,
  groupBoard,
  memberIndicators,
} from "../../economy/opsroom/board.ts";
import {
  canManageOpsroom,
  canViewOpsroom,
  defineIndicator,
  findIndicator,
  type Indicator,
} from "../../economy/opsroom/indicators.ts";
import { setAlarmMail, wantsAlarmMail } from "../../economy/opsroom/mail.ts";
import { changeSettings, coopFederations, settingsOf } from "../../economy/opsroom/settings.ts";
import { alarmUri, escalationUri, opsroomPath } from "../../economy/opsroom/uris.ts";
import { reportValues, valuesOf } from "../../economy/opsroom/values.ts";
import { findGroup, findGroupById, type Group } from "../../groups/groups.ts";
import { InputError } from "../../kernel/errors.ts";
import type { WebEnv } from "../context.ts";
import { csrfField, type FieldErrors, notice, readForm } from "../forms.ts";
import { layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { safeUrl } from "../safe-url.ts";
import { requireViewer } from "../session.ts";
import { opsroomHead } from "./assets.ts";
import { formatNumber } from "./chart.ts";
import { type OpsroomDeps, opsroomContext } from "./deps.ts";
import { parseActionForm, parseDefineForm, parseSettingsForm, reportFromUpload } from "./forms.ts";
import {
  alarmBody,
  boardList,
  defineForm,
  escalationsTable,
  indicatorBody,
  membersTable,
  settingsForm,
} from "./views.ts";

type C = Context<WebEnv>;
const page = (c: C, title: string, body: ReturnType<typeof html>, status: 200 | 422 = 200) =>
  c.html(layout(c, title, body, { head: opsroomHead }), status);

export function opsroomPages(deps: OpsroomDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const origin = deps.config.origin;
  const notFound = (c: C) => new InputError(c.get("t")("error.notFound"), 404);

  /** The group of the path, if the viewer may see its opsroom (else 404: no telling it exists). */
  async function groupFor(c: C, group: Group | undefined): Promise<Group> {
    const viewer = requireViewer(c);
    if (!group || !(await canViewOpsroom(deps.db, origin, group, viewer))) throw notFound(c);
    return group;
  }
  const managing = async (c: C, group: Group) =>
    canManageOpsroom(deps.db, origin, group, c.get("viewer"));
  async function indicatorFor(c: C): Promise<{ indicator: Indicator; group: Group }> {
    const indicator = await findIndicator(deps.db, c.req.param("id") ?? "");
    const group = await groupFor(
      c,
      indicator && (await findGroupById(deps.db, indicator.group_id)),
    );
    return { indicator: indicator as Indicator, group };
  }

  async function showBoard(
    c: C,
    group: Group,
    values: Record<string, string> = {},
    errors: FieldErrors = {},
  ) {
    const t = c.get("t");
    const now = deps.clock.now();
    const manager = await managing(c, group);
    const path = opsroomPath(group.name);
    const federation =
      group.kind === "federation"
        ? html`<h2>${t("ops.members.title")}</h2>${membersTable(c, group, await federationBoard(deps.db, group.id))}
          <h2>${t("ops.escalations.title")}</h2>${escalationsTable(c, await escalationsOf(deps.db, group.id))}`
        : "";
    const body = html`<h1>${t("ops.board.of", { group: group.display_name || group.name })}</h1>
      <p class="lead">${t("ops.lead")}</p>
      <p><a href="${safeUrl(`${path}/wall`)}">${t("ops.wall.link")}</a>${manager ? html` · <a href="${safeUrl(`${path}/settings`)}">${t("ops.settings.title")}</a>` : ""}</p>
      <h2>${t("ops.board.indicators")}</h2>
      ${boardList(c, await groupBoard(deps.db, group.id, now))}
      ${federation}
      ${manager ? defineForm(c, group, values, errors) : ""}`;
    return page(
      c,
      t("ops.board.of", { group: group.display_name || group.name }),
      body,
      Object.keys(errors).length ? 422 : 200,
    );
  }

  app.get("/opsroom", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const groups = await deps.db
      .selectFrom("groups")
      .selectAll()
      .where("kind", "in", ["assembly", "working_group", "federation"])
      .orderBy("name")
      .limit(500)
      .execute();
    const mine: Group[] = [];
    for (const g of groups) if (await canViewOpsroom(deps.db, origin, g, viewer)) mine.push(g);
    const mailOn = await wantsAlarmMail(deps.db, viewer.id);
    const body = html`<h1>${t("ops.title")}</h1><p class="lead">${t("ops.lead")}</p>
      ${notice(c.req.query("done") ? t("ops.mail.saved") : undefined)}
      <ul>${mine.map((g) => html`<li><a href="${safeUrl(opsroomPath(g.name))}">${g.display_name || g.name}</a></li>`)}</ul>
      <h2>${t("ops.mail.title")}</h2>
      <form method="post" action="/opsroom/mail" class="stack">${csrfField(c)}
        <div class="field"><label><input type="checkbox" name="mail" value="on"${mailOn ? html` checked` : ""} /> ${t("ops.mail.label")}</label>
        <p class="hint">${t("ops.mail.hint")}</p></div>
        <div><button type="submit">${t("ops.mail.save")}</button></div></form>`;
    return page(c, t("ops.title"), body);
  });

  // The member's setting: alarm mail on (the default) or off. An unchecked box sends nothing.
  app.post("/opsroom/mail", async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    if (form.mail !== undefined && form.mail !== "on")
      throw new InputError(c.get("t")("ops.problem.invalid"), 422);
    await setAlarmMail(opsroomContext(deps), viewer.id, form.mail === "on");
    return redirectHere(c, "/opsroom?done=mail", 303);
  });

  app.get("/groups/:name/opsroom", async (c) =>
    showBoard(c, await groupFor(c, await findGroup(deps.db, c.req.param("name")))),
  );

  app.post("/groups/:name/opsroom/indicators", async (c) => {
    const viewer = requireViewer(c);
    const group = await groupFor(c, await findGroup(deps.db, c.req.param("name")));
    const t = c.get("t");
    const form = await readForm(c);
    const parsed = parseDefineForm(t, form);
    if (!parsed.ok) return showBoard(c, group, form, parsed.errors);
    const made = await defineIndicator(opsroomContext(deps), viewer, group, parsed.value);
    if (!made.ok) {
      if (made.reason === "forbidden") throw new InputError(t("ops.problem.forbidden"), 403);
      return showBoard(c, group, form, { name: t(`ops.problem.${made.reason}`) });
    }
    return redirectHere(c, `/opsroom/indicators/${made.value.id}`, 303);
  });

  app.get("/groups/:name/opsroom/coop", async (c) => {
    const group = await groupFor(c, await findGroup(deps.db, c.req.param("name")));
    const t = c.get("t");
    const coop = c.req.query("uri") ?? "";
    const rows = await memberIndicators(deps.db, group.id, coop);
    if (group.kind !== "federation" || rows.length === 0) throw notFound(c);
    const body = html`<p><a href="${safeUrl(opsroomPath(group.name))}">← ${t("ops.board.of", { group: group.display_name || group.name })}</a></p>
      <h1>${coop}</h1>
      <table class="figures"><caption>${t("ops.board.indicators")}</caption>
      <thead><tr><th scope="col">${t("ops.indicator")}</th><th scope="col">${t("ops.members.state")}</th><th scope="col">${t("ops.table.period")}</th><th scope="col">${t("ops.table.value")}</th></tr></thead>
      <tbody>${rows.map((r) => html`<tr><th scope="row">${r.name}</th><td><span class="ops-status ${r.status}">${t(`ops.status.${r.status}`)}</span>${isLate(r.frequency, r.last_period, r.updated_at, deps.clock.now()) ? html` <span class="ops-status late">${t("ops.late")}</span>` : ""}</td><td>${r.last_period ?? "—"}</td><td>${r.last_value === null ? t("ops.notShared") : `${formatNumber(r.last_value)} ${r.unit}`}</td></tr>`)}</tbody></table>`;
    return page(c, coop, body);
  });

  async function showSettings(c: C, group: Group, errors: FieldErrors = {}) {
    const body = settingsForm(
      c,
      group,
      await settingsOf(deps.db, group.id),
      await coopFederations(deps.db, origin),
      errors,
    );
    return page(c, c.get("t")("ops.settings.title"), body, Object.keys(errors).length ? 422 : 200);
  }
  async function managedGroup(c: C) {
    const group = await groupFor(c, await findGroup(deps.db, c.req.param("name") ?? ""));
    if (!(await managing(c, group))) throw new InputError(c.get("t")("ops.problem.forbidden"), 403);
    return group;
  }
  app.get("/groups/:name/opsroom/settings", async (c) => showSettings(c, await managedGroup(c)));
  app.post("/groups/:name/opsroom/settings", async (c) => {
    const group = await managedGroup(c);
    const t = c.get("t");
    const parsed = parseSettingsForm(t, await readForm(c));
    if (!parsed.ok) return showSettings(c, group, parsed.errors);
    const changed = await changeSettings(
      opsroomContext(deps),
      requireViewer(c),
      group,
      parsed.value,
    );
    if (!changed.ok)
      return showSettings(c, group, { parentUri: t(`ops.problem.${changed.reason}`) });
    return redirectHere(c, opsroomPath(group.name), 303);
  });

  async function showIndicator(
    c: C,
    values: Record<string, string> = {},
    errors: FieldErrors = {},
    message?: string,
  ) {
    const { indicator, group } = await indicatorFor(c);
    const points = await valuesOf(deps.db, indicator.id, 120);
    const alarms = await alarmsOf(deps.db, indicator.id);
    const body = indicatorBody(c, {
      group,
      indicator,
      points,
      alarms,
      falseRate: falseAlarmRate(alarms),
      late: isLate(
        indicator.frequency,
        indicator.last_period,
        indicator.created_at,
        deps.clock.now(),
      ),
      canReport: true,
      errors,
      values,
      ...(message ? { message } : {}),
    });
    return page(c, indicator.name, body, Object.keys(errors).length ? 422 : 200);
  }
  app.get("/opsroom/indicators/:id", async (c) => showIndicator(c));

  /** A report by form or CSV: the same capability call; a refusal names the line or field. */
  async function report(
    c: C,
    reports: { period: string; value: number }[],
    source: "form" | "csv",
    form: Record<string, string>,
    field: string,
  ) {
    const t = c.get("t");
    const { indicator } = await indicatorFor(c);
    const done = await opsroomContextReport(deps, requireViewer(c), indicator.id, reports, source);
    if (!done.ok) {
      const where =
        done.index !== undefined && source === "csv"
          ? ` (${t("ops.csv.line", { line: done.index + 2 })})`
          : "";
      return showIndicator(c, form, { [field]: `${t(`ops.problem.${done.reason}`)}${where}` });
    }
    const message =
      done.value.alarms.length > 0
        ? t("ops.report.alarm", { n: done.value.alarms.length })
        : t("ops.report.done", { n: done.value.values });
    return showIndicator(c, {}, {}, message);
  }
  app.post("/opsroom/indicators/:id/values", async (c) => {
    const t = c.get("t");
    const form = await readForm(c);
    const value = Number((form.value ?? "").trim().replace(",", "."));
    if ((form.value ?? "").trim() === "" || !Number.isFinite(value))
      return showIndicator(c, form, { value: t("ops.problem.bad-value") });
    return report(c, [{ period: (form.period ?? "").trim(), value }], "form", form, "period");
  });
  app.post("/opsroom/indicators/:id/csv", async (c) => {
    const parsed = await reportFromUpload(c);
    if (!parsed.ok) return showIndicator(c, {}, { file: parsed.error });
    return report(c, parsed.rows, "csv", {}, "file");
  });

  async function showAlarm(c: C, errors: FieldErrors = {}) {
    const t = c.get("t");
    const alarm = await findAlarm(deps.db, c.req.param("id") ?? "");
    const indicator = alarm && (await findIndicator(deps.db, alarm.indicator_id));
    const group = await groupFor(c, alarm && (await findGroupById(deps.db, alarm.group_id)));
    if (!alarm || !indicator) throw notFound(c);
    const body = alarmBody(c, {
      title: t("ops.alarm.title", { name: indicator.name, period: alarm.period }),
      back: { href: `/opsroom/indicators/${indicator.id}`, label: indicator.name },
      facts: [
        [t("ops.alarm.kind"), t(`ops.kind.${alarm.kind}`)],
        [t("ops.alarm.probability"), formatNumber(alarm.probability)],
        [t("ops.table.value"), `${formatNumber(alarm.value)} ${indicator.unit}`],
        [t("ops.table.band"), `${formatNumber(alarm.lower)} – ${formatNumber(alarm.upper)}`],
        [
          t("ops.alarm.level"),
          alarm.level > 0
            ? `${alarm.level}: ${JSON.parse(alarm.escalated_to).join(", ")}`
            : t("ops.alarm.ownGroup"),
        ],
      ],
      state: alarm.state,
      notes: await notesOf(deps.db, alarmUri(origin, alarm.id)),
      action: (await managing(c, group)) ? `/opsroom/alarms/${alarm.id}` : null,
      errors,
    });
    return page(c, indicator.name, body, Object.keys(errors).length ? 422 : 200);
  }
  async function showEscalation(c: C, errors: FieldErrors = {}) {
    const t = c.get("t");
    const e = await findEscalation(deps.db, c.req.param("id") ?? "");
    const group = await groupFor(c, e && (await findGroupById(deps.db, e.group_id)));
    if (!e) throw notFound(c);
    const body = alarmBody(c, {
      title: t("ops.alarm.title", { name: e.indicator_name, period: e.period }),
      back: {
        href: opsroomPath(group.name),
        label: t("ops.board.of", { group: group.display_name || group.name }),
      },
      facts: [
        [t("ops.members.coop"), e.coop_uri],
        [t("ops.alarm.kind"), t(`ops.kind.${e.kind}`)],
        [t("ops.alarm.probability"), formatNumber(e.probability)],
        [
          t("ops.table.value"),
          e.value === null ? t("ops.notShared") : `${formatNumber(e.value)} ${e.unit}`,
        ],
        [t("ops.alarm.level"), String(e.level)],
        [t("ops.alarm.atCoop"), t(`ops.state.${e.origin_state}`)],
      ],
      state: e.state,
      notes: await notesOf(deps.db, escalationUri(origin, e.id)),
      action: (await managing(c, group)) ? `/opsroom/escalations/${e.id}` : null,
      errors,
    });
    return page(c, e.indicator_name, body, Object.keys(errors).length ? 422 : 200);
  }
  app.get("/opsroom/alarms/:id", async (c) => showAlarm(c));
  app.get("/opsroom/escalations/:id", async (c) => showEscalation(c));

  for (const [path, act, show] of [
    ["/opsroom/alarms/:id", actOnAlarm, showAlarm],
    ["/opsroom/escalations/:id", actOnEscalation, showEscalation],
  ] as const)
    app.post(path, async (c) => {
      const viewer = requireViewer(c);
      const t = c.get("t");
      const parsed = parseActionForm(t, await readForm(c));
      if (!parsed.ok) return show(c, parsed.errors);
      const done = await act(opsroomContext(deps), viewer, c.req.param("id"), parsed.value);
      if (!done.ok) {
        if (done.reason === "not-found") throw notFound(c);
        if (done.reason === "forbidden") throw new InputError(t("ops.problem.forbidden"), 403);
        return show(c, { body: t(`ops.problem.${done.reason}`) });
      }
      return redirectHere(c, new URL(c.req.url).pathname, 303);
    });

  return app;
}

function opsroomContextReport(
  deps: OpsroomDeps,
  viewer: { id: string; username: string },
  indicatorId: string,
  rows: { period: string; value: number }[],
  source: "form" | "csv",
) {
  return reportValues(
    opsroomContext(deps),
    viewer,
    rows.map((r) => ({ indicatorId, ...r })),
    source,
  );
}
