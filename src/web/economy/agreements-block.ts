/**
 * The agreements blocks the marketplace's pages show: under a proposal (the
 * respond form, the agent's Accept/Reject and the agreements on it), and on the
 * co-op's economy page (its agreements, for those who act for the co-op).
 */
import type { Context } from "hono";
import { html } from "hono/html";
import { agreementsOf } from "../../economy/agreements/reads.ts";
import type { Proposal } from "../../economy/market/reads.ts";
import type { WebEnv } from "../context.ts";
import type { Html } from "../layout.ts";
import {
  agreementsContext,
  agreementsTable,
  agreementsBlock as proposalAgreements,
} from "./agreements-render.ts";
import type { EconomyDeps } from "./market-render.ts";

export function agreementsBlock(c: Context<WebEnv>, deps: EconomyDeps, proposal: Proposal) {
  return proposalAgreements(c, deps, proposal);
}

/** The co-op's agreements, shown to its admins and moderators (they act for it). */
export async function coopAgreementsBlock(
  c: Context<WebEnv>,
  deps: EconomyDeps,
  coopUri: string,
): Promise<Html | ""> {
  const viewer = c.get("viewer");
  if (!viewer || viewer.role === "member") return "";
  const rows = await agreementsOf(agreementsContext(deps), [coopUri], { limit: 20 });
  return html`<h2>${c.get("t")("agreements.title")}</h2>${agreementsTable(c, rows)}`;
}
