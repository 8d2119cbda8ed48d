/**
 * Pieces the budgeting pages share: money in the process's currency (stored in
 * minor units), the phase timeline, a project as a list item, the process of
 * the path (404 for what the viewer may not see) and the viewer as an actor.
 */
import type { Context } from "hono";
import { html } from "hono/html";
import type { Voter } from "../../governance/budgeting/processes/context.ts";
import { canTakePart } from "../../governance/budgeting/processes/eligibility.ts";
import { PHASES, phaseEndsAt } from "../../governance/budgeting/processes/phase-rules.ts";
import {
  type District,
  type Process,
  type Project,
  processById,
} from "../../governance/budgeting/processes/reads.ts";
import { findGroupById, type Group } from "../../groups/groups.ts";
import { canRead } from "../../groups/threads.ts";
import { InputError } from "../../kernel/errors.ts";
import { memberUri } from "../../kernel/uris.ts";
import type { WebEnv } from "../context.ts";
import { formatDate } from "../forms.ts";
import type { GroupsDeps } from "../groups/render.ts";
import type { MessageKey } from "../i18n/i18n.ts";
import type { Html } from "../layout.ts";
import { safeUrl } from "../safe-url.ts";

export type BudgetingDeps = GroupsDeps;

export const budgetingContext = (deps: BudgetingDeps) => ({
  db: deps.db,
  origin: deps.config.origin,
  domain: deps.config.domain,
  clock: deps.clock,
});

/** The signed-in viewer as the capability's actor. */
export const actorOf = (deps: BudgetingDeps, viewer: { id: string; username: string }): Voter => ({
  uri: memberUri(deps.config.origin, viewer.username),
  accountId: viewer.id,
});

