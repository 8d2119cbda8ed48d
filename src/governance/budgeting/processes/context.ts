/**
 * What the budgeting processes need from the node: the database, its public
 * origin and domain, and the clock (decisions/context.ts is the model). The
 * actor of every write is a `Voter` (a member here, or an actor elsewhere for
 * federated processes), imported from decisions so both areas agree on it.
 */
import type { SocialContext } from "../../../social/context.ts";

export type BudgetingContext = SocialContext;
export type { Voter } from "../../decisions/context.ts";
