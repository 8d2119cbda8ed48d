/**
 * The English catalogue, one file per area so each area's messages sit together.
 * Every other catalogue has exactly these keys (checked by tsc and by a test).
 */
import { accounts } from "./accounts.ts";
import { api } from "./api.ts";
import { budgeting } from "./budgeting.ts";
import { budgetingVote } from "./budgeting-vote.ts";
import { commons } from "./commons.ts";
import { commonsFederation } from "./commons-federation.ts";
import { decisionFederation } from "./decision-federation.ts";
import { decisionNotices } from "./decision-notices.ts";
import { decisions } from "./decisions.ts";
import { economyAgreements } from "./economy-agreements.ts";
import { economyCredit } from "./economy-credit.ts";
import { economyMarket } from "./economy-market.ts";
import { federation } from "./federation.ts";
import { feeds } from "./feeds.ts";
import { formsAdmin } from "./forms-admin.ts";
import { groups } from "./groups.ts";
import { indicators } from "./indicators.ts";
import { media } from "./media.ts";
import { moving } from "./moving.ts";
import { people } from "./people.ts";
import { planRounds } from "./plan-rounds.ts";
import { search } from "./search.ts";
import { shell } from "./shell.ts";
import { social } from "./social.ts";

export const en = {
  ...shell,
  ...accounts,
  ...federation,
  ...social,
  ...groups,
  ...media,
  ...decisions,
  ...api,
  ...decisionNotices,
  ...budgeting,
  ...decisionFederation,
  ...feeds,
  ...search,
  ...moving,
  ...people,
  ...budgetingVote,
  ...commons,
  ...indicators,
  ...economyCredit,
  ...economyMarket,
  ...commonsFederation,
  ...economyAgreements,
  ...planRounds,
  ...formsAdmin,
};

export type MessageKey = keyof typeof en;
export type Catalogue = Record<MessageKey, string>;
