/**
 * Budgeting processes and ballots as documents of our vocabulary (vocab.ts,
 * docs/budgeting-context.jsonld): pure converters, no database. A process is
 * served at its id by the hosting node with its districts, categories, projects
 * and (once counted) results inline, and travels by reference (Create / Update
 * by the federation's Group). A ballot is served by the member co-op's node to
 * the hosting node only (serve.ts) and announced by the co-op to the Group alone.
 */
import type {
  RemoteBallotInput,
  RemoteImage,
  RemoteProcessInput,
  RemoteProposalInput,
} from "../../governance/budgeting/elsewhere/types.ts";
import { DOCUMENT_CONTEXT } from "./vocab.ts";

/** A district's (or category's) id across nodes: a fragment of the process's id. */
export const districtUri = (processUri: string, id: string) => `${processUri}#districts/${id}`;
export const categoryUri = (processUri: string, id: string) => `${processUri}#categories/${id}`;

/**
 * A stored CountResult without the voter ids in its payments: results federate
 * to every member node, and who paid for what (by id) stays on the host. The
 * amounts and the number of voters stay, which is what the pages explain.
 */
export function withoutVoterIds(result: unknown): unknown {
  if (!result || typeof result !== "object") return result;
  const r = result as { projects?: unknown };
  if (!Array.isArray(r.projects)) return result;
  return {
    ...r,
    projects: r.projects.map((p: unknown) => {
      if (!p || typeof p !== "object") return p;
      const project = p as { payments?: unknown };
      if (!Array.isArray(project.payments)) return p;
      return {
        ...project,
        payments: project.payments.map((pay: unknown) =>
          pay && typeof pay === "object" ? { ...pay, voterIds: [] } : pay,
        ),
      };
    }),
  };
}

/** Pictures as ActivityStreams Images (their alt text as `name`). */
const imagesOf = (images: RemoteImage[]) =>
  images.length > 0
    ? {
        image: images.map((i) => ({
          type: "Image",
          url: i.url,
          ...(i.alt ? { name: i.alt } : {}),
        })),
      }
    : {};

const optional = <K extends string, V>(key: K, value: V | null | undefined) =>
  value === null || value === undefined ? {} : ({ [key]: value } as Record<K, V>);

export function processDocument(p: RemoteProcessInput): Record<string, unknown> {
  return {
    "@context": DOCUMENT_CONTEXT,
    id: p.uri,
    type: "BudgetProcess",
    attributedTo: p.createdByUri,
    audience: p.groupUri,
    to: [p.groupUri],
    name: p.title,
    content: p.description,
    mediaType: "text/plain",
    currency: p.currency,
    rule: p.rule,
    ballotKind: p.ballotKind,
    secrecy: p.secrecy,
    eligibility: p.eligibility,
    ...optional("minProjects", p.minProjects),
    ...optional("maxProjects", p.maxProjects),
    spendingCap: p.spendingCap,
    ...optional("points", p.points),
    phase: p.phase,
    phaseChanged: p.phaseChangedAt,
    ...optional("proposingEnds", p.proposingEndsAt),
    ...optional("reviewEnds", p.reviewEndsAt),
    ...optional("votingEnds", p.votingEndsAt),
    seed: p.seed,
    districts: p.districts.map((d) => ({
      id: d.uri,
      type: "BudgetDistrict",
      name: d.name,
      budget: d.budget,
    })),
    categories: p.categories.map((c) => ({ id: c.uri, type: "BudgetCategory", name: c.name })),
    projects: p.projects.map((x) => ({
      id: x.uri,
      type: "BudgetProject",
      attributedTo: x.proposedByUri,
      name: x.title,
      content: x.description,
      cost: x.cost,
      district: x.districtUri,
      ...optional("category", x.categoryUri),
      ...(x.location ? { location: x.location } : {}),
      ...optional("latitude", x.latitude),
      ...optional("longitude", x.longitude),
      ...optional("proposal", x.proposalUri),
      ...imagesOf(x.images),
      status: x.status,
      ...(x.reviewNote ? { reviewNote: x.reviewNote } : {}),
      progress: x.progress,
      published: x.createdAt,
      updated: x.updatedAt,
    })),
    ...(p.results.length > 0
      ? {
          results: p.results.map((r) => ({
            type: "BudgetResult",
            district: r.districtUri,
            result: withoutVoterIds(r.result),
            greedy: withoutVoterIds(r.greedy),
            ballotsCount: r.ballotsCount,
            computed: r.computedAt,
          })),
        }
      : {}),
    published: p.createdAt,
    updated: p.updatedAt,
  };
}

/** A relayed ballot, addressed to the process's Group alone (a ballot is never public). */
export function ballotDocument(b: RemoteBallotInput, groupUri: string): Record<string, unknown> {
  return {
    "@context": DOCUMENT_CONTEXT,
    id: b.uri,
    type: "BudgetBallot",
    attributedTo: b.coopUri,
    to: [groupUri],
    process: b.processUri,
    district: b.districtUri,
    ...optional("voter", b.voterUri),
    choices: b.choices.map((c) => ({
      type: "BudgetChoice",
      project: c.projectUri,
      points: c.points,
    })),
    published: b.publishedAt,
    updated: b.updatedAt,
  };
}

/**
 * A project proposed from a member co-op's node in its copy of a process
 * hosted elsewhere: served by that node to the host only, announced by the
 * co-op to the process's Group alone (the host stores it as a proposal).
 */
export function proposalDocument(
  p: RemoteProposalInput,
  groupUri: string,
): Record<string, unknown> {
  return {
    "@context": DOCUMENT_CONTEXT,
    id: p.uri,
    type: "BudgetProject",
    attributedTo: p.proposerUri,
    to: [groupUri],
    process: p.processUri,
    name: p.title,
    content: p.description,
    mediaType: "text/plain",
    cost: p.cost,
    district: p.districtUri,
    ...optional("category", p.categoryUri),
    ...(p.location ? { location: p.location } : {}),
    ...optional("latitude", p.latitude),
    ...optional("longitude", p.longitude),
    ...imagesOf(p.images),
    published: p.publishedAt,
  };
}
