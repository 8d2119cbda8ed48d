/**
 * The federated commons routes, registered on the commons pages' app:
 * - POST /commons/datasets/{id}/federated: a federation's moderator asks every member co-op;
 * - GET /commons/federated/{id}: the question and each co-op's part (published
 *   with what has come once its window is over);
 * - POST /commons/federated/{id}/publish: a moderator publishes with the parts in;
 * - POST /commons/datasets/{id}/answering: a node admin stops or resumes answering from a copy;
 * - POST /commons/datasets/{id}/budget: a member proposes a budget (a decision of the group).
 * Bad input re-renders the dataset with 422 and writes nothing.
 */
import type { Context, Hono } from "hono";
import { budgetProposalsOf, proposeBudget } from "../../commons/budget-decisions.ts";
import { canModerateDataset, type Dataset, findDataset } from "../../commons/datasets.ts";
import { askFederation } from "../../commons/federated/asking.ts";
import { setAnswering } from "../../commons/federated/copies.ts";
import {
  federatedQueriesOf,
  findFederatedQuery,
  publishFederatedQuery,
} from "../../commons/federated/parts.ts";
import { findGroupById, isNodeAdmin } from "../../groups/groups.ts";
import { standingOf } from "../../groups/standing.ts";
import { InputError } from "../../kernel/errors.ts";
import type { WebEnv } from "../context.ts";
import { type FieldErrors, readForm } from "../forms.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import { layout } from "../layout.ts";
import { redirectHere } from "../redirect.ts";
import { requireViewer } from "../session.ts";
import { type CommonsDeps, commonsContext } from "./deps.ts";
import { federationSection, questionBody } from "./federation-views.ts";

type Extra = { errors?: FieldErrors; message?: string; values?: Record<string, string> };

export interface DatasetPages {
  datasetOf(c: Context<WebEnv>): Promise<Dataset>;
  showDataset(c: Context<WebEnv>, d: Dataset, extra?: Extra, status?: 200 | 422): Promise<Response>;
}

/** The federated section of a dataset's page, for this viewer. */
export async function federationSectionOf(
  c: Context<WebEnv>,
  deps: CommonsDeps,
  dataset: Dataset,
  extra: Extra,
) {
  const viewer = c.get("viewer");
  const group = dataset.group_id ? await findGroupById(deps.db, dataset.group_id) : undefined;
  const isMember =
    !!viewer &&
    !!group &&
    (await standingOf(deps.db, deps.config.origin, group, viewer)).status === "active";
  const canModerate =
    !!viewer && (await canModerateDataset(deps.db, deps.config.origin, dataset, viewer));
  return federationSection(c, {
    dataset,
    canAsk:
      dataset.local === 1 &&
      group?.kind === "federation" &&
      canModerate &&
      dataset.status === "open",
    questions: dataset.local === 1 ? await federatedQueriesOf(deps.db, dataset.id) : [],
    canPause: dataset.local === 0 && !!viewer && (await isNodeAdmin(deps.db, viewer.id)),
    canPropose: dataset.local === 1 && isMember,
    groupName: group?.name ?? null,
    proposals: dataset.local === 1 ? await budgetProposalsOf(deps.db, dataset.id) : [],
    values: extra.values ?? {},
    errors: extra.errors ?? {},
  });
}

const numberOf = (text: string | undefined) => {
  const n = Number((text ?? "").trim());
  return text && Number.isFinite(n) ? n : Number.NaN;
};

