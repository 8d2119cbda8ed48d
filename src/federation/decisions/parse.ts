/**
 * Decision and Ballot documents from other nodes to plain input: the edge where
 * their JSON is checked. Only our vocabulary's compact form is read (the context
 * must carry our namespace); ids must be the URI that was fetched, links http(s),
 * every string and list capped, and the free JSON parts (settings, tally, choice)
 * plain JSON without prototype keys. The rule-specific check of a choice is the
 * counting engine's (validateChoice), made by the host against its own settings.
 */
import { z } from "zod";
import { MAX_WEIGHT } from "../../governance/decisions/constants.ts";
import type { RemoteDecisionInput } from "../../governance/decisions/elsewhere.ts";
import { MAX_OPTIONS, MAX_REASON_LENGTH, RULES } from "../../governance/decisions/types.ts";
import { validateSettings } from "../../governance/decisions/validate.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { date, isHttpUrl, one, text, url } from "../extension-schemas.ts";
import { DECISIONS_NS } from "./vocab.ts";

export const MAX_TITLE_LENGTH = 500;
export const MAX_BODY_LENGTH = 50_000;
export const MAX_LABEL_LENGTH = 500;
export const MAX_OUTCOME_LENGTH = 20_000;
/** A Schulze tally over 100 options holds two 100×100 matrices. */
const MAX_TALLY_NODES = 50_000;
const MAX_CHOICE_NODES = 1_000;
const MAX_DEPTH = 8;

export type DocumentProblem =
  | "not-an-object"
  | "not-our-vocabulary"
  | "wrong-type"
  | "wrong-id"
  | "bad-url"
  | "wrong-origin"
  | "bad-field"
  | "bad-settings"
  | "unsafe-json";

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Is `value` plain JSON (null, booleans, finite numbers, strings, arrays, plain
 * objects) within `maxNodes` values and MAX_DEPTH levels, without a key that
 * could reach a prototype? Returns a fresh copy, or null.
 */
export function plainJson(value: unknown, maxNodes: number): unknown {
  let nodes = 0;
  const copy = (v: unknown, depth: number): unknown => {
    if (++nodes > maxNodes || depth > MAX_DEPTH) throw new RangeError("too large");
    if (v === null || typeof v === "boolean" || typeof v === "string") return v;
    if (typeof v === "number") {
      if (!Number.isFinite(v)) throw new RangeError("not finite");
      return v;
    }
    if (Array.isArray(v)) return v.map((x) => copy(x, depth + 1));
    if (typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
      const out: Record<string, unknown> = Object.create(null);
      for (const key of Object.keys(v)) {
        if (FORBIDDEN_KEYS.has(key)) throw new RangeError("forbidden key");
        out[key] = copy((v as Record<string, unknown>)[key], depth + 1);
      }
      // A plain object again, now that no key can reach the prototype.
      return { ...out };
    }
    throw new RangeError("not JSON");
  };
  try {
    return copy(value, 0);
  } catch {
    return null;
  }
}

/** Does the document's @context carry our namespace (inline, as we send it)? */
function speaksOurVocabulary(doc: Record<string, unknown>): boolean {
  const context = doc["@context"];
  const list = Array.isArray(context) ? context : [context];
  return list.some(
    (c) => !!c && typeof c === "object" && (c as Record<string, unknown>).synco === DECISIONS_NS,
  );
}

function asDocument(
  raw: unknown,
  type: string,
  expectedId: string,
): Result<Record<string, unknown>, DocumentProblem> {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return fail("not-an-object");
  const doc = raw as Record<string, unknown>;
  if (!speaksOurVocabulary(doc)) return fail("not-our-vocabulary");
  if (doc.type !== type) return fail("wrong-type");
  if (typeof doc.id !== "string" || doc.id !== expectedId) return fail("wrong-id");
  if (!isHttpUrl(doc.id)) return fail("bad-url");
  return ok(doc);
}

const DecisionFields = z.object({
  attributedTo: one(url),
  audience: one(url),
  context: one(url).optional(),
  name: text(MAX_TITLE_LENGTH),
  content: text(MAX_BODY_LENGTH).default(""),
  rule: z.enum(RULES),
  options: z
    .array(
      z.object({
        name: text(MAX_LABEL_LENGTH),
        explanation: text(MAX_REASON_LENGTH).optional(),
      }),
    )
    .max(MAX_OPTIONS),
  settings: z.unknown().optional(),
  opens: date,
  closes: date,
  closed: date.optional(),
  ballotKind: z.enum(["named", "anonymous", "secret"]),
  resultsVisibility: z.enum(["always", "after-vote", "after-close"]),
  voteChanges: z.boolean(),
  // Absent from documents older than the setting: one vote per co-op.
  weighting: z.enum(["per-coop", "members"]).default("per-coop"),
  votersCount: z.number().int().min(0).max(1e9),
  round: z.number().int().min(0).max(1e6).default(0),
  tally: z.unknown().optional(),
  outcome: text(MAX_OUTCOME_LENGTH).optional(),
  reviewAt: date.optional(),
  published: date,
  updated: date.optional(),
});

