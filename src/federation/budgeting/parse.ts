/**
 * BudgetProcess and BudgetBallot documents from other nodes to plain input
 * (governance/budgeting/elsewhere/types.ts): the edge where their JSON is
 * checked, as decisions' parse.ts does. Only our vocabulary's compact form is
 * read (the context must carry our namespace); ids must be the URI that was
 * fetched; links http(s); every string, list, number and the whole document
 * capped; the results (the engine's JSON) plain JSON without prototype keys.
 * What a ballot may choose is the host's to check (castBallot, against its rows).
 */
import { z } from "zod";
import {
  MAX_REMOTE_IMAGES,
  type RemoteBallotInput,
  type RemoteImage,
  type RemoteProcessInput,
  type RemoteProposalInput,
} from "../../governance/budgeting/elsewhere/types.ts";
import { fail, ok, type Result } from "../../kernel/errors.ts";
import { plainJson } from "../decisions/parse.ts";
import { date, isHttpUrl, one, text, url } from "../extension-schemas.ts";
import { BUDGETING_NS } from "./vocab.ts";

export const MAX_TITLE_LENGTH = 500;
export const MAX_DESCRIPTION_LENGTH = 20_000;
export const MAX_PROJECT_TEXT_LENGTH = 5_000;
export const MAX_DISTRICTS = 50;
export const MAX_CATEGORIES = 100;
export const MAX_PROJECTS = 1_000;
export const MAX_CHOICES = 500;
/** Money in minor units and points: integers up to 10^15 (safe in JavaScript and SQL). */
export const MAX_AMOUNT = 1e15;
/** A process document's serialised size; a 1,000-project process with results is well under. */
export const MAX_PROCESS_BYTES = 4_000_000;
export const MAX_BALLOT_BYTES = 100_000;
/** A stored CountResult for 1,000 projects with explanations (voter ids removed). */
const MAX_RESULT_NODES = 200_000;

export type DocumentProblem =
  | "not-an-object"
  | "too-large"
  | "not-our-vocabulary"
  | "wrong-type"
  | "wrong-id"
  | "bad-url"
  | "wrong-origin"
  | "bad-field"
  | "unsafe-json";

const count = (max: number) => z.number().int().min(0).max(max);

function speaksOurVocabulary(doc: Record<string, unknown>): boolean {
  const context = doc["@context"];
  const list = Array.isArray(context) ? context : [context];
  return list.some(
    (c) => !!c && typeof c === "object" && (c as Record<string, unknown>).pb === BUDGETING_NS,
  );
}

