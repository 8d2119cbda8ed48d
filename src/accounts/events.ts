/**
 * The outbox events the accounts area records (src/db/outbox.ts): type → the
 * schema of its payload. The relay parses stored payloads with the same schemas.
 */
import { z } from "zod";
import { defineEvents } from "../db/outbox.ts";

const account = z.object({ accountId: z.string() });

export const accountsEvents = defineEvents("accounts", {
  /** Profile or follow policy changed: Update(Person) to followers. */
  "accounts.account.updated": account,
  /** The member deleted their account: Delete(Person). */
  "accounts.account.deleted": account,
});