export function federationRoutes(app: Hono<WebEnv>, deps: CommonsDeps, pages: DatasetPages) {
  const notFound = (c: Context<WebEnv>) => new InputError(c.get("t")("error.notFound"), 404);

  app.post("/commons/datasets/:id/federated", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const dataset = await pages.datasetOf(c);
    const form = await readForm(c);
    const query = {
      mechanism: form.fmechanism,
      ...(form.ffield ? { field: form.ffield } : {}),
      ...(form.fby ? { by: form.fby } : {}),
      rho: numberOf(form.frho),
      noise: form.fnoise || "gauss",
    };
    const asked = await askFederation(await commonsContext(deps), viewer, {
      datasetId: dataset.id,
      query,
    });
    if (!asked.ok) {
      if (asked.reason === "forbidden") throw new InputError(t("commons.problem.forbidden"), 403);
      const message = t(`commons.federated.problem.${asked.reason}` as MessageKey);
      return pages.showDataset(
        c,
        dataset,
        { message, values: form, errors: { fmechanism: message } },
        422,
      );
    }
    return redirectHere(c, `/commons/federated/${asked.value.id}`, 303);
  });

  app.get("/commons/federated/:id", async (c) => {
    const id = c.req.param("id");
    let q = await findFederatedQuery(deps.db, id);
    if (!q) throw notFound(c);
    if (q.status === "collecting" && q.closes_at <= deps.clock.now().toISOString()) {
      await publishFederatedQuery(await commonsContext(deps), "window-over", id);
      q = await findFederatedQuery(deps.db, id);
    }
    const dataset = q && (await findDataset(deps.db, q.dataset_id));
    if (!q || !dataset || dataset.status === "hidden") throw notFound(c);
    const viewer = c.get("viewer");
    const canPublish =
      !!viewer && (await canModerateDataset(deps.db, deps.config.origin, dataset, viewer));
    return c.html(layout(c, dataset.title, questionBody(c, q, dataset, canPublish)));
  });

  app.post("/commons/federated/:id/publish", async (c) => {
    const viewer = requireViewer(c);
    const done = await publishFederatedQuery(await commonsContext(deps), viewer, c.req.param("id"));
    if (!done.ok && done.reason !== "closed")
      throw new InputError(
        c.get("t")(`commons.federated.problem.${done.reason}` as MessageKey),
        done.reason === "forbidden" ? 403 : 404,
      );
    return redirectHere(c, `/commons/federated/${c.req.param("id")}`, 303);
  });

  app.post("/commons/datasets/:id/answering", async (c) => {
    const viewer = requireViewer(c);
    const dataset = await pages.datasetOf(c);
    const form = await readForm(c);
    if (form.answering !== "yes" && form.answering !== "no") throw new InputError("answering", 422);
    const done = await setAnswering(await commonsContext(deps), viewer, {
      datasetId: dataset.id,
      answering: form.answering === "yes",
    });
    if (!done.ok)
      throw new InputError(
        c.get("t")(`commons.problem.${done.reason}`),
        done.reason === "forbidden" ? 403 : 404,
      );
    return redirectHere(c, `/commons/datasets/${dataset.id}`, 303);
  });

  app.post("/commons/datasets/:id/budget", async (c) => {
    const viewer = requireViewer(c);
    const t = c.get("t");
    const dataset = await pages.datasetOf(c);
    const form = await readForm(c);
    // datetime-local has no zone: the form's time is read as UTC (the hint says so).
    const closes = form.closesAt
      ? new Date(`${form.closesAt}${/Z|[+-]\d\d:?\d\d$/.test(form.closesAt) ? "" : "Z"}`)
      : null;
    const proposal = {
      budgetRho: numberOf(form.budgetRho),
      closesAt: closes && !Number.isNaN(closes.getTime()) ? closes.toISOString() : "",
      reason: form.breason ?? "",
    };
    const ctx = { ...(await commonsContext(deps)), domain: new URL(deps.config.origin).host };
    const done = await proposeBudget(ctx, viewer, { datasetId: dataset.id, proposal });
    if (!done.ok) {
      if (done.reason === "forbidden") throw new InputError(t("commons.problem.forbidden"), 403);
      const message = t(`commons.problem.${done.reason}`, { max: dataset.max_rows_per_member });
      const key =
        Number.isNaN(proposal.budgetRho) || done.reason === "same-budget"
          ? "budgetRho"
          : "closesAt";
      const errors: FieldErrors = { [key]: message };
      return pages.showDataset(c, dataset, { message, values: form, errors }, 422);
    }
    const group = dataset.group_id ? await findGroupById(deps.db, dataset.group_id) : undefined;
    return redirectHere(
      c,
      group
        ? `/groups/${group.name}/decisions/${done.value.decisionId}`
        : `/commons/datasets/${dataset.id}`,
      303,
    );
  });
}
