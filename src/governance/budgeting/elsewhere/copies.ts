/**
 * Processes hosted on another node, kept here as copies (docs/budgeting.md,
 * "Federated budgeting"): a pb_processes row with local = 0, its districts and
 * categories (by the host's URIs), its projects (by theirs) and, once counted,
 * the host's results. The host's Create/Update of the process refreshes the
 * copy; an older description than the one kept changes nothing. The copy is
 * never counted, swept or moderated here: the host does that and says so.
 */
import type { Kysely } from "kysely";
import type { Schema } from "../../../db/schema.ts";
import { fail, ok, type Result } from "../../../kernel/errors.ts";
import { newId } from "../../../kernel/ids.ts";
import type { SocialContext } from "../../../social/context.ts";
import { registerRemoteMedia } from "../../../storage/remote-media.ts";
import { notifyCopyPhase } from "./phase-notices.ts";
import type { RemoteImage, RemoteProcessInput } from "./types.ts";

export type CopyProblem = "local" | "moved" | "stale" | "not-ours";

/** Do we take part in the Group's processes: our co-op is in the federation, or a member here follows it? */
export async function followsGroupElsewhere(db: Kysely<Schema>, groupUri: string) {
  const affiliation = await db
    .selectFrom("coop_affiliations")
    .select("id")
    .where("group_uri", "=", groupUri)
    .where("status", "=", "active")
    .executeTakeFirst();
  if (affiliation) return true;
  const follow = await db
    .selectFrom("follows")
    .select("id")
    .where("followee_uri", "=", groupUri)
    .where("follower_account_id", "is not", null)
    .where("status", "=", "accepted")
    .executeTakeFirst();
  return !!follow;
}

/** Keeps or refreshes the copy of a process hosted elsewhere. */
export async function receiveRemoteProcess(
  ctx: SocialContext,
  input: RemoteProcessInput,
): Promise<Result<{ id: string }, CopyProblem>> {
  if (!(await followsGroupElsewhere(ctx.db, input.groupUri))) return fail("not-ours");
  return ctx.db.transaction().execute(async (trx) => {
    const kept = await trx
      .selectFrom("pb_processes")
      .select(["id", "local", "group_uri", "updated_at", "phase"])
      .where("uri", "=", input.uri)
      .executeTakeFirst();
    if (kept?.local === 1) return fail("local");
    if (kept && kept.group_uri !== input.groupUri) return fail("moved");
    if (kept && kept.updated_at > input.updatedAt) return fail("stale");
    const values = {
      group_uri: input.groupUri,
      created_by_uri: input.createdByUri,
      title: input.title,
      description: input.description,
      currency: input.currency,
      rule: input.rule,
      ballot_kind: input.ballotKind,
      secrecy: input.secrecy,
      min_projects: input.minProjects,
      max_projects: input.maxProjects,
      spending_cap: input.spendingCap ? 1 : 0,
      points: input.points,
      eligibility: input.eligibility,
      phase: input.phase,
      proposing_ends_at: input.proposingEndsAt,
      review_ends_at: input.reviewEndsAt,
      voting_ends_at: input.votingEndsAt,
      phase_changed_at: input.phaseChangedAt,
      seed: input.seed,
      updated_at: input.updatedAt,
    };
    const id = kept?.id ?? newId();
    if (kept) await trx.updateTable("pb_processes").set(values).where("id", "=", id).execute();
    else
      await trx
        .insertInto("pb_processes")
        .values({
          ...values,
          id,
          uri: input.uri,
          local: 0,
          group_id: null,
          imported: 0,
          created_at: input.createdAt,
        })
        .execute();
    const districts = await keepByUri(trx, "pb_districts", id, input.districts, (d, i) => ({
      name: d.name,
      budget: d.budget,
      position: i,
    }));
    const categories = await keepByUri(trx, "pb_categories", id, input.categories, (c, i) => ({
      name: c.name,
      position: i,
    }));
    await keepProjects(ctx, trx, id, input, districts, categories);
    // A phase the copy had not seen: our members taking part are told (not on the first copy).
    if (kept && kept.phase !== input.phase)
      await notifyCopyPhase(trx, ctx, {
        id,
        group_uri: input.groupUri,
        eligibility: input.eligibility,
      });
    for (const r of input.results) {
      const districtId = districts.get(r.districtUri);
      if (!districtId) continue;
      const row = {
        result: JSON.stringify(r.result),
        greedy: JSON.stringify(r.greedy),
        ballots_count: r.ballotsCount,
        computed_at: r.computedAt,
      };
      const had = await trx
        .updateTable("pb_results")
        .set(row)
        .where("process_id", "=", id)
        .where("district_id", "=", districtId)
        .executeTakeFirst();
      if (Number(had.numUpdatedRows) === 0)
        await trx
          .insertInto("pb_results")
          .values({ ...row, process_id: id, district_id: districtId })
          .execute();
    }
    return ok({ id });
  });
}

