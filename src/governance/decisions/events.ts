/**
 * The outbox events the decisions area records (src/db/outbox.ts): type → the
 * schema of its payload. A secret ballot's vote event names the decision only:
 * the outbox must not become the link between a voter and a ballot.
 */
import { z } from "zod";
import { defineEvents } from "../../db/outbox.ts";

const decision = z.object({ decisionId: z.string() });

export const decisionsEvents = defineEvents("decisions", {
  /** A decision opened in a group's thread (its post has its own groups.post.created). */
  "decisions.decision.created": decision,
  /** The proposal or its options changed; votes were cleared and a new round began. */
  "decisions.decision.amended": decision,
  /** Someone voted or changed their vote: the counts changed (results go out as Update). */
  "decisions.vote.cast": decision,
  /** Voting ended and the tally is stored. */
  "decisions.decision.closed": decision,
  /** The written outcome and review date were recorded and announced in the thread. */
  "decisions.outcome.recorded": decision,
});
