/**
 * The federated parts of the commons pages: on a federation's dataset, asking
 * every member co-op and the questions asked; on a member node's copy, whose
 * dataset it is and whether this node answers; on any dataset of this node,
 * budget proposals (decisions of the group); a question's page with each
 * co-op's part; a combined release's parts.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import type { Dataset } from "../../commons/datasets.ts";
import { FEDERATED_MECHANISMS } from "../../commons/federated/combine.ts";
import type { findFederatedQuery } from "../../commons/federated/parts.ts";
import type { ReleaseBody } from "../../commons/releases.ts";
import type { WebEnv } from "../context.ts";
import { figureTable } from "../decisions/chart.ts";
import { csrfField, field, formatDate } from "../forms.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import type { Html } from "../layout.ts";
import { safeUrl } from "../safe-url.ts";
import { timeTag } from "../time.ts";
import { fmtRho } from "./release-view.ts";
import { select } from "./views.ts";

export interface FederationSectionData {
  dataset: Dataset;
  /** A federation's dataset declared here, and the viewer moderates its group. */
  canAsk: boolean;
  questions: { id: string; query: string; status: string; created_at: string }[];
  /** A copy here of a federation's dataset, and the viewer is a node admin. */
  canPause: boolean;
  /** The viewer may propose a budget (a member of the owning group here). */
  canPropose: boolean;
  groupName: string | null;
  proposals: { decision_id: string; budget_rho: number; status: string; closes_at: string }[];
  values: Record<string, string>;
  errors: Record<string, string>;
}

const describe = (c: Context<WebEnv>, query: string) => {
  const q = JSON.parse(query) as {
    mechanism: string;
    field: string | null;
    by: string | null;
    rho: number;
  };
  const t = c.get("t");
  return [
    t(`commons.mechanism.${q.mechanism}` as MessageKey),
    q.field ?? "",
    q.by ? `× ${q.by}` : "",
    `(ρ ${fmtRho(q.rho)})`,
  ]
    .filter(Boolean)
    .join(" ");
};

function askForm(c: Context<WebEnv>, p: FederationSectionData): Html {
  const t = c.get("t");
  const d = p.dataset;
  const v = p.values;
  const names = d.fieldList.map((f): [string, string] => [f.name, f.name]);
  const categories = d.fieldList
    .filter((f) => f.type === "category")
    .map((f): [string, string] => [f.name, f.name]);
  return html`<form method="post" action="${safeUrl(`/commons/datasets/${d.id}/federated`)}">
    ${csrfField(c)}
    ${select(
      "fmechanism",
      t("commons.query.mechanism"),
      FEDERATED_MECHANISMS.map((m) => [m, t(`commons.mechanism.${m}` as MessageKey)]),
      v.fmechanism,
      p.errors.fmechanism,
    )}
    ${select("ffield", t("commons.query.field"), [["", "—"], ...names], v.ffield)}
    ${select("fby", t("commons.query.by"), [["", t("commons.query.noGroups")], ...categories], v.fby)}
    ${field({ name: "frho", label: t("commons.query.rho"), value: v.frho ?? String(d.default_rho), error: p.errors.frho })}
    ${select(
      "fnoise",
      t("commons.query.noise"),
      [
        ["gauss", t("commons.noise.gauss")],
        ["laplace", t("commons.noise.laplace")],
      ],
      v.fnoise,
    )}
    <button type="submit">${t("commons.federated.submit")}</button>
  </form>`;
}

function budgetForm(c: Context<WebEnv>, p: FederationSectionData): Html {
  const t = c.get("t");
  const d = p.dataset;
  return html`<form method="post" action="${safeUrl(`/commons/datasets/${d.id}/budget`)}">
    ${csrfField(c)}
    ${field({ name: "budgetRho", label: t("commons.budget.rho"), value: p.values.budgetRho ?? "", error: p.errors.budgetRho })}
    ${field({ name: "closesAt", label: t("commons.budget.closesAt"), value: p.values.closesAt ?? "", error: p.errors.closesAt, hint: t("commons.budget.closesHint") })}
    ${field({ name: "breason", label: t("commons.budget.reason"), type: "textarea", value: p.values.breason ?? "", maxlength: 2000 })}
    <button type="submit">${t("commons.budget.submit")}</button>
  </form>`;
}

