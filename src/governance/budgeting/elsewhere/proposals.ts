/**
 * Proposing from another co-op (docs/budgeting.md, "Proposing from another
 * co-op"). A member of a member co-op proposes a project in their node's copy
 * of a federated process (processes/projects.ts keeps it in the copy under a
 * proposal id, proposal-uris.ts); the co-op announces it to the process's
 * Group, signed with the co-op's key; the host fetches it from the co-op's
 * node and, here, stores it as a proposal like one made on the host — same
 * checks, same limits, reviewed by the same moderators — naming the proposal
 * it came from. The host's next description of the process carries the
 * project with that `proposal`, and the copy's row becomes it (copies.ts).
 *
 * Who vouches: the co-op, exactly as for ballots (eligibility.ts, "Who vouches
 * for a voter elsewhere"): the activity is the co-op's, the proposal and its
 * proposer live on the co-op's node, the co-op is an active member co-op.
 */
import type { Kysely } from "kysely";
import { recordEvent } from "../../../db/outbox.ts";
import type { Schema } from "../../../db/schema.ts";
import { fail, ok, type Result } from "../../../kernel/errors.ts";
import { newId } from "../../../kernel/ids.ts";
import { budgetProjectUri } from "../../../kernel/uris.ts";
import type { SocialContext } from "../../../social/context.ts";
import { mediaUrl } from "../../../storage/images.ts";
import { registerRemoteMedia } from "../../../storage/remote-media.ts";
import { canTakePart } from "../processes/eligibility.ts";
import {
  MAX_PROJECTS,
  MAX_PROPOSALS_EACH,
  projectProblem,
  projectSchema,
} from "../processes/projects.ts";
import { imagesOf, lockProcess, uploadPaths } from "../processes/reads.ts";
import { memberCoopOn } from "./eligibility.ts";
import { proposalUri } from "./proposal-uris.ts";
import type { RemoteProposalInput } from "./types.ts";

export type ProposalProblem =
  | "not-found"
  | "not-addressed"
  | "not-a-member-coop"
  | "not-eligible"
  | "wrong-phase"
  | "invalid"
  | "too-many"
  | "already-proposed";

/**
 * On the member co-op's node: a proposal made here in a copy, as the host is
 * to read it (serve.ts), with the process's Group; undefined if there is none.
 * District and category are named by the host's URIs, pictures by their URLs here.
 */
export async function proposalAsSent(
  db: Kysely<Schema>,
  origin: string,
  processId: string,
  projectId: string,
): Promise<(RemoteProposalInput & { groupUri: string }) | undefined> {
  const uri = proposalUri(origin, processId, projectId);
  const row = await db
    .selectFrom("pb_projects")
    .innerJoin("pb_processes", "pb_processes.id", "pb_projects.process_id")
    .innerJoin("pb_districts", "pb_districts.id", "pb_projects.district_id")
    .leftJoin("pb_categories", "pb_categories.id", "pb_projects.category_id")
    .select([
      "pb_projects.id",
      "pb_projects.title",
      "pb_projects.description",
      "pb_projects.cost",
      "pb_projects.location",
      "pb_projects.latitude",
      "pb_projects.longitude",
      "pb_projects.images",
      "pb_projects.proposed_by_uri",
      "pb_projects.status",
      "pb_projects.created_at",
      "pb_processes.uri as process_uri",
      "pb_processes.group_uri",
      "pb_processes.local",
      "pb_districts.uri as district_uri",
      "pb_categories.uri as category_uri",
    ])
    .where("pb_projects.id", "=", projectId)
    .where("pb_projects.process_id", "=", processId)
    .where("pb_projects.proposal_uri", "=", uri)
    .executeTakeFirst();
  // A withdrawn or refused proposal is no longer served: a Create the host reads late stores nothing.
  if (
    !row ||
    row.local !== 0 ||
    !row.district_uri ||
    ["hidden", "withdrawn", "refused"].includes(row.status)
  )
    return undefined;
  const images = imagesOf(row);
  const paths = await uploadPaths(
    { db },
    images.map((i) => i.mediaId),
  );
  return {
    uri,
    coopUri: "",
    proposerUri: row.proposed_by_uri,
    processUri: row.process_uri,
    districtUri: row.district_uri,
    categoryUri: row.category_uri ?? null,
    title: row.title,
    description: row.description,
    cost: Number(row.cost),
    location: row.location,
    latitude: row.latitude,
    longitude: row.longitude,
    images: images.flatMap((i) => {
      const path = paths.get(i.mediaId);
      return path ? [{ url: new URL(mediaUrl(path), origin).href, alt: i.alt }] : [];
    }),
    publishedAt: row.created_at,
    groupUri: row.group_uri,
  };
}

