/**
 * What an offer or need must be (the edges parse with it; the capability parses
 * again): a name, a category, an OM2 unit, quantities in thousandths with the
 * minimum order not above the quantity, a place given by both coordinates or
 * none, an availability window that ends after it starts, and reciprocity that
 * fits its price (a gift has none; credit and money have one; money names an
 * ISO 4217 currency). Pure: no database.
 */
import { z } from "zod";
import { MAX_QUANTITY, UNIT_IDS } from "./units.ts";

export const MAX_IMAGES = 4;
export const PURPOSES = ["offer", "request"] as const;
export const RECIPROCITIES = ["gift", "credit", "money"] as const;
export const MAX_UNIT_PRICE = 1_000_000_000_000;

/** Categories are short lower-case words ("vegetables", "repair services"). */
export const categorySchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(60)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} &'-]*$/u);

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)));

const imageSchema = z.strictObject({
  mediaId: z.string().min(1).max(64),
  alt: z.string().trim().max(1500).default(""),
});

/** Hours one unit may take: beyond that a number is a typo. */
export const MAX_HOURS_PER_UNIT = 10_000;

export const proposalSchema = z
  .strictObject({
    purpose: z.enum(PURPOSES),
    /** Published as the co-op (its Organization), not as the member. */
    asCoop: z.boolean().default(false),
    /** The federation of co-ops it is published to (its catalogue, its ledger). */
    groupUri: z.string().max(2048).nullable().default(null),
    /** An accepted entry of that federation's catalogue. */
    specId: z.string().min(1).max(64).nullable().default(null),
    name: z.string().trim().min(1).max(200),
    note: z.string().trim().max(5000).default(""),
    category: categorySchema,
    unit: z.enum(UNIT_IDS),
    quantity: z.number().int().min(1).max(MAX_QUANTITY),
    minimum: z.number().int().min(0).max(MAX_QUANTITY).default(0),
    /** An offer's labour hours per unit (plan rounds count them against the co-op's hours). */
    hoursPerUnit: z.number().finite().min(0).max(MAX_HOURS_PER_UNIT).nullable().default(null),
    placeName: z.string().trim().max(200).default(""),
    latitude: z.number().min(-90).max(90).nullable().default(null),
    longitude: z.number().min(-180).max(180).nullable().default(null),
    availableFrom: day.nullable().default(null),
    availableUntil: day.nullable().default(null),
    reciprocity: z.enum(RECIPROCITIES),
    unitPrice: z.number().int().min(0).max(MAX_UNIT_PRICE).default(0),
    currency: z.string().trim().max(16).default(""),
    images: z.array(imageSchema).max(MAX_IMAGES).default([]),
  })
  .superRefine((p, issues) => {
    const problem = (path: string, message: string) =>
      issues.addIssue({ code: "custom", path: [path], message });
    if (p.minimum > p.quantity) problem("minimum", "above the quantity");
    if (p.purpose === "request" && p.hoursPerUnit !== null)
      problem("hoursPerUnit", "only an offer takes hours");
    if ((p.latitude === null) !== (p.longitude === null))
      problem("latitude", "give both coordinates or neither");
    if (p.availableFrom && p.availableUntil && p.availableUntil < p.availableFrom)
      problem("availableUntil", "before the start");
    if (p.reciprocity === "gift" && p.unitPrice !== 0) problem("unitPrice", "a gift has no price");
    if (p.reciprocity !== "gift" && p.unitPrice < 1) problem("unitPrice", "give a price");
    if (p.reciprocity === "money" && !/^[A-Z]{3}$/.test(p.currency))
      problem("currency", "an ISO 4217 code such as EUR");
    if (p.groupUri !== null && !/^https?:\/\//.test(p.groupUri)) problem("groupUri", "not a URL");
  });

export type ProposalInput = z.input<typeof proposalSchema>;
export type ParsedProposal = z.output<typeof proposalSchema>;

/** The first problem's field (what a form or an app is told), or null. */
export function proposalProblem(input: unknown): { field: string; message: string } | null {
  const parsed = proposalSchema.safeParse(input);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0];
  return { field: String(issue?.path[0] ?? "proposal"), message: issue?.message ?? "invalid" };
}