/** Added at the end of a dataset's page. */
export function federationSection(c: Context<WebEnv>, p: FederationSectionData): Html {
  const t = c.get("t");
  const d = p.dataset;
  const copy = d.local === 0;
  return html`${
    copy
      ? html`<section aria-labelledby="fed-h"><h2 id="fed-h">${t("commons.federated.copyTitle")}</h2>
        <p>${t("commons.federated.copy", { group: d.group_uri })}</p>
        <p>${d.status === "open" ? t("commons.federated.answering") : t("commons.federated.paused")}</p>
        ${
          p.canPause
            ? html`<form method="post" action="${safeUrl(`/commons/datasets/${d.id}/answering`)}">${csrfField(c)}
              <input type="hidden" name="answering" value="${d.status === "open" ? "no" : "yes"}" />
              <button type="submit">${d.status === "open" ? t("commons.federated.pause") : t("commons.federated.resume")}</button></form>`
            : ""
        }</section>`
      : ""
  }
  ${
    !copy && (p.canAsk || p.questions.length > 0)
      ? html`<section aria-labelledby="ask-fed-h"><h2 id="ask-fed-h">${t("commons.federated.title")}</h2>
        <p class="hint">${t("commons.federated.hint")}</p>
        ${p.canAsk ? askForm(c, p) : ""}
        <h3>${t("commons.federated.questions")}</h3>
        ${
          p.questions.length === 0
            ? html`<p>${t("commons.federated.none")}</p>`
            : html`<ul class="list">${p.questions.map(
                (q) =>
                  html`<li><a href="${safeUrl(`/commons/federated/${q.id}`)}">${describe(c, q.query)}</a> — ${t(`commons.federated.qstatus.${q.status}` as MessageKey)}, ${timeTag(c.get("locale"), q.created_at)}</li>`,
              )}</ul>`
        }</section>`
      : ""
  }
  ${
    !copy && (p.canPropose || p.proposals.length > 0)
      ? html`<section aria-labelledby="budget-h"><h2 id="budget-h">${t("commons.budget.title")}</h2>
        <p class="hint">${t("commons.budget.hint")}</p>
        ${p.canPropose ? budgetForm(c, p) : ""}
        ${
          p.proposals.length > 0
            ? html`<ul class="list">${p.proposals.map(
                (b) =>
                  html`<li>${p.groupName ? html`<a href="${safeUrl(`/groups/${p.groupName}/decisions/${b.decision_id}`)}">ρ = ${fmtRho(b.budget_rho)}</a>` : html`ρ = ${fmtRho(b.budget_rho)}`} — ${t(`commons.budget.status.${b.status}` as MessageKey)}</li>`,
              )}</ul>`
            : ""
        }</section>`
      : ""
  }`;
}

type Question = NonNullable<Awaited<ReturnType<typeof findFederatedQuery>>>;

type PartLine = { coop: string; status: string; reason: string | null; release: string | null };

const hostOf = (uri: string) => (URL.canParse(uri) ? new URL(uri).host : uri);

/** The parts as a table (a co-op by its server, so it fits a phone) and links to their releases. */
function partsTable(c: Context<WebEnv>, parts: PartLine[]): Html {
  const t = c.get("t");
  const released = parts.filter((p) => p.release);
  return html`${figureTable(
    t("commons.federated.partsCaption"),
    [t("commons.federated.coop"), t("commons.federated.status")],
    parts.map((p) => [
      hostOf(p.coop),
      `${t(`commons.federated.status.${p.status}` as MessageKey)}${p.reason ? ` (${p.reason})` : ""}`,
    ]),
  )}
  ${
    released.length > 0
      ? html`<p>${t("commons.federated.release")}:</p><ul class="list">${released.map(
          (p) => html`<li><a href="${safeUrl(p.release)}">${hostOf(p.coop)}</a></li>`,
        )}</ul>`
      : ""
  }`;
}

export function questionBody(
  c: Context<WebEnv>,
  q: Question,
  dataset: Dataset,
  canPublish: boolean,
): Html {
  const t = c.get("t");
  const waiting = q.parts.filter((p) => p.status === "waiting").length;
  return html`<p><a href="${safeUrl(`/commons/datasets/${dataset.id}`)}">${dataset.title}</a></p>
    <h1>${t("commons.federated.question")}: ${describe(c, q.query)}</h1>
    <p class="lead">${t("commons.federated.meta", { date: formatDate(c.get("locale"), q.created_at), period: q.period, closes: formatDate(c.get("locale"), q.closes_at) })}</p>
    ${
      q.status === "published"
        ? q.release_id
          ? html`<p class="notice ok"><a href="${safeUrl(`/commons/releases/${q.release_id}`)}">${t("commons.federated.combined")}</a></p>`
          : html`<p class="notice">${t("commons.federated.nobody")}</p>`
        : html`<p class="notice" role="status">${t("commons.federated.collecting", { n: waiting, of: q.parts.length })}</p>`
    }
    ${partsTable(
      c,
      q.parts.map((p) => ({
        coop: p.coop_uri,
        status: p.status,
        reason: p.reason,
        release: p.release_uri,
      })),
    )}
    ${
      canPublish && q.status === "collecting"
        ? html`<form method="post" action="${safeUrl(`/commons/federated/${q.id}/publish`)}">${csrfField(c)}
          <p class="hint">${t("commons.federated.publishHint")}</p>
          <button type="submit">${t("commons.federated.publish")}</button></form>`
        : ""
    }`;
}

/** On a combined release's page: how it was combined and each co-op's part. */
export function combinedParts(c: Context<WebEnv>, b: ReleaseBody): Html {
  if (!b.parts || !b.combination) return html``;
  const t = c.get("t");
  return html`<h2>${t("commons.federated.parts")}</h2>
    <p>${t("commons.federated.combination", { answered: b.combination.answered, of: b.combination.of, method: t(`commons.federated.method.${b.combination.method}` as MessageKey) })}</p>
    ${partsTable(c, b.parts)}`;
}
