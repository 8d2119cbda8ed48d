/**
 * The outbox events of moving in and out (src/db/outbox.ts): type → the schema
 * of its payload. The relay's handlers are in src/federation/moving/.
 */
import { z } from "zod";
import { defineEvents } from "../db/outbox.ts";

export const movingEvents = defineEvents("moving", {
  /**
   * A member moved to another account (which lists them in alsoKnownAs): Move to
   * their followers, then the member's followers here follow the new account.
   */
  "moving.account.moved": z.object({ accountId: z.string(), targetUri: z.string() }),
  /** An import has rows left to apply: the worker resolves and applies the next few. */
  "moving.import.queued": z.object({ importId: z.string() }),
});
