/**
 * The federation's view of a process hosted here: its row, districts,
 * categories, projects (all but hidden ones) and stored results, as
 * objects.ts turns them into a document. Districts and categories are named
 * by fragments of the process's id (objects.ts); projects by their own ids.
 */
import type { Kysely } from "kysely";
import type { PbProcessesTable } from "../../db/schema/budgeting.ts";
import type { Schema } from "../../db/schema.ts";
import type {
  RemoteImage,
  RemoteProcessInput,
} from "../../governance/budgeting/elsewhere/types.ts";
import {
  imagesOf,
  remoteImagesOf,
  uploadPaths,
} from "../../governance/budgeting/processes/reads.ts";
import { mediaUrl } from "../../storage/images.ts";
import { categoryUri, districtUri } from "./objects.ts";

/** Each project's uploads here as absolute URLs, with their alt text (one query). */
async function uploadImageUrls(
  db: Kysely<Schema>,
  origin: string,
  projects: { id: string; images: string }[],
): Promise<Map<string, RemoteImage[]>> {
  const images = new Map(projects.map((x) => [x.id, imagesOf(x)]));
  const ids = [...images.values()].flat().map((i) => i.mediaId);
  const paths = new Map<string, string>();
  // uploadPaths reads 500 ids at a time (1,000 projects may have 4,000 pictures).
  for (let i = 0; i < ids.length; i += 500)
    for (const [id, path] of await uploadPaths({ db }, ids.slice(i, i + 500))) paths.set(id, path);
  const out = new Map<string, RemoteImage[]>();
  for (const [id, list] of images)
    out.set(
      id,
      list.flatMap((i) => {
        const path = paths.get(i.mediaId);
        return path ? [{ url: new URL(mediaUrl(path), origin).href, alt: i.alt }] : [];
      }),
    );
  return out;
}

export async function processViewOf(
  db: Kysely<Schema>,
  origin: string,
  p: PbProcessesTable,
): Promise<RemoteProcessInput> {
  const [districts, categories, projects, results] = await Promise.all([
    db
      .selectFrom("pb_districts")
      .select(["id", "name", "budget"])
      .where("process_id", "=", p.id)
      .orderBy("position")
      .orderBy("id")
      .execute(),
    db
      .selectFrom("pb_categories")
      .select(["id", "name"])
      .where("process_id", "=", p.id)
      .orderBy("position")
      .orderBy("id")
      .execute(),
    db
      .selectFrom("pb_projects")
      .selectAll()
      .where("process_id", "=", p.id)
      .where("status", "!=", "hidden")
      .orderBy("id")
      .execute(),
    db.selectFrom("pb_results").selectAll().where("process_id", "=", p.id).execute(),
  ]);
  const d = (id: string) => districtUri(p.uri, id);
  const uploadUrls = await uploadImageUrls(db, origin, projects);
  // The document changes when any part does: its `updated` is the latest of them.
  const latest = [
    p.updated_at,
    p.phase_changed_at,
    ...projects.map((x) => x.updated_at),
    ...results.map((r) => r.computed_at),
  ]
    .sort()
    .at(-1) as string;
  return {
    uri: p.uri,
    groupUri: p.group_uri,
    createdByUri: p.created_by_uri,
    title: p.title,
    description: p.description,
    currency: p.currency,
    rule: p.rule,
    ballotKind: p.ballot_kind,
    secrecy: p.secrecy,
    minProjects: p.min_projects,
    maxProjects: p.max_projects,
    spendingCap: p.spending_cap === 1,
    points: p.points,
    eligibility: p.eligibility,
    phase: p.phase,
    phaseChangedAt: p.phase_changed_at,
    proposingEndsAt: p.proposing_ends_at,
    reviewEndsAt: p.review_ends_at,
    votingEndsAt: p.voting_ends_at,
    seed: p.seed,
    districts: districts.map((x) => ({ uri: d(x.id), name: x.name, budget: Number(x.budget) })),
    categories: categories.map((c) => ({ uri: categoryUri(p.uri, c.id), name: c.name })),
    projects: projects.map((x) => ({
      uri: x.uri,
      districtUri: d(x.district_id),
      categoryUri: x.category_id ? categoryUri(p.uri, x.category_id) : null,
      title: x.title,
      description: x.description,
      cost: Number(x.cost),
      location: x.location,
      latitude: x.latitude,
      longitude: x.longitude,
      proposedByUri: x.proposed_by_uri,
      proposalUri: x.proposal_uri,
      images: [...(uploadUrls.get(x.id) ?? []), ...remoteImagesOf(x)],
      status: x.status,
      reviewNote: x.review_note,
      progress: x.progress,
      createdAt: x.created_at,
      updatedAt: x.updated_at,
    })),
    results: results.map((r) => ({
      districtUri: d(r.district_id),
      result: JSON.parse(r.result) as unknown,
      greedy: JSON.parse(r.greedy) as unknown,
      ballotsCount: r.ballots_count,
      computedAt: r.computed_at,
    })),
    createdAt: p.created_at,
    updatedAt: latest,
  };
}
