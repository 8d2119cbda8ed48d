/**
 * The outbox events of participatory budgeting (src/db/outbox.ts): type → the
 * schema of its payload. Payloads carry ids only. The ballot and results events
 * are recorded by ballots.ts and counting.ts; a secret ballot's event names the
 * process and district only, never the voter.
 */
import { z } from "zod";
import { defineEvents } from "../../../db/outbox.ts";

const process = z.object({ processId: z.string() });
const project = z.object({ processId: z.string(), projectId: z.string() });

export const budgetingEvents = defineEvents("budgeting", {
  /** A process opened in a group (phase "proposing"). */
  "budgeting.process.created": process,
  /** The process moved to another phase (`phase` is the new one). */
  "budgeting.process.phase-changed": process.extend({ phase: z.string() }),
  /**
   * A project was proposed, or its author edited or withdrew it (`change`; a
   * copy's relay sends Create, Update or Delete to the host by it).
   */
  "budgeting.project.proposed": project.extend({
    change: z.enum(["propose", "edit", "withdraw"]).optional(),
  }),
  /** A moderator reviewed (feasible, infeasible, adjusted, merged) or hid a project. */
  "budgeting.project.reviewed": project,
  /** A progress update on a funded project (implementation). */
  "budgeting.project.progressed": project.extend({ updateId: z.string() }),
  /** A ballot was cast, changed or withdrawn (recorded by ballots.ts). */
  "budgeting.ballot.cast": process.extend({ districtId: z.string() }),
  /** A comment on a project was posted here, or arrived (comments.ts). */
  "budgeting.comment.posted": project.extend({ commentId: z.string() }),
  /** A comment was removed by a moderator or its author (comments.ts). */
  "budgeting.comment.removed": project.extend({ commentId: z.string() }),
  /** The results of every district are stored (recorded by counting.ts). */
  "budgeting.results.counted": process,
});