/** A fragment id of the process (`…#districts/ID`) → ID, or "" when it is not this process's. */
const localPart = (processUri: string, kind: string, uri: string) =>
  uri.startsWith(`${processUri}#${kind}/`) ? uri.slice(processUri.length + kind.length + 2) : "";

/**
 * On the host: a member co-op's Create of a proposal. `addressedTo`: the
 * activity's recipients (they must name the process's Group). A proposal
 * already stored is not stored again.
 */
export async function receiveRemoteProposal(
  ctx: SocialContext,
  input: RemoteProposalInput,
  options: { addressedTo: string[] },
): Promise<Result<{ id: string }, ProposalProblem>> {
  return ctx.db.transaction().execute(async (trx) => {
    const kept = await trx
      .selectFrom("pb_processes")
      .select("id")
      .where("uri", "=", input.processUri)
      .where("local", "=", 1)
      .executeTakeFirst();
    const p = kept ? await lockProcess(trx, kept.id) : undefined;
    if (!p?.group_id || p.imported) return fail("not-found" as const);
    if (!options.addressedTo.includes(p.group_uri)) return fail("not-addressed" as const);
    if ((await memberCoopOn(trx, p.group_id, new URL(input.coopUri).origin)) !== input.coopUri)
      return fail("not-a-member-coop" as const);
    if (!(await canTakePart({ db: trx, origin: ctx.origin }, p, input.proposerUri)))
      return fail("not-eligible" as const);
    if (p.phase !== "proposing") return fail("wrong-phase" as const);
    const had = await trx
      .selectFrom("pb_projects")
      .select("id")
      .where("proposal_uri", "=", input.uri)
      .executeTakeFirst();
    if (had) return fail("already-proposed" as const);
    const project = await sentProject(trx, p, input);
    if (!project) return fail("invalid" as const);
    const counts = await trx
      .selectFrom("pb_projects")
      .select((eb) => [
        eb.fn.countAll<number>().as("all"),
        eb.fn
          .count<number>("id")
          .filterWhere("proposed_by_uri", "=", input.proposerUri)
          .filterWhere("status", "!=", "withdrawn")
          .as("mine"),
      ])
      .where("process_id", "=", p.id)
      .executeTakeFirstOrThrow();
    if (Number(counts.mine) >= MAX_PROPOSALS_EACH || Number(counts.all) >= MAX_PROJECTS)
      return fail("too-many" as const);
    const id = newId();
    const at = ctx.clock.now().toISOString();
    await trx
      .insertInto("pb_projects")
      .values({
        id,
        uri: budgetProjectUri(ctx.origin, p.id, id),
        process_id: p.id,
        district_id: project.districtId,
        category_id: project.categoryId,
        title: project.title,
        description: project.description,
        cost: project.cost,
        location: project.location,
        latitude: project.latitude,
        longitude: project.longitude,
        images: "[]",
        remote_images: JSON.stringify(input.images),
        proposal_uri: input.uri,
        proposed_by_uri: input.proposerUri,
        account_id: null,
        status: "proposed",
        review_note: "",
        reviewed_by_uri: null,
        reviewed_at: null,
        merged_into_id: null,
        progress: 0,
        created_at: at,
        updated_at: at,
      })
      .execute();
    await registerRemoteMedia(
      trx,
      input.images.map((i) => i.url),
      ctx.clock,
    );
    await recordEvent(trx, {
      type: "budgeting.project.proposed",
      payload: { processId: p.id, projectId: id },
    });
    return ok({ id });
  });
}

export type ProposalChangeProblem =
  | "not-found"
  | "not-addressed"
  | "not-a-member-coop"
  | "not-the-author"
  | "wrong-phase"
  | "invalid";

/** A sent proposal as a project of the process: null when it is not a valid one there. */
async function sentProject(
  trx: Kysely<Schema>,
  p: NonNullable<Awaited<ReturnType<typeof lockProcess>>>,
  input: RemoteProposalInput,
) {
  const parsed = projectSchema.safeParse({
    districtId: localPart(p.uri, "districts", input.districtUri) || "-",
    categoryId: input.categoryUri ? localPart(p.uri, "categories", input.categoryUri) || "-" : null,
    title: input.title,
    description: input.description,
    cost: input.cost,
    location: input.location,
    latitude: input.latitude,
    longitude: input.longitude,
  });
  if (!parsed.success) return null;
  if (await projectProblem(trx, p, parsed.data, null)) return null;
  return parsed.data;
}

