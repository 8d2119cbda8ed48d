/**
 * The outbox events of decisions across nodes (elsewhere.ts): a member here
 * voted in a decision hosted elsewhere, so the Ballot goes to the host's Group.
 */
import { z } from "zod";
import { defineEvents } from "../../db/outbox.ts";

export const decisionFederationEvents = defineEvents("decisions", {
  /** `changed`: a replaced vote (sent as Update of the same Ballot). */
  "decisions.ballot.sent": z.object({ ballotId: z.string(), changed: z.boolean() }),
});