/** The serialised size, or Infinity for what cannot be serialised (cycles, BigInt). */
function sizeOf(raw: unknown): number {
  try {
    return JSON.stringify(raw)?.length ?? Number.POSITIVE_INFINITY;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function asDocument(
  raw: unknown,
  type: string,
  expectedId: string,
  maxBytes: number,
): Result<Record<string, unknown>, DocumentProblem> {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return fail("not-an-object");
  if (sizeOf(raw) > maxBytes) return fail("too-large");
  const doc = raw as Record<string, unknown>;
  if (!speaksOurVocabulary(doc)) return fail("not-our-vocabulary");
  if (doc.type !== type) return fail("wrong-type");
  if (typeof doc.id !== "string" || doc.id !== expectedId) return fail("wrong-id");
  if (!isHttpUrl(doc.id)) return fail("bad-url");
  return ok(doc);
}

export const MAX_PROPOSAL_BYTES = 100_000;
const MAX_ALT_LENGTH = 1_500;

/** An ActivityStreams Image (or a bare link), http(s) only; its `name` is the alt text. */
const ImageItem = z.union([
  url.transform((u) => ({ url: u, alt: "" })),
  z
    .object({
      type: z.literal("Image").optional(),
      url: one(url),
      name: text(MAX_ALT_LENGTH).optional(),
    })
    .transform((i) => ({ url: i.url, alt: i.name ?? "" })),
]);
/** `image`: one or a list, at most MAX_REMOTE_IMAGES. */
const Images = z
  .union([ImageItem.transform((i) => [i]), z.array(ImageItem).max(MAX_REMOTE_IMAGES)])
  .optional()
  .transform((v): RemoteImage[] => v ?? []);

const Project = z.object({
  id: url,
  attributedTo: one(url),
  name: text(MAX_TITLE_LENGTH),
  content: text(MAX_PROJECT_TEXT_LENGTH).default(""),
  cost: count(MAX_AMOUNT),
  district: url,
  category: url.optional(),
  location: text(MAX_TITLE_LENGTH).default(""),
  latitude: z.number().min(-90).max(90).optional(),
  longitude: z.number().min(-180).max(180).optional(),
  proposal: url.optional(),
  image: Images,
  status: z.enum(["proposed", "feasible", "infeasible", "merged", "withdrawn", "hidden"]),
  reviewNote: text(MAX_PROJECT_TEXT_LENGTH).default(""),
  progress: count(100).default(0),
  published: date,
  updated: date.optional(),
});

const ProcessFields = z.object({
  attributedTo: one(url),
  audience: one(url),
  name: text(MAX_TITLE_LENGTH),
  content: text(MAX_DESCRIPTION_LENGTH).default(""),
  currency: text(20).min(1),
  rule: z.enum(["mes-add1", "mes", "greedy"]),
  ballotKind: z.enum(["approval", "cumulative"]),
  secrecy: z.enum(["named", "secret"]),
  eligibility: z.enum(["members", "federation"]),
  minProjects: count(MAX_PROJECTS).optional(),
  maxProjects: count(MAX_PROJECTS).optional(),
  spendingCap: z.boolean(),
  points: count(MAX_AMOUNT).optional(),
  phase: z.enum(["proposing", "review", "voting", "results", "implementation"]),
  phaseChanged: date,
  proposingEnds: date.optional(),
  reviewEnds: date.optional(),
  votingEnds: date.optional(),
  seed: text(100).default(""),
  districts: z
    .array(z.object({ id: url, name: text(MAX_TITLE_LENGTH), budget: count(MAX_AMOUNT) }))
    .min(1)
    .max(MAX_DISTRICTS),
  categories: z
    .array(z.object({ id: url, name: text(MAX_TITLE_LENGTH) }))
    .max(MAX_CATEGORIES)
    .default([]),
  projects: z.array(Project).max(MAX_PROJECTS).default([]),
  results: z
    .array(
      z.object({
        district: url,
        result: z.unknown(),
        greedy: z.unknown(),
        ballotsCount: count(1e9),
        computed: date,
      }),
    )
    .max(MAX_DISTRICTS)
    .default([]),
  published: date,
  updated: date.optional(),
});

/**
 * A fetched BudgetProcess. `expectedId` is the URI it was fetched from: a
 * document that names another id is refused. The Group, every district,
 * category and project live on the process's node (a node describes only its
 * own), projects name districts and categories of this process, and results
 * only its districts.
 */
export function parseProcessDocument(
  raw: unknown,
  expectedId: string,
): Result<RemoteProcessInput, DocumentProblem> {
  const doc = asDocument(raw, "BudgetProcess", expectedId, MAX_PROCESS_BYTES);
  if (!doc.ok) return doc;
  const fields = ProcessFields.safeParse(doc.value);
  if (!fields.success) return fail("bad-field");
  const f = fields.data;
  const origin = new URL(expectedId).origin;
  const here = (u: string) => new URL(u).origin === origin;
  if (!here(f.audience)) return fail("wrong-origin");
  const ids = [...f.districts, ...f.categories, ...f.projects].map((x) => x.id);
  if (!ids.every(here)) return fail("wrong-origin");
  if (new Set(ids).size !== ids.length) return fail("bad-field");
  const districts = new Set(f.districts.map((d) => d.id));
  const categories = new Set(f.categories.map((c) => c.id));
  for (const p of f.projects)
    if (!districts.has(p.district) || (p.category && !categories.has(p.category)))
      return fail("bad-field");
  if (f.ballotKind === "cumulative" && f.points === undefined) return fail("bad-field");
  const results = [];
  for (const r of f.results) {
    if (!districts.has(r.district)) return fail("bad-field");
    const result = plainJson(r.result, MAX_RESULT_NODES);
    const greedy = plainJson(r.greedy, MAX_RESULT_NODES);
    if (!result || typeof result !== "object" || !greedy || typeof greedy !== "object")
      return fail("unsafe-json");
    results.push({
      districtUri: r.district,
      result,
      greedy,
      ballotsCount: r.ballotsCount,
      computedAt: r.computed,
    });
  }
  return ok({
    uri: expectedId,
    groupUri: f.audience,
    createdByUri: f.attributedTo,
    title: f.name,
    description: f.content,
    currency: f.currency,
    rule: f.rule,
    ballotKind: f.ballotKind,
    secrecy: f.secrecy,
    minProjects: f.minProjects ?? null,
    maxProjects: f.maxProjects ?? null,
    spendingCap: f.spendingCap,
    points: f.points ?? null,
    eligibility: f.eligibility,
    phase: f.phase,
    phaseChangedAt: f.phaseChanged,
    proposingEndsAt: f.proposingEnds ?? null,
    reviewEndsAt: f.reviewEnds ?? null,
    votingEndsAt: f.votingEnds ?? null,
    seed: f.seed,
    districts: f.districts.map((d) => ({ uri: d.id, name: d.name, budget: d.budget })),
    categories: f.categories.map((c) => ({ uri: c.id, name: c.name })),
    projects: f.projects.map((p) => ({
      uri: p.id,
      districtUri: p.district,
      categoryUri: p.category ?? null,
      title: p.name,
      description: p.content,
      cost: p.cost,
      location: p.location,
      latitude: p.latitude ?? null,
      longitude: p.longitude ?? null,
      proposedByUri: p.attributedTo,
      proposalUri: p.proposal ?? null,
      images: p.image,
      status: p.status,
      reviewNote: p.reviewNote,
      progress: p.progress,
      createdAt: p.published,
      updatedAt: p.updated ?? p.published,
    })),
    results,
    createdAt: f.published,
    updatedAt: f.updated ?? f.published,
  });
}

const BallotFields = z.object({
  attributedTo: one(url),
  process: url,
  district: url,
  voter: url.optional(),
  choices: z
    .array(z.object({ project: url, points: z.number().int().min(1).max(MAX_AMOUNT) }))
    .max(MAX_CHOICES),
  published: date,
  updated: date.optional(),
});

/**
 * A fetched BudgetBallot. The co-op that relays it and the voter it names live
 * on the ballot's node (a node vouches only for its own people); the process,
 * the district and every project it picks on one other node (the host's), each
 * project once.
 */
export function parseBallotDocument(
  raw: unknown,
  expectedId: string,
): Result<RemoteBallotInput, DocumentProblem> {
  const doc = asDocument(raw, "BudgetBallot", expectedId, MAX_BALLOT_BYTES);
  if (!doc.ok) return doc;
  const fields = BallotFields.safeParse(doc.value);
  if (!fields.success) return fail("bad-field");
  const f = fields.data;
  const origin = new URL(expectedId).origin;
  if (new URL(f.attributedTo).origin !== origin) return fail("wrong-origin");
  if (f.voter && new URL(f.voter).origin !== origin) return fail("wrong-origin");
  const host = new URL(f.process).origin;
  const links = [f.district, ...f.choices.map((c) => c.project)];
  if (!links.every((u) => new URL(u).origin === host)) return fail("wrong-origin");
  const projects = f.choices.map((c) => c.project);
  if (new Set(projects).size !== projects.length) return fail("bad-field");
  return ok({
    uri: expectedId,
    coopUri: f.attributedTo,
    processUri: f.process,
    districtUri: f.district,
    voterUri: f.voter ?? null,
    choices: f.choices.map((c) => ({ projectUri: c.project, points: c.points })),
    publishedAt: f.published,
    updatedAt: f.updated ?? f.published,
  });
}

const ProposalFields = z.object({
  attributedTo: one(url),
  process: url,
  name: text(MAX_TITLE_LENGTH).min(1),
  content: text(MAX_PROJECT_TEXT_LENGTH).default(""),
  cost: count(MAX_AMOUNT),
  district: url,
  category: url.optional(),
  location: text(MAX_TITLE_LENGTH).default(""),
  latitude: z.number().min(-90).max(90).optional(),
  longitude: z.number().min(-180).max(180).optional(),
  image: Images,
  published: date,
});

/**
 * A fetched proposal (a BudgetProject announced by a member co-op). The
 * proposer lives on the proposal's node (a co-op speaks only for its own
 * people); the process, district and category on one other node (the host's).
 * `coopUri` is the activity's actor, checked by the caller to be on that node too.
 */
export function parseProposalDocument(
  raw: unknown,
  expectedId: string,
  coopUri: string,
): Result<RemoteProposalInput, DocumentProblem> {
  const doc = asDocument(raw, "BudgetProject", expectedId, MAX_PROPOSAL_BYTES);
  if (!doc.ok) return doc;
  const fields = ProposalFields.safeParse(doc.value);
  if (!fields.success) return fail("bad-field");
  const f = fields.data;
  const origin = new URL(expectedId).origin;
  if (new URL(f.attributedTo).origin !== origin) return fail("wrong-origin");
  if (!isHttpUrl(coopUri) || new URL(coopUri).origin !== origin) return fail("wrong-origin");
  const host = new URL(f.process).origin;
  if (host === origin) return fail("wrong-origin");
  const links = [f.district, ...(f.category ? [f.category] : [])];
  if (!links.every((u) => new URL(u).origin === host)) return fail("wrong-origin");
  if ((f.latitude === undefined) !== (f.longitude === undefined)) return fail("bad-field");
  return ok({
    uri: expectedId,
    coopUri,
    proposerUri: f.attributedTo,
    processUri: f.process,
    districtUri: f.district,
    categoryUri: f.category ?? null,
    title: f.name,
    description: f.content,
    cost: f.cost,
    location: f.location,
    latitude: f.latitude ?? null,
    longitude: f.longitude ?? null,
    images: f.image,
    publishedAt: f.published,
  });
}
