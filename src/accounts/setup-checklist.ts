/**
 * What a new node's admins still have to do (issue 23): name the co-op, write its
 * rules, choose who can join, make the first invite. Each step is read from the
 * data itself (the stored settings, the invites), never from a stored flag, so
 * it stays true when a step is undone or was done another way (the CLI).
 */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import { DEFAULT_COOP_NAME } from "./coop.ts";

export const setupSteps = ["name", "rules", "registration", "invite"] as const;
export type SetupStep = (typeof setupSteps)[number];

/** Each step, done or not. */
export async function setupChecklist(db: Kysely<Schema>): Promise<Record<SetupStep, boolean>> {
  const rows = await db
    .selectFrom("settings")
    .select(["key", "value"])
    .where("key", "in", ["coop.name", "coop.rules", "coop.registration"])
    .execute();
  const stored = new Map(rows.map((r) => [r.key, r.value]));
  const invite = await db.selectFrom("invites").select("code").limit(1).executeTakeFirst();
  const name = stored.get("coop.name")?.trim() ?? "";
  return {
    name: name !== "" && name !== DEFAULT_COOP_NAME,
    rules: (stored.get("coop.rules")?.trim() ?? "") !== "",
    // Saved once by an admin: the mode is then a choice, not the configuration's default.
    registration: stored.has("coop.registration"),
    invite: invite !== undefined,
  };
}
