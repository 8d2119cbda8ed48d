/**
 * The marketplace's outbox events (src/db/outbox.ts): ids only. The agreements
 * area (federation/economy) relays them as Create/Update/Delete(Proposal) to the
 * agent's followers and the proposal's federation group.
 */
import { z } from "zod";
import { defineEvents } from "../../db/outbox.ts";

const proposal = z.object({ proposalId: z.string() });

export const marketEvents = defineEvents("economy", {
  /** An offer or need was published here. */
  "economy.proposal.created": proposal,
  /** Its agent edited, closed or reopened it, or a moderator hid or showed it again. */
  "economy.proposal.updated": proposal,
  /** Its agent withdrew it (its copies elsewhere go: Delete). */
  "economy.proposal.deleted": proposal,
  /**
   * A member here reported a copy of a proposal published elsewhere and asked to
   * forward it: a Flag from the co-op to the publisher's node (Mastodon's "forward").
   */
  "economy.proposal.report.forwarded": z.object({ reportId: z.string() }),
  /** A catalogue entry of a federation group hosted here was proposed, accepted or rejected. */
  "economy.spec.updated": z.object({ specId: z.string() }),
});