/** Minor units as the currency shows them: "€1,200.50"; a unit that is not ISO 4217 follows the number. */
export function money(locale: string, minor: number | bigint, currency: string): string {
  const value = Number(minor) / 100;
  if (/^[A-Z]{3}$/.test(currency))
    try {
      return new Intl.NumberFormat(locale, { style: "currency", currency }).format(value);
    } catch {
      // Not a currency Intl knows: fall through to the plain form.
    }
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value)} ${currency}`;
}

/** "1200", "1200.5", "1 200,50" → minor units; null for anything else. */
export function parseMoney(raw: string): number | null {
  const text = raw.trim().replace(/[\s\u00a0_]/g, "");
  const m = /^(\d{1,13})(?:[.,](\d{1,2}))?$/.exec(text);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? "0").padEnd(2, "0"));
}

/** Minor units as a form shows them ("1200.50", "1200"). */
export const moneyInput = (minor: number | bigint) => {
  const n = Number(minor);
  return n % 100 === 0 ? String(n / 100) : (n / 100).toFixed(2);
};

export const phaseName = (c: Context<WebEnv>, phase: Process["phase"]) =>
  c.get("t")(`budgets.phase.${phase}` as MessageKey);

/** The phases as an ordered list, the current one marked (aria-current="step"). */
export function phaseTimeline(c: Context<WebEnv>, p: Process): Html {
  const t = c.get("t");
  const at = PHASES.indexOf(p.phase);
  const ends = phaseEndsAt(p);
  return html`<ol class="pb-phases" aria-label="${t("budgets.phases")}">
    ${PHASES.map(
      (phase, i) =>
        html`<li class="${i < at ? "done" : i === at ? "current" : ""}"${i === at ? html` aria-current="step"` : ""}>${phaseName(c, phase)}</li>`,
    )}
  </ol>
  <p><strong>${t("budgets.phase.now", { phase: phaseName(c, p.phase) })}</strong>
    ${
      p.phase === "proposing" || p.phase === "review" || p.phase === "voting"
        ? html` — ${ends ? t("budgets.phase.until", { when: formatDate(c.get("locale"), ends) }) : t("budgets.phase.byHand")}`
        : ""
    }</p>
  <p>${t(`budgets.phase.about.${p.phase}` as MessageKey)}</p>`;
}

export const processHref = (p: Pick<Process, "id">) => `/budgets/${p.id}`;
export const projectHref = (p: Pick<Project, "id" | "process_id">) =>
  `/budgets/${p.process_id}/projects/${p.id}`;

/** A project as a list item: title, cost, status, progress. */
export function projectLine(
  c: Context<WebEnv>,
  process: Process,
  p: Project,
  extra: { funded?: boolean } = {},
): Html {
  const t = c.get("t");
  const locale = c.get("locale");
  return html`<li class="pb-project">
    <a href="${safeUrl(projectHref(p))}"><strong>${p.title}</strong></a>
    <div class="meta">${money(locale, p.cost, process.currency)} · ${t(`budgets.status.${p.status}` as MessageKey)}${
      extra.funded ? html` · <strong>✓ ${t("budgets.funded")}</strong>` : ""
    }${
      process.phase === "implementation" && extra.funded
        ? html` · ${t("budgets.progress", { percent: p.progress })}`
        : ""
    }</div>
    ${
      process.phase === "implementation" && extra.funded
        ? html`<progress max="100" value="${p.progress}" aria-label="${t("budgets.progress", { percent: p.progress })}"></progress>`
        : ""
    }
  </li>`;
}

/** The projects grouped by district, each with its budget. */
export function projectsByDistrict(
  c: Context<WebEnv>,
  process: Process,
  districts: District[],
  projects: Project[],
  funded: Set<string>,
): Html {
  const t = c.get("t");
  return html`${districts.map((d) => {
    const mine = projects.filter((p) => p.district_id === d.id);
    return html`<section class="pb-district" aria-labelledby="d-${d.id}">
      <h3 id="d-${d.id}">${districts.length > 1 ? t("budgets.district", { name: d.name }) : t("budgets.budget")}: ${money(c.get("locale"), d.budget, process.currency)}</h3>
      ${
        mine.length
          ? html`<ul class="pb-projects">${mine.map((p) => projectLine(c, process, p, { funded: funded.has(p.id) }))}</ul>`
          : html`<p class="muted">${t("budgets.projects.none")}</p>`
      }
    </section>`;
  })}`;
}

/** The process of the path and its group, if the viewer may see the group (else 404). */
export async function processFromPath(
  c: Context<WebEnv>,
  deps: BudgetingDeps,
): Promise<{ process: Process; group: Group }> {
  const notFound = () => new InputError(c.get("t")("budgets.error.notFound"), 404);
  const process = await processById(deps, c.req.param("id") ?? "");
  if (!process?.local || !process.group_id) throw notFound();
  const group = await findGroupById(deps.db, process.group_id);
  if (!group || !(await canRead(deps.db, deps.config.origin, group, c.get("viewer") ?? null)))
    throw notFound();
  return { process, group };
}

/** The node hosting a process (its group's host), as a person reads it. */
export const hostOf = (p: Pick<Process, "group_uri">) =>
  URL.canParse(p.group_uri) ? new URL(p.group_uri).host : p.group_uri;

/**
 * May the viewer see this copy of a process hosted elsewhere? Only our members
 * who take part in it (our co-op is in the federation, or they follow the
 * group): a copy has no group here whose readers we could ask.
 */
export async function seesCopy(
  deps: Pick<BudgetingDeps, "db" | "config">,
  process: Process,
  viewer: { username: string } | null | undefined,
): Promise<boolean> {
  if (process.local || !viewer) return false;
  const ctx = { db: deps.db, origin: deps.config.origin };
  return canTakePart(ctx, process, memberUri(deps.config.origin, viewer.username));
}

/**
 * The process of the path as processFromPath, or our copy of a process hosted
 * elsewhere (group null: read-only here, the hosting node runs it).
 */
export async function processOrCopyFromPath(
  c: Context<WebEnv>,
  deps: BudgetingDeps,
): Promise<{ process: Process; group: Group | null }> {
  const process = await processById(deps, c.req.param("id") ?? "");
  if (process && !process.local) {
    if (!(await seesCopy(deps, process, c.get("viewer"))))
      throw new InputError(c.get("t")("budgets.error.notFound"), 404);
    return { process, group: null };
  }
  return processFromPath(c, deps);
}

/** What each problem says to a person. */
export const problemText = (c: Context<WebEnv>, reason: string) =>
  c.get("t")(
    (
      {
        "not-found": "budgets.error.notFound",
        forbidden: "budgets.error.forbidden",
        "wrong-phase": "budgets.error.wrongPhase",
        "not-counted": "budgets.error.notCounted",
        "too-many": "budgets.error.tooMany",
        "not-funded": "budgets.error.notFunded",
        "bad-comment": "budgets.error.reportComment",
      } as Record<string, MessageKey>
    )[reason] ?? "budgets.error.invalid",
  );

export const problemStatus = (reason: string): 403 | 404 | 409 | 422 =>
  reason === "forbidden" ? 403 : reason === "not-found" ? 404 : reason === "invalid" ? 422 : 409;
