/**
 * The agreements block of a proposal page: owned by the agreements area (agree),
 * which replaces this stub with the respond form, the agent's accept/reject
 * buttons and the list of agreements. The proposal page calls it and shows what
 * it returns below the proposal.
 */
import type { Context } from "hono";
import type { Proposal } from "../../economy/market/reads.ts";
import type { WebEnv } from "../context.ts";
import type { Html } from "../layout.ts";
import type { EconomyDeps } from "./market-render.ts";

export async function agreementsBlock(
  _c: Context<WebEnv>,
  _deps: EconomyDeps,
  _proposal: Proposal,
): Promise<Html | ""> {
  return "";
}

/** The agreements of a co-op on its economy page (/economy/coop): the agreements area's too. */
export async function coopAgreementsBlock(
  _c: Context<WebEnv>,
  _deps: EconomyDeps,
  _coopUri: string,
): Promise<Html | ""> {
  return "";
}
