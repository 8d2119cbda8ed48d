/**
 * FEP-0837 documents from other nodes → plain input for the agreements
 * capability. Every field is bounded, links are http(s) only, quantities are
 * decimals with at most three places (thousandths of the unit). Documents are
 * read in their compact ActivityStreams form, as FEP-0837 prints them; the
 * published examples' quirks are accepted: `satisfies` as a string (their
 * context does not declare it an @id) and the Accept example's `stiplulates`.
 * Nothing here touches the database (plainActivity reads embedded objects only,
 * or fetches with the loader it is given).
 */

import { Accept, type Activity, Agreement, Offer, Reject } from "@fedify/vocab";
import type { DocumentLoader } from "@fedify/vocab-runtime";
import { z } from "zod";
import type { EconAction } from "../../db/schema/economy.ts";
import type { ReceivedOffer } from "../../economy/agreements/offers.ts";
import type { RemoteProposal } from "../../economy/agreements/remote-proposals.ts";
import { MAX_NOTE, MAX_QUANTITY } from "../../economy/agreements/rules.ts";
import { categorySchema } from "../../economy/market/rules.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { date, isHttpUrl, one, text, url } from "../extension-schemas.ts";

const ACTIONS = ["transfer", "deliverService", "produce", "consume", "work"] as const;
export const MUTUAL_CREDIT = "https://w3id.org/valueflows/ont/vf#MutualCredit";
const ISO_4217 = "urn:iso:std:iso:4217:";
const AS = "https://www.w3.org/ns/activitystreams#";

/** The first problem, with where it is (for the log line that skips the activity). */
const issue = (error: z.ZodError, fallback: string) => {
  const first = error.issues[0];
  return first ? `${first.path.join(".") || "document"}: ${first.message}` : fallback;
};

/** A link: a URL string or an object with an `id` (compacted either way). */
const ref = z.union([url, z.object({ id: url }).transform((o) => o.id)]);
/**
 * What a resource conforms to: a link, or a URN (an identifier, never fetched).
 * Compaction with our own context turns the credit's IRI into the CURIE.
 */
const spec = z.union([
  z.literal("vf:MutualCredit").transform(() => MUTUAL_CREDIT),
  ref,
  z
    .string()
    .max(200)
    .regex(/^urn:[a-z0-9][a-z0-9-]{0,31}:[^\s]+$/i),
]);
const typed = (name: string) =>
  z.union([
    z.literal(name),
    z
      .array(z.string().max(200))
      .max(8)
      .refine((t) => t.includes(name)),
  ]);

/** "2.5" → 2500 thousandths; more than three decimal places or out of range is refused. */
const thousandths = z.union([z.string().max(32), z.number()]).transform((v, zctx) => {
  const m = /^\s*(\d{1,13})(?:\.(\d{1,3})0*)?\s*$/.exec(String(v));
  const value = m ? Number(m[1]) * 1000 + Number((m[2] ?? "").padEnd(3, "0")) : Number.NaN;
  if (!Number.isSafeInteger(value) || value > MAX_QUANTITY) {
    zctx.addIssue({ code: "custom", message: "not a quantity" });
    return z.NEVER;
  }
  return value;
});

const measure = z.object({
  hasUnit: z.string().min(1).max(64),
  hasNumericalValue: thousandths.optional(),
});

const intent = z.object({
  id: url.optional(),
  type: typed("Intent").optional(),
  action: z.enum(ACTIONS),
  resourceConformsTo: spec.optional(),
  resourceQuantity: measure,
  availableQuantity: measure.optional(),
  minimumQuantity: measure.optional(),
});

const place = z.object({
  name: text(200).optional(),
  latitude: z.number().min(-90).max(90).optional(),
  longitude: z.number().min(-180).max(180).optional(),
});

const proposal = z.object({
  id: url,
  type: typed("Proposal"),
  purpose: z.enum(["offer", "request"]),
  attributedTo: one(ref),
  name: text(200).optional(),
  content: text(20_000).optional(),
  published: date.optional(),
  location: one(place).optional(),
  publishes: intent,
  reciprocal: intent.optional(),
  unitBased: z.boolean().optional(),
  startTime: date.optional(),
  endTime: date.optional(),
  audience: one(ref).optional(),
  tag: z
    .union([z.array(z.unknown()).max(50), z.object({}).passthrough()])
    .optional()
    .transform((t) => (t === undefined ? [] : Array.isArray(t) ? t : [t])),
});