/**
 * The proposal a member co-op sent, on the host, if that co-op may change it:
 * it lives on the co-op's node (as the proposal and its author do) and the
 * co-op is still an active member co-op of the process's Group.
 */
async function sentProposal(trx: Kysely<Schema>, uri: string, coopUri: string) {
  const row = await trx
    .selectFrom("pb_projects")
    .selectAll()
    .where("proposal_uri", "=", uri)
    .executeTakeFirst();
  const p = row ? await lockProcess(trx, row.process_id) : undefined;
  if (!row || !p?.local || !p.group_id || p.imported) return fail("not-found" as const);
  const origin = URL.canParse(coopUri) ? new URL(coopUri).origin : "";
  if (new URL(uri).origin !== origin || !URL.canParse(row.proposed_by_uri))
    return fail("not-the-author" as const);
  if (new URL(row.proposed_by_uri).origin !== origin) return fail("not-the-author" as const);
  if ((await memberCoopOn(trx, p.group_id, origin)) !== coopUri)
    return fail("not-a-member-coop" as const);
  return ok({ row, p });
}

/**
 * On the host: a member co-op's Update of a proposal it sent — its author
 * edited it in the copy. As for an author here (projects.ts `editProject`):
 * only while proposing and unreviewed, checked by the same rules; the
 * document's author must be the one the host stored. The Group then describes
 * the process again (the relay's Update), so every copy shows the edit.
 */
export async function updateRemoteProposal(
  ctx: SocialContext,
  input: RemoteProposalInput,
  options: { addressedTo: string[] },
): Promise<Result<{ id: string }, ProposalChangeProblem>> {
  return ctx.db.transaction().execute(async (trx) => {
    const found = await sentProposal(trx, input.uri, input.coopUri);
    if (!found.ok) return found;
    const { row, p } = found.value;
    if (!options.addressedTo.includes(p.group_uri)) return fail("not-addressed" as const);
    if (input.proposerUri !== row.proposed_by_uri) return fail("not-the-author" as const);
    if (input.processUri !== p.uri) return fail("invalid" as const);
    if (p.phase !== "proposing" || row.status !== "proposed") return fail("wrong-phase" as const);
    const project = await sentProject(trx, p, input);
    if (!project) return fail("invalid" as const);
    await trx
      .updateTable("pb_projects")
      .set({
        district_id: project.districtId,
        category_id: project.categoryId,
        title: project.title,
        description: project.description,
        cost: project.cost,
        location: project.location,
        latitude: project.latitude,
        longitude: project.longitude,
        remote_images: JSON.stringify(input.images),
        updated_at: ctx.clock.now().toISOString(),
      })
      .where("id", "=", row.id)
      .execute();
    await registerRemoteMedia(
      trx,
      input.images.map((i) => i.url),
      ctx.clock,
    );
    await recordEvent(trx, {
      type: "budgeting.project.proposed",
      payload: { processId: p.id, projectId: row.id, change: "edit" },
    });
    return ok({ id: row.id });
  });
}

/**
 * On the host: a member co-op's Delete of a proposal it sent — its author
 * withdrew it in the copy. As for an author here: until voting opens, unless
 * it was merged or hidden. Only the co-op of the proposal's node may.
 */
export async function withdrawRemoteProposal(
  ctx: SocialContext,
  uri: string,
  coopUri: string,
): Promise<Result<{ id: string }, ProposalChangeProblem>> {
  return ctx.db.transaction().execute(async (trx) => {
    const found = await sentProposal(trx, uri, coopUri);
    if (!found.ok) return found;
    const { row, p } = found.value;
    if (
      (p.phase !== "proposing" && p.phase !== "review") ||
      !["proposed", "feasible", "infeasible"].includes(row.status)
    )
      return fail("wrong-phase" as const);
    await trx
      .updateTable("pb_projects")
      .set({ status: "withdrawn", updated_at: ctx.clock.now().toISOString() })
      .where("id", "=", row.id)
      .execute();
    await recordEvent(trx, {
      type: "budgeting.project.proposed",
      payload: { processId: p.id, projectId: row.id, change: "withdraw" },
    });
    return ok({ id: row.id });
  });
}

/** Is a proposal sent from a copy stored here (the host)? */
export async function isReceivedProposal(db: Kysely<Schema>, uri: string): Promise<boolean> {
  const row = await db
    .selectFrom("pb_projects")
    .innerJoin("pb_processes", "pb_processes.id", "pb_projects.process_id")
    .select("pb_projects.id")
    .where("pb_projects.proposal_uri", "=", uri)
    .where("pb_processes.local", "=", 1)
    .executeTakeFirst();
  return !!row;
}
