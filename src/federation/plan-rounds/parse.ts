/**
 * A PlanRound document from a federation's node → plain input, bounded: every
 * string capped, numbers finite, URLs http(s), statuses and answers from our
 * lists, at most MAX_COMMITMENTS commitments (a co-op's part). A document
 * whose `id` is not the URI it was fetched from is refused, as is one whose
 * commitments are not the round's own (their ids under the round's).
 */
import { z } from "zod";
import type { ReceivedPlan } from "../../economy/plan-rounds/copies.ts";
import { weightsSchema } from "../../economy/plan-rounds/rules.ts";

export const MAX_COMMITMENTS = 5000;
const url = z
  .string()
  .max(2000)
  .refine((u) => /^https?:\/\//.test(u) && URL.canParse(u), "not an http(s) URL");
const num = z.number().finite().min(-1e15).max(1e15);
const text = (max: number) => z.string().max(max);
const answer = z.enum(["accepted", "rejected"]).optional();

const commitmentSchema = z.object({
  id: url,
  type: z.literal("Commitment"),
  revision: z.number().int().min(1).max(100),
  provider: url,
  receiver: url,
  resourceConformsTo: url,
  name: text(200).min(1),
  unit: text(40),
  quantity: z.number().int().min(1).max(1e15),
  offer: url,
  request: url,
  unitCost: num,
  destinationPrice: num,
  marginalCost: num,
  supplyPrice: num,
  providerAnswer: answer,
  receiverAnswer: answer,
});

const planSchema = z.object({
  id: url,
  type: z.literal("PlanRound"),
  attributedTo: url,
  name: text(200).min(1),
  status: z.enum(["open", "accepting", "re-solving", "closed", "infeasible"]),
  endTime: z.iso.datetime({ offset: true }),
  revision: z.number().int().min(0).max(100),
  solverVersion: text(100),
  weights: weightsSchema,
  diagnosis: z
    .array(
      z.object({
        coop: url,
        specUri: text(2000),
        name: text(200),
        unit: text(40),
        minimum: num,
        delivered: num,
      }),
    )
    .max(MAX_COMMITMENTS)
    .optional(),
  commitments: z.array(commitmentSchema).max(MAX_COMMITMENTS),
});

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };
const problem = (e: z.ZodError) =>
  e.issues
    .slice(0, 5)
    .map((i) => `${i.path.join(".") || "(document)"}: ${i.message}`)
    .join("; ");

export function parsePlanDocument(doc: unknown, fetchedFrom: string): Parsed<ReceivedPlan> {
  const r = planSchema.safeParse(doc);
  if (!r.success) return { ok: false, reason: problem(r.error) };
  const d = r.data;
  if (d.id !== fetchedFrom) return { ok: false, reason: "id is not where it was fetched from" };
  if (new URL(d.attributedTo).origin !== new URL(d.id).origin)
    return { ok: false, reason: "the round is not its group's node's" };
  if (d.commitments.some((c) => !c.id.startsWith(`${d.id}/commitments/`)))
    return { ok: false, reason: "a commitment is not the round's" };
  return {
    ok: true,
    value: {
      uri: d.id,
      groupUri: d.attributedTo,
      title: d.name,
      status: d.status,
      deadline: new Date(d.endTime).toISOString(),
      revision: d.revision,
      solverVersion: d.solverVersion,
      weights: d.weights,
      diagnosis: d.diagnosis ?? null,
      commitments: d.commitments.map((c) => ({
        uri: c.id,
        revision: c.revision,
        providerUri: c.provider,
        receiverUri: c.receiver,
        specUri: c.resourceConformsTo,
        name: c.name,
        unit: c.unit,
        quantity: c.quantity,
        offerUri: c.offer,
        requestUri: c.request,
        unitCost: c.unitCost,
        destinationPrice: c.destinationPrice,
        marginalCost: c.marginalCost,
        supplyPrice: c.supplyPrice,
        providerAnswer: c.providerAnswer ?? null,
        receiverAnswer: c.receiverAnswer ?? null,
      })),
    },
  };
}
