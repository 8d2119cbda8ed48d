/**
 * The outbox events of the data commons (src/db/outbox.ts). Payloads carry ids
 * only: never a contributed value. Nothing federates them yet; a later federation
 * layer will turn `commons.release.published` into a signed release activity.
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
});
