/**
 * What a member's export holds and what deleting an account erases, area by area
 * (imported by the account pages when they are first asked for, not at start).
 */
import { type AccountDataContributor, accountsContributor } from "./accounts/data.ts";
import { apiContributor } from "./api/account-data.ts";
import { commonsContributor } from "./commons/data.ts";
import { agreementsContributor } from "./economy/agreements/data.ts";
import { creditContributor } from "./economy/credit/data.ts";
import { marketContributor } from "./economy/market/data.ts";
import { opsroomContributor } from "./economy/opsroom/data.ts";
import { planRoundsContributor } from "./economy/plan-rounds/data.ts";
import { federationContributor } from "./federation/account-data.ts";
import { budgetingContributor } from "./governance/budgeting/processes/data.ts";
import { decisionsContributor } from "./governance/decisions/data.ts";
import { decisionFederationContributor } from "./governance/decisions/federation-data.ts";
import { groupsContributor } from "./groups/data.ts";
import { mediaContributor } from "./media/data.ts";
import { newslettersContributor } from "./media/newsletters/data.ts";
import { movingContributor } from "./moving/data.ts";
import { socialContributor } from "./social/data.ts";

export function accountDataContributors(origin: string): AccountDataContributor[] {
  return [
    accountsContributor,
    federationContributor,
    socialContributor,
    groupsContributor,
    decisionsContributor(origin),
    budgetingContributor(origin),
    decisionFederationContributor,
    mediaContributor,
    apiContributor,
    newslettersContributor,
    movingContributor,
    commonsContributor,
    creditContributor,
    marketContributor(origin),
    agreementsContributor(origin),
    opsroomContributor(origin),
    planRoundsContributor(origin),
  ];
}
