/**
 * A tally drawn for people: a chart per rule (bars for choices, scores, dots and
 * times; consent's positions stacked; IRV's rounds and Schulze's matrices as
 * tables, which is how those counts are read) and the outcome in words. A pure
 * function of the tally and the option labels, so the page, the tests and any
 * cache draw the same thing.
 */
import { html } from "hono/html";
import type { Tally } from "../../governance/decisions/types.ts";
import type { Translate } from "../i18n/i18n.ts";
import type { Html } from "../layout.ts";
import { barChart, figureTable, formatNumber, stackedBar } from "./chart.ts";

const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;

/**
 * Turnout always; quorum when one was set; passed, chosen and how a tie was
 * broken only once closed (a running count says nothing has been decided yet).
 */
function outcomeLine(
  t: Translate,
  tally: Tally,
  labels: string[],
  shown: { closed: boolean; quorum: boolean },
): Html {
  const o = tally.outcome;
  const parts: Html[] = [
    html`<li>${t("decisions.tally.turnout", { share: percent(tally.turnout) })}</li>`,
  ];
  if (shown.quorum)
    parts.push(
      html`<li>${t(o.quorumMet ? "decisions.tally.quorumMet" : "decisions.tally.quorumMissed")}</li>`,
    );
  if (!shown.closed) return html`<ul class="decision-outcome-line">${parts}</ul>`;
  if (o.passed !== null)
    parts.push(
      html`<li><strong>${t(o.passed ? "decisions.tally.passed" : "decisions.tally.notPassed")}</strong></li>`,
    );
  if (o.winners.length > 0)
    parts.push(
      html`<li>${t("decisions.tally.winners", { winners: o.winners.map((w) => labels[w] ?? `#${w + 1}`).join(", ") })}</li>`,
    );
  if (o.tieBrokenBy)
    parts.push(
      html`<li>${t(o.tieBrokenBy === "lot" ? "decisions.tally.tieLot" : "decisions.tally.tieLookback")}</li>`,
    );
  return html`<ul class="decision-outcome-line">${parts}</ul>`;
}

/**
 * The chart and figures of one tally. `labels` are the option labels in order;
 * `closed` says whether the count is final; `quorum` whether one was set.
 */
export function tallyView(
  t: Translate,
  tally: Tally,
  labels: string[],
  options: { closed: boolean; quorum: boolean } = { closed: true, quorum: true },
): Html {
  const chartLabel = t("decisions.tally.chart");
  const label = (i: number) => labels[i] ?? `#${i + 1}`;
  const winners = new Set(tally.outcome.winners);
  const optionHead = t("decisions.tally.option");
  let body: Html;
  switch (tally.rule) {
    case "consent": {
      const kinds = ["agree", "abstain", "disagree", "block"] as const;
      body = stackedBar(
        kinds.map((k) => ({
          label: t(`decisions.position.${k}`),
          value: tally.positions[k],
          kind: k,
        })),
        { label: chartLabel },
      );
      break;
    }
    case "single":
    case "multiple":
    case "dot": {
      const values = tally.rule === "dot" ? tally.dots : tally.votes;
      body = html`${barChart(
        values.map((v, i) => ({
          label: label(i),
          value: v,
          shown: `${formatNumber(v)} (${percent(tally.shares[i] ?? 0)})`,
          highlight: winners.has(i),
        })),
        { label: chartLabel },
      )}`;
      break;
    }
    case "score": {
      body = html`${barChart(
        tally.means.map((m, i) => ({
          label: label(i),
          value: m === null ? 0 : m - Math.min(0, ...tally.means.map((x) => x ?? 0)),
          shown: m === null ? "–" : formatNumber(m),
          highlight: winners.has(i),
        })),
        { label: chartLabel },
      )}
      ${figureTable(
        t("decisions.tally"),
        [
          optionHead,
          t("decisions.tally.mean"),
          t("decisions.tally.median"),
          t("decisions.tally.total"),
        ],
        tally.means.map((m, i) => [
          label(i),
          m === null ? "–" : formatNumber(m),
          tally.medians[i] === null || tally.medians[i] === undefined
            ? "–"
            : formatNumber(tally.medians[i]),
          tally.sums[i] ?? 0,
        ]),
      )}`;
      break;
    }
    case "time": {
      body = html`${barChart(
        tally.yes.map((y, i) => ({
          label: label(i),
          value: y + (tally.maybe[i] ?? 0),
          shown: `${t("decisions.answer.yes")} ${formatNumber(y)} · ${t("decisions.answer.maybe")} ${formatNumber(tally.maybe[i] ?? 0)}`,
          highlight: winners.has(i),
        })),
        { label: chartLabel },
      )}
      ${figureTable(
        t("decisions.tally"),
        [
          optionHead,
          t("decisions.answer.yes"),
          t("decisions.answer.maybe"),
          t("decisions.answer.no"),
        ],
        tally.yes.map((y, i) => [label(i), y, tally.maybe[i] ?? 0, tally.no[i] ?? 0]),
      )}`;
      break;
    }
    case "irv": {
      const last = tally.rounds.at(-1);
      body = html`${
        last
          ? barChart(
              last.votes.map((v, i) => ({
                label: label(i),
                value: v ?? 0,
                shown: v === null ? t("decisions.tally.eliminated") : formatNumber(v),
                highlight: winners.has(i),
              })),
              { label: chartLabel },
            )
          : ""
      }
      ${figureTable(
        t("decisions.tally"),
        [optionHead, ...tally.rounds.map((_, r) => t("decisions.tally.round", { n: r + 1 }))],
        labels.map((_, i) => [
          label(i),
          ...tally.rounds.map((round) => {
            const v = round.votes[i];
            const mark = round.eliminated === i ? " ✗" : round.elected === i ? " ✓" : "";
            return v === null || v === undefined ? "–" : `${formatNumber(v)}${mark}`;
          }),
        ]),
      )}`;
      break;
    }
    case "schulze": {
      const matrix = (caption: string, m: number[][]) =>
        figureTable(
          caption,
          ["", ...labels.map((_, j) => label(j))],
          labels.map((_, i) => [
            label(i),
            ...labels.map((_, j) => (i === j ? "–" : (m[i]?.[j] ?? 0))),
          ]),
        );
      body = html`${barChart(
        tally.order.map((i, place) => ({
          label: label(i),
          value: tally.order.length - place,
          shown: `${place + 1}`,
          highlight: winners.has(i),
        })),
        { label: chartLabel },
      )}
      ${matrix(t("decisions.tally.pairwise"), tally.d)}
      ${matrix(t("decisions.tally.paths"), tally.p)}`;
      break;
    }
  }
  return html`<div class="decision-tally">${body}${outcomeLine(t, tally, labels, options)}</div>`;
}
