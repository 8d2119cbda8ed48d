/**
 * Participatory budgeting as apps see it (docs/api.md "Participatory budgets"):
 * processes with their budgets and categories, projects with their review and
 * progress. Money is in minor units (integers), as stored; ids are strings.
 */
import type {
  Category,
  District,
  Process,
  ProgressUpdate,
  Project,
} from "../../governance/budgeting/processes/reads.ts";
import { imagesOf, remoteImagesOf } from "../../governance/budgeting/processes/reads.ts";
import { mediaUrl } from "../../storage/images.ts";
import { remoteMediaUrl } from "../../storage/remote-media.ts";

export function serializeProcess(
  origin: string,
  p: Process,
  districts: District[],
  categories: Category[],
) {
  return {
    id: p.id,
    uri: p.uri,
    url: `${origin}/budgets/${p.id}`,
    group: p.group_uri,
    hosted_here: p.local === 1,
    title: p.title,
    description: p.description,
    currency: p.currency,
    rule: p.rule,
    ballot_kind: p.ballot_kind,
    secrecy: p.secrecy,
    min_projects: p.min_projects,
    max_projects: p.max_projects,
    spending_cap: p.spending_cap === 1,
    points: p.points,
    eligibility: p.eligibility,
    phase: p.phase,
    proposing_ends_at: p.proposing_ends_at,
    review_ends_at: p.review_ends_at,
    voting_ends_at: p.voting_ends_at,
    phase_changed_at: p.phase_changed_at,
    created_at: p.created_at,
    districts: districts.map((d) => ({ id: d.id, name: d.name, budget: Number(d.budget) })),
    categories: categories.map((k) => ({ id: k.id, name: k.name })),
  };
}

/** `paths`: upload id → stored path, for the images' URLs (one query for a page). */
export function serializeProject(
  origin: string,
  p: Project,
  o: { funded: boolean; paths: Map<string, string> },
) {
  return {
    id: p.id,
    uri: p.uri,
    url: `${origin}/budgets/${p.process_id}/projects/${p.id}`,
    process_id: p.process_id,
    district_id: p.district_id,
    category_id: p.category_id,
    title: p.title,
    description: p.description,
    cost: Number(p.cost),
    location: p.location,
    latitude: p.latitude,
    longitude: p.longitude,
    // Pictures from another node go through our remote media cache (docs/budgeting.md).
    images: [
      ...images(origin, imagesOf(p), o.paths),
      ...remoteImagesOf(p).map((i) => ({
        media_id: null,
        url: `${origin}${remoteMediaUrl(i.url)}`,
        alt: i.alt,
      })),
    ],
    proposed_by: p.proposed_by_uri,
    status: p.status,
    review_note: p.review_note,
    reviewed_at: p.reviewed_at,
    merged_into_id: p.merged_into_id,
    funded: o.funded,
    progress: p.progress,
    created_at: p.created_at,
  };
}

export function serializeProgress(origin: string, u: ProgressUpdate, paths: Map<string, string>) {
  return {
    id: u.id,
    progress: u.progress,
    body: u.body,
    author: u.author_uri,
    images: images(origin, imagesOf(u), paths),
    created_at: u.created_at,
  };
}

function images(
  origin: string,
  list: { mediaId: string; alt: string }[],
  paths: Map<string, string>,
) {
  return list.flatMap((i) => {
    const path = paths.get(i.mediaId);
    return path ? [{ media_id: i.mediaId, url: `${origin}${mediaUrl(path)}`, alt: i.alt }] : [];
  });
}
