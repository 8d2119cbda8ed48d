import type { Migration } from "kysely";
import * as m0001 from "./0001_foundation.ts";
import * as m0002 from "./0002_accounts.ts";
import * as m0003 from "./0003_federation.ts";
import * as m0004 from "./0004_social.ts";
import * as m0005 from "./0005_groups.ts";
import * as m0006 from "./0006_api.ts";
import * as m0007 from "./0007_post_edits.ts";
import * as m0008 from "./0008_groups_moderation.ts";
import * as m0009 from "./0009_email_change.ts";
import * as m0011 from "./0011_remote_pins.ts";
import * as m0012 from "./0012_client_features.ts";
import * as m0013 from "./0013_http_urls_only.ts";
import * as m0014 from "./0014_one_content_model.ts";
import * as m0015 from "./0015_event_names.ts";
import * as m0016 from "./0016_group_reports.ts";
import * as m0017 from "./0017_decisions.ts";
import * as m0018 from "./0018_articles.ts";
import * as m0020 from "./0020_newsletters.ts";
import * as m0021 from "./0021_search.ts";
import * as m0022 from "./0022_decision_federation.ts";
import * as m0023 from "./0023_delivery_stats.ts";
import * as m0024 from "./0024_decision_outsiders.ts";
import * as m0025 from "./0025_budgeting.ts";
import * as m0026 from "./0026_decision_weights.ts";
import * as m0028 from "./0028_moving.ts";
import * as m0029 from "./0029_remote_media.ts";
import * as m0030 from "./0030_budgeting_sources.ts";
import * as m0031 from "./0031_budgeting_federation.ts";
import * as m0032 from "./0032_commons.ts";
import * as m0033 from "./0033_economy.ts";
import * as m0034 from "./0034_indicators.ts";
import * as m0035 from "./0035_budgeting_proposals_elsewhere.ts";
import * as m0036 from "./0036_commons_federation.ts";
import * as m0037 from "./0037_actor_stats.ts";
import * as m0038 from "./0038_economy_market.ts";
import * as m0039 from "./0039_economy_agreements.ts";
import * as m0040 from "./0040_credit.ts";
import * as m0041 from "./0041_commons_withdrawn_index.ts";
import * as m0042 from "./0042_notification_badge.ts";
import * as m0043 from "./0043_plan_rounds.ts";
import * as m0045 from "./0045_staff_notices.ts";
import * as m0046 from "./0046_form_uploads.ts";
import * as m0047 from "./0047_opsroom_computed.ts";
import * as m0048 from "./0048_remote_actor_counts.ts";
import * as m0049 from "./0049_pins_post.ts";
import * as m0050 from "./0050_budgeting_comments.ts";
import * as m0052 from "./0052_plan_hours_credit_answers.ts";

/** Every migration, by name; names sort in the order they must run. */
export const migrations: Record<string, Migration> = {
  "0001_foundation": m0001,
  "0002_accounts": m0002,
  "0003_federation": m0003,
  "0004_social": m0004,
  "0005_groups": m0005,
  "0006_api": m0006,
  "0007_post_edits": m0007,
  "0008_groups_moderation": m0008,
  "0009_email_change": m0009,
  "0011_remote_pins": m0011,
  "0012_client_features": m0012,
  "0013_http_urls_only": m0013,
  "0014_one_content_model": m0014,
  "0015_event_names": m0015,
  "0016_group_reports": m0016,
  "0017_decisions": m0017,
  "0018_articles": m0018,
  "0020_newsletters": m0020,
  "0021_search": m0021,
  "0022_decision_federation": m0022,
  "0023_delivery_stats": m0023,
  "0024_decision_outsiders": m0024,
  "0025_budgeting": m0025,
  "0026_decision_weights": m0026,
  "0028_moving": m0028,
  "0029_remote_media": m0029,
  "0030_budgeting_sources": m0030,
  "0031_budgeting_federation": m0031,
  "0032_commons": m0032,
  "0033_economy": m0033,
  "0034_indicators": m0034,
  "0035_budgeting_proposals_elsewhere": m0035,
  "0036_commons_federation": m0036,
  "0037_actor_stats": m0037,
  "0038_economy_market": m0038,
  "0039_economy_agreements": m0039,
  "0040_credit": m0040,
  "0041_commons_withdrawn_index": m0041,
  "0042_notification_badge": m0042,
  "0043_plan_rounds": m0043,
  "0048_remote_actor_counts": m0048,
  "0045_staff_notices": m0045,
  "0046_form_uploads": m0046,
  "0047_opsroom_computed": m0047,
  "0049_pins_post": m0049,
  "0050_budgeting_comments": m0050,
  "0052_plan_hours_credit_answers": m0052,
};
