/**
 * A member's data in the commons, for the export archive and account deletion:
 * their contributed rows (values as given) and their consent log. Deleting the
 * account deletes both at once: unlike a withdrawal, erasure does not wait for
 * the next budget period. Releases already published stay (they are aggregates
 * with noise, and other members' too).
 */
import type { AccountDataContributor } from "../accounts/data.ts";
import { consentLog, decodeRow } from "./contributions.ts";
import { withFields } from "./datasets.ts";

export const commonsContributor: AccountDataContributor = {
  name: "commons",
  async export(db, accountId) {
    const rows = await db
      .selectFrom("commons_rows as r")
      .innerJoin("commons_datasets as d", "d.id", "r.dataset_id")
      .selectAll("r")
      .select(["d.fields as dataset_fields", "d.uri as dataset_uri"])
      .where("r.account_id", "=", accountId)
      .orderBy("r.id")
      .execute();
    return {
      rows: rows.map((r) => ({
        dataset: r.dataset_uri,
        createdAt: r.created_at,
        withdrawnAt: r.withdrawn_at,
        excludedFrom: r.excluded_from,
        values: decodeRow(withFields({ fields: r.dataset_fields } as never).fieldList, r),
      })),
      consents: await consentLog(db, accountId),
    };
  },
  async erase(trx, accountId) {
    await trx.deleteFrom("commons_rows").where("account_id", "=", accountId).execute();
    await trx.deleteFrom("commons_consents").where("account_id", "=", accountId).execute();
    await trx.deleteFrom("commons_reports").where("reporter_id", "=", accountId).execute();
  },
};
