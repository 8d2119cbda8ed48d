/**
 * The English catalogue, one file per area so each area's messages sit together.
 * Every other catalogue has exactly these keys (checked by tsc and by a test).
 */
import { accounts } from "./accounts.ts";
import { api } from "./api.ts";
import { decisionNotices } from "./decision-notices.ts";
import { federation } from "./federation.ts";
import { groups } from "./groups.ts";
import { search } from "./search.ts";
import { shell } from "./shell.ts";
import { social } from "./social.ts";

export const en = {
  ...shell,
  ...accounts,
  ...federation,
  ...social,
  ...groups,
  ...api,
  ...decisionNotices,
  ...search,
};

export type MessageKey = keyof typeof en;
export type Catalogue = Record<MessageKey, string>;
