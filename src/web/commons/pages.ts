/**
 * The data commons pages (issue 22): the pillar's landing page, declaring a
 * dataset, a dataset (contribute by form or CSV with consent, ask a question,
 * its releases, reports), a release (public, with downloads), and a member's own
 * contributions (export, withdraw, the releases that used them). Bad input
 * re-renders with 422 and writes nothing.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import {
  canContribute,
  checkRows,
  contribute,
  decodeRow,
  MAX_CSV_BYTES,
  myDatasets,
  myRows,
  releasesUsingMyData,
  rowsFromCsv,
  withdrawContributions,
} from "../../commons/contributions.ts";
import {
  canModerateDataset,
  type Dataset,
  declarableGroups,
  declareDataset,
  epsilonOf,
  findDataset,
  listDatasets,
} from "../../commons/datasets.ts";
import { ledgerNow, queryDataset } from "../../commons/queries.ts";
import { findRelease, recentReleases, releaseCsv, releasesOf } from "../../commons/releases.ts";
import { openReports, reportDataset, settleReport } from "../../commons/reports.ts";
import { InputError } from "../../kernel/errors.ts";
import type { WebEnv } from "../context.ts";
import { type FieldErrors, readForm, refuseUnsafeNames } from "../forms.ts";
import { layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { requireViewer } from "../session.ts";
import { type CommonsDeps, commonsContext } from "./deps.ts";
import { federationRoutes, federationSectionOf } from "./federation-pages.ts";
import { checkQuery, parseDeclareForm, queryFromForm } from "./forms.ts";
import { fmtRho, releaseBody } from "./release-view.ts";
import { datasetBody, declareBody, landingBody, mineBody } from "./views.ts";

const notFound = (c: Context<WebEnv>) => new InputError(c.get("t")("error.notFound"), 404);

export function commonsPages(deps: CommonsDeps): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  const origin = deps.config.origin;

  async function datasetOf(c: Context<WebEnv>): Promise<Dataset> {
    const d = await findDataset(deps.db, c.req.param("id") ?? "");
    if (!d || d.status === "hidden") throw notFound(c);
    return d;
  }

  async function showDataset(
    c: Context<WebEnv>,
    dataset: Dataset,
    extra: { errors?: FieldErrors; message?: string; values?: Record<string, string> } = {},
    status: 200 | 422 = 200,
  ) {
    const viewer = c.get("viewer");
    const body = datasetBody(c, {
      dataset,
      ledger: await ledgerNow(deps.db, dataset, deps.clock.now()),
      releases: await releasesOf(deps.db, dataset.id),
      canContribute: viewer ? await canContribute(deps.db, origin, dataset, viewer) : false,
      canModerate: viewer ? await canModerateDataset(deps.db, origin, dataset, viewer) : false,
      mine: viewer
        ? (await myRows(deps.db, dataset, viewer.id)).filter((r) => !r.withdrawnAt).length
        : 0,
      reports: await openReports(deps.db, dataset.id),
      federation: await federationSectionOf(c, deps, dataset, extra),
      errors: extra.errors ?? {},
      values: extra.values ?? {},
      ...(extra.message ? { message: extra.message } : {}),
    });
    return c.html(layout(c, dataset.title, body), status);
  }

  app.get("/commons", async (c) => {
    const viewer = c.get("viewer");
    const canDeclare = viewer
      ? (await declarableGroups(deps.db, origin, viewer)).length > 0
      : false;
    const body = landingBody(
      c,
      await listDatasets(deps.db),
      await recentReleases(deps.db),
      canDeclare,
    );
    return c.html(layout(c, c.get("t")("pillar.commons"), body));
  });

  app.get("/commons/new", async (c) => {
    const viewer = requireViewer(c);
    const groups = await declarableGroups(deps.db, origin, viewer);
    if (groups.length === 0) throw new InputError(c.get("t")("commons.declare.forbidden"), 403);
    return c.html(layout(c, c.get("t")("commons.declare.title"), declareBody(c, groups, {}, {})));
  });

  app.post("/commons/new", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const groups = await declarableGroups(deps.db, origin, viewer);
    if (groups.length === 0) throw new InputError(t("commons.declare.forbidden"), 403);
    const form = await readForm(c);
    const parsed = parseDeclareForm(t, form);
    const again = (errors: FieldErrors) =>
      c.html(layout(c, t("commons.declare.title"), declareBody(c, groups, form, errors)), 422);
    if (!parsed.ok || !parsed.value) return again(parsed.errors);
    const { fieldList, ...declared } = parsed.value;
    const made = await declareDataset(await commonsContext(deps), viewer, {
      ...declared,
      fields: fieldList,
    });
    if (!made.ok) return again({ groupId: t(`commons.problem.${made.reason}`) });
    return redirectHere(c, `/commons/datasets/${made.value.id}`, 303);
  });

  app.get("/commons/datasets/:id", async (c) => showDataset(c, await datasetOf(c)));

  app.post("/commons/datasets/:id/contribute", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const dataset = await datasetOf(c);
    const form = await readForm(c);
    const row = Object.fromEntries(dataset.fieldList.map((f) => [f.name, form[`v_${f.name}`]]));
    const checked = checkRows(dataset.fieldList, [row]);
    if (form.consent !== "yes")
      return showDataset(
        c,
        dataset,
        {
          errors: { consent: t("commons.contribute.needConsent") },
          message: t("commons.contribute.needConsent"),
          values: form,
        },
        422,
      );
    if (!checked.ok) {
      const name = checked.reason.replace(/^row 1: /, "").split(":")[0] ?? "";
      return showDataset(
        c,
        dataset,
        { errors: { [`v_${name}`]: checked.reason }, message: checked.reason, values: form },
        422,
      );
    }
    return answerContribution(c, viewer, dataset, form.purpose ?? "", [row], form);
  });

  app.post("/commons/datasets/:id/import", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const dataset = await datasetOf(c);
    const body = await c.req.parseBody();
    refuseUnsafeNames(c, body);
    const file = body.csv;
    const fail = (text: string) =>
      showDataset(c, dataset, { errors: { csv: text }, message: text }, 422);
    if (body.consent !== "yes") return fail(t("commons.contribute.needConsent"));
    if (!(file instanceof File) || file.size === 0) return fail(t("commons.import.noFile"));
    if (file.size > MAX_CSV_BYTES) return fail(t("commons.import.tooLarge"));
    const rows = rowsFromCsv(dataset.fieldList, await file.text());
    if (!rows.ok) return fail(rows.reason);
    const checked = checkRows(dataset.fieldList, rows.value);
    if (!checked.ok) return fail(checked.reason);
    return answerContribution(c, viewer, dataset, String(body.purpose ?? ""), rows.value, {});
  });

  async function answerContribution(
    c: Context<WebEnv>,
    viewer: { id: string; username: string },
    dataset: Dataset,
    purpose: string,
    rows: Record<string, string | undefined>[],
    values: Record<string, string>,
  ) {
    const t = c.get("t");
    const done = await contribute(await commonsContext(deps), viewer, {
      datasetId: dataset.id,
      purpose,
      rows,
    });
    if (!done.ok) {
      const text = t(`commons.problem.${done.reason}`, { max: dataset.max_rows_per_member });
      if (done.reason === "forbidden") throw new InputError(text, 403);
      return showDataset(c, dataset, { message: text, values }, 422);
    }
    return redirectHere(c, `/commons/mine?done=contributed`, 303);
  }

  app.post("/commons/datasets/:id/query", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const dataset = await datasetOf(c);
    // A copy of a federation's dataset is asked by the federation alone (its budget is the federation's).
    if (dataset.local !== 1) throw new InputError(t("commons.federated.localOnly"), 403);
    const form = await readForm(c);
    const q = checkQuery(dataset.fieldList, dataset, form);
    if (!q.ok) {
      const name = q.reason.split(":")[0] ?? "mechanism";
      return showDataset(
        c,
        dataset,
        { errors: { [name]: q.reason }, message: q.reason, values: form },
        422,
      );
    }
    const answer = await queryDataset(await commonsContext(deps), viewer, {
      datasetId: dataset.id,
      query: queryFromForm(form),
    });
    if (!answer.ok) {
      let message = t(`commons.problem.${answer.reason}`, { max: dataset.max_rows_per_member });
      if (answer.reason === "over-budget") {
        const l = await ledgerNow(deps.db, dataset, deps.clock.now());
        message = t("commons.query.overBudget", {
          asked: fmtRho(q.value.rho),
          remaining: fmtRho(l.remaining),
          epsilon: fmtRho(l.remaining > 0 ? epsilonOf(l.remaining) : 0),
          budget: fmtRho(l.budget),
          period: l.period,
        });
      }
      return showDataset(c, dataset, { message, values: form }, 422);
    }
    return redirectHere(
      c,
      `/commons/releases/${answer.value.releaseId}${answer.value.reused ? "?reused=1" : ""}`,
      303,
    );
  });

  app.post("/commons/datasets/:id/withdraw", async (c) => {
    const viewer = requireViewer(c);
    const dataset = await datasetOf(c);
    const done = await withdrawContributions(await commonsContext(deps), viewer, dataset.id);
    return redirectHere(
      c,
      `/commons/mine?done=${done.ok ? `withdrawn&from=${done.value.from}` : "nothing"}`,
      303,
    );
  });

  app.post("/commons/datasets/:id/report", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const dataset = await datasetOf(c);
    const form = await readForm(c);
    const done = await reportDataset(await commonsContext(deps), viewer, {
      datasetId: dataset.id,
      reason: form.reason ?? "",
    });
    if (!done.ok)
      return showDataset(
        c,
        dataset,
        { errors: { reason: t("commons.report.empty") }, message: t("commons.report.empty") },
        422,
      );
    return showDataset(c, dataset, { message: t("commons.report.thanks") });
  });

  app.post("/commons/reports/:id", async (c) => {
    const viewer = requireViewer(c);
    const form = await readForm(c);
    if (form.action !== "dismiss" && form.action !== "hide") throw new InputError("action", 422);
    const done = await settleReport(await commonsContext(deps), viewer, {
      reportId: c.req.param("id"),
      action: form.action,
    });
    if (!done.ok)
      throw new InputError(
        c.get("t")(`commons.problem.${done.reason}`),
        done.reason === "forbidden" ? 403 : 404,
      );
    return redirectHere(
      c,
      form.action === "hide" ? "/commons" : `/commons/datasets/${done.value.datasetId}`,
      303,
    );
  });

  app.get("/commons/mine", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const entries = [];
    for (const d of await myDatasets(deps.db, viewer.id)) {
      const dataset = await findDataset(deps.db, d.id);
      if (dataset) entries.push({ dataset, rows: await myRows(deps.db, dataset, viewer.id) });
    }
    const used = await releasesUsingMyData(deps.db, viewer.id);
    const code = c.req.query("done");
    const done =
      code === "contributed"
        ? t("commons.mine.contributed")
        : code === "withdrawn"
          ? t("commons.mine.withdrawn", { period: (c.req.query("from") ?? "").slice(0, 10) })
          : undefined;
    return c.html(layout(c, t("commons.mine.title"), mineBody(c, entries, used, done)));
  });

  app.get("/commons/mine/:id/rows.csv", async (c) => {
    const viewer = requireViewer(c);
    const dataset = await findDataset(deps.db, c.req.param("id"));
    if (!dataset) throw notFound(c);
    const rows = await deps.db
      .selectFrom("commons_rows")
      .selectAll()
      .where("dataset_id", "=", dataset.id)
      .where("account_id", "=", viewer.id)
      .orderBy("id")
      .execute();
    const names = dataset.fieldList.map((f) => f.name);
    const lines = [[...names, "given_at", "withdrawn_at"].join(",")];
    for (const r of rows) {
      const v = decodeRow(dataset.fieldList, r);
      lines.push([...names.map((n) => v[n] ?? ""), r.created_at, r.withdrawn_at ?? ""].join(","));
    }
    c.header("content-disposition", `attachment; filename="commons-${dataset.id}.csv"`);
    return c.body(`${lines.join("\n")}\n`, 200, { "content-type": "text/csv; charset=utf-8" });
  });

  app.get("/commons/releases/:id", async (c) => {
    const r = await findRelease(deps.db, c.req.param("id"));
    if (!r) throw notFound(c);
    return c.html(
      layout(c, r.parsed.dataset.title, releaseBody(c, r, c.req.query("reused") === "1")),
    );
  });

  app.get("/commons/releases/:id/release.json", async (c) => {
    const r = await findRelease(deps.db, c.req.param("id"));
    if (!r) throw notFound(c);
    // The body exactly as signed, with the signature beside it.
    return c.json({ release: r.parsed, body: r.body, signature: r.signature, keyId: r.key_id });
  });

  app.get("/commons/releases/:id/release.csv", async (c) => {
    const r = await findRelease(deps.db, c.req.param("id"));
    if (!r) throw notFound(c);
    c.header("content-disposition", `attachment; filename="release-${r.id}.csv"`);
    return c.body(releaseCsv(r.parsed), 200, { "content-type": "text/csv; charset=utf-8" });
  });

  federationRoutes(app, deps, { datasetOf, showDataset });
  return app;
}
