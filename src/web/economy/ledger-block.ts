/**
 * A co-op's balance and limits in the mutual-credit ledgers it has an account
 * in: owned by the ledger area, which replaces this stub. The co-op's economy
 * page (/economy/coop) calls it with the co-op's actor URI.
 */
import type { Context } from "hono";
import type { WebEnv } from "../context.ts";
import type { Html } from "../layout.ts";
import type { EconomyDeps } from "./market-render.ts";

export async function ledgerBlock(
  _c: Context<WebEnv>,
  _deps: EconomyDeps,
  _coopUri: string,
): Promise<Html | ""> {
  return "";
}