/** Plain text from a proposal's HTML `content` (what we store as its note). */
export function textOf(html: string): string {
  return html
    .replace(/<br\s*\/?>|<\/p>/gi, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .trim();
}

/** The name a ledger counts credit in ("hours"), as a Measure's unit says; not the bare word. */
const creditUnit = (unit: string) =>
  unit !== "credit" && /^[\p{L}][\p{L}\p{N} ._-]{0,15}$/u.test(unit) ? unit : "";

const categoryOf = (tags: unknown[]) => {
  for (const t of tags) {
    // Compacted with our context the type is "as:Hashtag"; elsewhere "Hashtag".
    const parsed = z
      .object({ type: z.enum(["Hashtag", "as:Hashtag", `${AS}Hashtag`]), name: text(100) })
      .safeParse(t);
    if (!parsed.success) continue;
    const category = categorySchema.safeParse(parsed.data.name.replace(/^#/, ""));
    if (category.success) return category.data;
  }
  return "";
};

/**
 * A Proposal document → a copy to keep. `agentKind` comes from the actor's type
 * (an Organization is a co-op), which the document does not carry.
 */
export function parseProposal(
  doc: unknown,
  agentKind: "person" | "coop",
): Result<RemoteProposal, string> {
  const parsed = proposal.safeParse(doc);
  if (!parsed.success) return fail(issue(parsed.error, "not a Proposal"));
  const p = parsed.data;
  const primary = p.publishes;
  const unit = primary.resourceQuantity.hasUnit;
  const amount = primary.resourceQuantity.hasNumericalValue;
  // unitBased: amounts are multiples of the stated one (our unit price is per unit);
  // not unit-based: the stated amount is the whole deal.
  const quantity = primary.availableQuantity?.hasNumericalValue ?? amount ?? 0;
  if (quantity <= 0) return fail("no quantity");
  const available = primary.availableQuantity?.hasNumericalValue ?? quantity;
  const minimum =
    primary.minimumQuantity?.hasNumericalValue ?? (p.unitBased === false ? quantity : 0);
  const r = p.reciprocal;
  const conforms = r?.resourceConformsTo ?? "";
  const reciprocity = !r ? "gift" : conforms === MUTUAL_CREDIT ? "credit" : "money";
  const unitOfPayment = r?.resourceQuantity.hasUnit ?? "";
  const currency = conforms.startsWith(ISO_4217)
    ? conforms.slice(ISO_4217.length, ISO_4217.length + 3)
    : reciprocity === "credit"
      ? creditUnit(unitOfPayment)
      : /^[A-Z]{3}$/.test(unitOfPayment)
        ? unitOfPayment
        : "";
  // The reciprocal amount is for `amount` (unit-based) or for the whole quantity; to minor units.
  const price = r?.resourceQuantity.hasNumericalValue ?? 0;
  const per = p.unitBased === false ? quantity : (amount ?? 1000);
  const unitPrice = per > 0 ? Math.round(((price / 1000) * 100 * 1000) / per) : 0;
  const where = p.location;
  const audience = p.audience;
  return ok({
    uri: p.id,
    purpose: p.purpose,
    agentUri: p.attributedTo,
    agentKind,
    groupUri: audience && isHttpUrl(audience) ? audience : null,
    specUri: primary.resourceConformsTo ?? `${p.id}#resource`,
    name: (p.name ?? "").trim() || textOf(p.content ?? "").slice(0, 80) || "—",
    note: textOf(p.content ?? "").slice(0, MAX_NOTE),
    category: categoryOf(p.tag),
    unit,
    quantity,
    available: Math.min(available, quantity),
    minimum: Math.min(minimum, quantity),
    placeName: where?.name ?? "",
    latitude: where?.latitude ?? null,
    longitude: where?.longitude ?? null,
    availableFrom: p.startTime ?? null,
    availableUntil: p.endTime ?? null,
    reciprocity,
    unitPrice: Number.isSafeInteger(unitPrice) ? unitPrice : 0,
    currency,
    action: primary.action as EconAction,
    published: p.published ?? new Date(0).toISOString(),
  });
}

const commitment = z.object({
  id: url.optional(),
  type: typed("Commitment").optional(),
  satisfies: ref,
  resourceQuantity: measure,
});

const agreement = z
  .object({
    id: url.optional(),
    type: typed("Agreement"),
    stipulates: commitment.optional(),
    // FEP-0837's Accept example spells it so.
    stiplulates: commitment.optional(),
    stipulatesReciprocal: commitment.optional(),
  })
  .transform((a, zctx) => {
    const primary = a.stipulates ?? a.stiplulates;
    if (!primary) {
      zctx.addIssue({ code: "custom", message: "no primary commitment" });
      return z.NEVER;
    }
    return { id: a.id ?? null, primary, reciprocal: a.stipulatesReciprocal ?? null };
  });

export type ParsedAgreement = z.output<typeof agreement>;

/** An Agreement (an Offer's object, an Accept's result). */
export function parseAgreement(doc: unknown): Result<ParsedAgreement, string> {
  const parsed = agreement.safeParse(doc);
  if (!parsed.success) return fail(issue(parsed.error, "not an Agreement"));
  if (parsed.data.primary.resourceQuantity.hasNumericalValue === undefined)
    return fail("the commitment has no quantity");
  return ok(parsed.data);
}

const minorUnits = (thousandths: number | undefined) =>
  thousandths === undefined ? null : Math.round(thousandths / 10);

/** An Offer(Agreement) activity → what receiveOffer needs. */
export function parseOffer(
  activity: unknown,
): Result<Omit<ReceivedOffer, "responderUri"> & { actorUri: string }, string> {
  const parsed = z
    .object({
      id: url,
      type: typed("Offer"),
      actor: one(ref),
      object: z.unknown(),
      content: text(MAX_NOTE * 4).optional(),
    })
    .safeParse(activity);
  if (!parsed.success) return fail(issue(parsed.error, "not an Offer"));
  const a = parseAgreement(parsed.data.object);
  if (!a.ok) return a;
  return ok({
    offerActivityUri: parsed.data.id,
    actorUri: parsed.data.actor,
    agreementUri: a.value.id,
    satisfies: a.value.primary.satisfies,
    unit: a.value.primary.resourceQuantity.hasUnit,
    quantity: a.value.primary.resourceQuantity.hasNumericalValue ?? 0,
    // Money and credit travel as decimals of the unit; we keep minor units (hundredths).
    reciprocalQuantity: minorUnits(a.value.reciprocal?.resourceQuantity.hasNumericalValue),
    note: textOf(parsed.data.content ?? "").slice(0, MAX_NOTE),
  });
}

/** An Accept/Reject of an Offer → the answer (Accept's `result` is the finalized Agreement). */
export function parseAnswer(activity: unknown): Result<
  {
    id: string;
    kind: "Accept" | "Reject";
    actorUri: string;
    offerUri: string;
    finalUri: string | null;
    reason: string;
  },
  string
> {
  const parsed = z
    .object({
      id: url,
      type: z.enum(["Accept", "Reject"]),
      actor: one(ref),
      object: ref,
      result: z.unknown().optional(),
      content: text(MAX_NOTE * 4).optional(),
    })
    .safeParse(activity);
  if (!parsed.success) return fail(issue(parsed.error, "not an answer"));
  const result = parsed.data.result === undefined ? null : parseAgreement(parsed.data.result);
  if (result && !result.ok) return result;
  return ok({
    id: parsed.data.id,
    kind: parsed.data.type,
    actorUri: parsed.data.actor,
    offerUri: parsed.data.object,
    finalUri: result?.ok ? result.value.id : null,
    reason: textOf(parsed.data.content ?? "").slice(0, MAX_NOTE),
  });
}

const economicEvent = z.object({
  id: url,
  type: typed("EconomicEvent"),
  action: z.enum(ACTIONS),
  provider: ref,
  receiver: ref,
  fulfills: ref,
  resourceQuantity: measure,
  hasPointInTime: date,
  note: text(MAX_NOTE * 4).optional(),
});

/** An EconomicEvent document (served by the node that recorded it). */
export function parseEconomicEvent(doc: unknown, expectedId: string) {
  const parsed = economicEvent.safeParse(doc);
  if (!parsed.success)
    return fail(issue(parsed.error, "not an EconomicEvent")) as Result<never, string>;
  const e = parsed.data;
  if (e.id !== expectedId) return fail("the document is not the one asked for");
  if (!e.resourceQuantity.hasNumericalValue) return fail("no quantity");
  // A payment (what is given in return) is written in money's units, "6.00", and kept in
  // hundredths, as the Agreement's reciprocal commitment; resources in thousandths.
  const payment = e.fulfills.endsWith("#reciprocal");
  const quantity = payment
    ? minorUnits(e.resourceQuantity.hasNumericalValue)
    : e.resourceQuantity.hasNumericalValue;
  if (!quantity) return fail("no quantity");
  return ok({
    uri: e.id,
    fulfils: e.fulfills,
    action: e.action as EconAction,
    quantity,
    note: (e.note ?? "").slice(0, MAX_NOTE),
    occurredAt: e.hasPointInTime,
  });
}

/**
 * An Offer, Accept or Reject as Fedify parsed it → the compact form the parsers
 * above read. Fedify compacts an outgoing Offer with the ActivityStreams context
 * only, so on the wire its Agreement's ValueFlows terms are full IRIs; the
 * Agreement object itself compacts with its own context (which declares
 * `satisfies` an @id), so it is re-serialised on its own.
 */
export async function plainActivity(
  activity: Activity,
  documentLoader?: DocumentLoader,
): Promise<Record<string, unknown>> {
  const options = { documentLoader, suppressError: true } as const;
  const object =
    activity instanceof Offer ? await activity.getObject(options).catch(() => null) : null;
  const result = await activity.getResult(options).catch(() => null);
  const type =
    activity instanceof Offer
      ? "Offer"
      : activity instanceof Accept
        ? "Accept"
        : activity instanceof Reject
          ? "Reject"
          : "Activity";
  return {
    id: activity.id?.href,
    type,
    actor: activity.actorId?.href,
    object: object instanceof Agreement ? await object.toJsonLd() : activity.objectId?.href,
    ...(result instanceof Agreement ? { result: await result.toJsonLd() } : {}),
    ...(activity.content ? { content: activity.content.toString() } : {}),
  };
}
