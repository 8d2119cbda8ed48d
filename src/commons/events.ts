/**
 * The outbox events of the data commons (src/db/outbox.ts). Payloads carry ids
 * only: never a contributed value. federation/commons/relay-handlers.ts turns a
 * federation's dataset, question and each member node's answer into activities.
 */
import { z } from "zod";
import { defineEvents } from "../db/outbox.ts";

const dataset = z.object({ datasetId: z.string() });

export const commonsEvents = defineEvents("commons", {
  "commons.dataset.declared": dataset,
  "commons.dataset.hidden": dataset,
  "commons.contribution.recorded": z.object({ datasetId: z.string(), consentId: z.string() }),
  "commons.contribution.withdrawn": z.object({ datasetId: z.string(), consentId: z.string() }),
  "commons.release.published": z.object({ datasetId: z.string(), releaseId: z.string() }),
  "commons.dataset.budget-changed": dataset,
  "commons.federated-query.asked": z.object({ queryId: z.string() }),
  "commons.federated-query.published": z.object({ queryId: z.string() }),
  "commons.federated-answer.recorded": z.object({ answerId: z.string() }),
});