/** Upserts districts or categories by the host's URI; returns URI → our id. */
async function keepByUri<T extends { uri: string }>(
  trx: Kysely<Schema>,
  table: "pb_districts" | "pb_categories",
  processId: string,
  items: T[],
  values: (item: T, position: number) => { name: string; position: number; budget?: number },
): Promise<Map<string, string>> {
  const rows = await trx
    .selectFrom(table)
    .select(["id", "uri"])
    .where("process_id", "=", processId)
    .execute();
  const ids = new Map(rows.flatMap((r) => (r.uri ? [[r.uri, r.id] as const] : [])));
  for (const [i, item] of items.entries()) {
    const had = ids.get(item.uri);
    if (had) {
      await trx.updateTable(table).set(values(item, i)).where("id", "=", had).execute();
      continue;
    }
    const id = newId();
    const v = values(item, i);
    if (table === "pb_districts")
      await trx
        .insertInto("pb_districts")
        .values({
          id,
          process_id: processId,
          uri: item.uri,
          name: v.name,
          budget: v.budget ?? 0,
          position: v.position,
        })
        .execute();
    else
      await trx
        .insertInto("pb_categories")
        .values({ id, process_id: processId, uri: item.uri, name: v.name, position: v.position })
        .execute();
    ids.set(item.uri, id);
  }
  return ids;
}

/**
 * Pictures on our own node came with a proposal made here: the row has them as
 * uploads already (`images`), so only other nodes' pictures are kept as remote.
 */
const ourFree = (ctx: SocialContext, images: RemoteImage[]) =>
  images.filter((i) => new URL(i.url).origin !== new URL(ctx.origin).origin);

/**
 * Upserts the projects by URI. A project the host no longer describes (hidden
 * by its moderators) is hidden here too, so ballots cast here cannot pick it.
 * A proposal one of our members made in this copy (its row's uri is still the
 * proposal's, elsewhere/proposals.ts) becomes the host's project when the host
 * describes a project naming it as its `proposal`: the row keeps its id and
 * takes the host's URI. Until then it stays as it is while the process is
 * proposing, and is hidden once the host moved on without it.
 */
async function keepProjects(
  ctx: SocialContext,
  trx: Kysely<Schema>,
  processId: string,
  input: RemoteProcessInput,
  districts: Map<string, string>,
  categories: Map<string, string>,
) {
  const rows = await trx
    .selectFrom("pb_projects")
    .select(["id", "uri", "proposal_uri"])
    .where("process_id", "=", processId)
    .execute();
  const ids = new Map(rows.map((r) => [r.uri, r.id]));
  const waiting = new Map(
    rows
      .filter((r) => r.proposal_uri !== null && r.uri === r.proposal_uri)
      .map((r) => [r.uri, r.id]),
  );
  const described = new Set<string>();
  for (const p of input.projects) {
    const districtId = districts.get(p.districtUri);
    if (!districtId) continue;
    const ours = p.proposalUri ? waiting.get(p.proposalUri) : undefined;
    const had = ids.get(p.uri) ?? ours;
    // A URI another process already uses here is not this copy's to take.
    const elsewhere = ids.has(p.uri)
      ? undefined
      : await trx
          .selectFrom("pb_projects")
          .select("id")
          .where("uri", "=", p.uri)
          .executeTakeFirst();
    if (elsewhere) continue;
    const values = {
      uri: p.uri,
      district_id: districtId,
      category_id: p.categoryUri ? (categories.get(p.categoryUri) ?? null) : null,
      title: p.title,
      description: p.description,
      cost: p.cost,
      location: p.location,
      latitude: p.latitude,
      longitude: p.longitude,
      proposed_by_uri: p.proposedByUri,
      proposal_uri: p.proposalUri,
      remote_images: JSON.stringify(ourFree(ctx, p.images)),
      status: p.status,
      review_note: p.reviewNote,
      progress: p.progress,
      updated_at: p.updatedAt,
    };
    if (had) {
      described.add(had);
      await trx.updateTable("pb_projects").set(values).where("id", "=", had).execute();
      continue;
    }
    const id = newId();
    described.add(id);
    await trx
      .insertInto("pb_projects")
      .values({
        ...values,
        id,
        process_id: processId,
        images: "[]",
        account_id: null,
        reviewed_by_uri: null,
        reviewed_at: null,
        merged_into_id: null,
        created_at: p.createdAt,
      })
      .execute();
  }
  const stillWaiting = input.phase === "proposing" ? new Set(waiting.values()) : new Set<string>();
  const gone = rows.filter((r) => !described.has(r.id) && !stillWaiting.has(r.id)).map((r) => r.id);
  if (gone.length > 0)
    await trx
      .updateTable("pb_projects")
      .set({ status: "hidden" })
      .where("id", "in", gone)
      .execute();
  // The pictures may be shown through the remote media cache (and only these URLs).
  const urls = input.projects.flatMap((p) => ourFree(ctx, p.images).map((i) => i.url));
  for (let i = 0; i < urls.length; i += 500)
    await registerRemoteMedia(trx, urls.slice(i, i + 500), ctx.clock);
}