/**
 * A fetched Decision document. `expectedId` is the URI it was fetched from (or
 * named by the activity): a document that names another id is refused. The
 * Group must live on the decision's node: a node hosts only its own groups' decisions.
 */
export function parseDecisionDocument(
  raw: unknown,
  expectedId: string,
): Result<RemoteDecisionInput, DocumentProblem> {
  const doc = asDocument(raw, "Decision", expectedId);
  if (!doc.ok) return doc;
  const fields = DecisionFields.safeParse(doc.value);
  if (!fields.success) return fail("bad-field");
  const f = fields.data;
  const origin = new URL(expectedId).origin;
  if (new URL(f.audience).origin !== origin) return fail("wrong-origin");
  if (f.context && new URL(f.context).origin !== origin) return fail("wrong-origin");
  const rest = f.settings === undefined ? {} : plainJson(f.settings, 100);
  if (!rest || typeof rest !== "object" || Array.isArray(rest)) return fail("unsafe-json");
  const settings = validateSettings({
    ...rest,
    rule: f.rule,
    options: f.options.map((o) => o.name),
  });
  if (!settings.ok) return fail("bad-settings");
  const tally = f.tally === undefined ? null : plainJson(f.tally, MAX_TALLY_NODES);
  if (f.tally !== undefined && (tally === null || typeof tally !== "object"))
    return fail("unsafe-json");
  return ok({
    uri: expectedId,
    groupUri: f.audience,
    threadUri: f.context ?? null,
    createdByUri: f.attributedTo,
    title: f.name,
    body: f.content,
    rule: f.rule,
    settings: settings.value,
    options: f.options.map((o) => ({ label: o.name, explanation: o.explanation ?? "" })),
    opensAt: f.opens,
    closesAt: f.closes,
    closedAt: f.closed ?? null,
    ballot: f.ballotKind,
    resultsVisibility: f.resultsVisibility,
    voteChanges: f.voteChanges,
    weighting: f.weighting,
    votersCount: f.votersCount,
    round: f.round,
    tally,
    outcome: f.outcome ?? null,
    reviewAt: f.reviewAt ?? null,
    createdAt: f.published,
    updatedAt: f.updated ?? f.published,
  });
}

const BallotFields = z.object({
  attributedTo: one(url),
  decision: url,
  choice: z.unknown(),
  onBehalfOf: url.optional(),
  coopMembers: z.number().int().min(1).max(MAX_WEIGHT).optional(),
  published: date,
  updated: date.optional(),
});

/** A vote from another node, before the host checks it against its decision. */
export interface RemoteBallotInput {
  uri: string;
  actorUri: string;
  decisionUri: string;
  /** Plain JSON; the host checks it with validateChoice. */
  choice: unknown;
  onBehalfOf: string | null;
  /** With onBehalfOf: the co-op's active members as its node reports them. */
  coopMembers: number | null;
  updatedAt: string;
}

/**
 * A fetched Ballot document. The voter and the co-op they speak for live on the
 * ballot's node (a node vouches only for its own people).
 */
export function parseBallotDocument(
  raw: unknown,
  expectedId: string,
): Result<RemoteBallotInput, DocumentProblem> {
  const doc = asDocument(raw, "Ballot", expectedId);
  if (!doc.ok) return doc;
  const fields = BallotFields.safeParse(doc.value);
  if (!fields.success) return fail("bad-field");
  const f = fields.data;
  const origin = new URL(expectedId).origin;
  if (new URL(f.attributedTo).origin !== origin) return fail("wrong-origin");
  if (f.onBehalfOf && new URL(f.onBehalfOf).origin !== origin) return fail("wrong-origin");
  const choice = plainJson(f.choice, MAX_CHOICE_NODES);
  if (choice === null || typeof choice !== "object") return fail("unsafe-json");
  return ok({
    uri: expectedId,
    actorUri: f.attributedTo,
    decisionUri: f.decision,
    choice,
    onBehalfOf: f.onBehalfOf ?? null,
    coopMembers: f.onBehalfOf ? (f.coopMembers ?? null) : null,
    updatedAt: f.updated ?? f.published,
  });
}
