/**
 * On a member co-op's node: the ballots its members cast in a copy of a process
 * hosted elsewhere, relayed to the host by the co-op (docs/budgeting.md,
 * "Federated budgeting"). Members vote in the copy as in any process (pbvote's
 * castBallot, which stores named ballots in pb_ballots and secret ones split in
 * pb_voters / pb_secret_ballots); its event `budgeting.ballot.cast` names the
 * process and district only, so the relay asks here what changed there since
 * it last sent: new ballots (Create), changed ones (Update) and withdrawn ones
 * (Delete). A secret ballot is sent as the co-op's, naming nobody: its id is
 * the secret ballot's random id, which nothing here links to the voter.
 */
import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import type { Schema } from "../../../db/schema.ts";
import { coopUri } from "../../../kernel/uris.ts";
import type { RemoteBallotInput } from "./types.ts";

/** A ballot cast here in a copy, as the host is sent it (its id is under this path). */
export const relayedBallotUri = (origin: string, processId: string, ballotId: string) =>
  `${origin}/pb-ballots/${processId}/${ballotId}`;

export interface PendingBallot {
  ballotId: string;
  secret: boolean;
  /** "create": never sent; "update": sent with other choices; "delete": withdrawn since. */
  change: "create" | "update" | "delete";
  digest: string;
}

const digestOf = (choices: string) => createHash("sha256").update(choices).digest("base64url");

/** What the host has not heard yet of the ballots cast here in a copy's district. */
export async function pendingBallots(
  db: Kysely<Schema>,
  processId: string,
  districtId: string,
): Promise<PendingBallot[]> {
  const process = await db
    .selectFrom("pb_processes")
    .select(["local", "secrecy"])
    .where("id", "=", processId)
    .executeTakeFirst();
  if (process?.local !== 0) return [];
  const cast =
    process.secrecy === "secret"
      ? await db
          .selectFrom("pb_secret_ballots")
          .select(["id", "choices"])
          .where("process_id", "=", processId)
          .where("district_id", "=", districtId)
          .execute()
      : await db
          .selectFrom("pb_ballots")
          .select(["id", "choices"])
          .where("process_id", "=", processId)
          .where("district_id", "=", districtId)
          .execute();
  const sent = new Map(
    (
      await db
        .selectFrom("pb_relayed_ballots")
        .select(["ballot_id", "digest"])
        .where("process_id", "=", processId)
        .where("district_id", "=", districtId)
        .execute()
    ).map((r) => [r.ballot_id, r.digest]),
  );
  const secret = process.secrecy === "secret";
  const pending: PendingBallot[] = [];
  for (const b of cast) {
    const digest = digestOf(b.choices);
    const before = sent.get(b.id);
    sent.delete(b.id);
    if (before === digest) continue;
    pending.push({ ballotId: b.id, secret, change: before ? "update" : "create", digest });
  }
  for (const [ballotId, digest] of sent)
    pending.push({ ballotId, secret, change: "delete", digest });
  return pending;
}

/** Remembers what the host was sent (after sending: a failed send is retried in full). */
export async function markRelayed(
  db: Kysely<Schema>,
  processId: string,
  districtId: string,
  sent: PendingBallot[],
): Promise<void> {
  for (const p of sent) {
    await db.deleteFrom("pb_relayed_ballots").where("ballot_id", "=", p.ballotId).execute();
    if (p.change !== "delete")
      await db
        .insertInto("pb_relayed_ballots")
        .values({
          ballot_id: p.ballotId,
          process_id: processId,
          district_id: districtId,
          secret: p.secret ? 1 : 0,
          digest: p.digest,
        })
        .execute();
  }
}

/**
 * A ballot cast here in a copy, as the host is to read it (serve.ts), with
 * the process's Group; undefined when there is no such ballot. Projects and the
 * district are named by the host's URIs. A secret ballot carries no voter and
 * no time of its own (the voting phase's start, the same for all).
 */
export async function relayedBallot(
  db: Kysely<Schema>,
  origin: string,
  processId: string,
  ballotId: string,
): Promise<(RemoteBallotInput & { groupUri: string }) | undefined> {
  const process = await db
    .selectFrom("pb_processes")
    .select(["id", "uri", "group_uri", "local", "secrecy", "phase_changed_at"])
    .where("id", "=", processId)
    .executeTakeFirst();
  if (process?.local !== 0) return undefined;
  const secret = process.secrecy === "secret";
  const row:
    | {
        id: string;
        district_id: string;
        choices: string;
        voter_uri?: string;
        created_at?: string;
        updated_at?: string;
      }
    | undefined = secret
    ? await db
        .selectFrom("pb_secret_ballots")
        .select(["id", "district_id", "choices"])
        .where("process_id", "=", processId)
        .where("id", "=", ballotId)
        .executeTakeFirst()
    : await db
        .selectFrom("pb_ballots")
        .select(["id", "district_id", "choices", "voter_uri", "created_at", "updated_at"])
        .where("process_id", "=", processId)
        .where("id", "=", ballotId)
        .executeTakeFirst();
  if (!row) return undefined;
  const district = await db
    .selectFrom("pb_districts")
    .select("uri")
    .where("id", "=", row.district_id)
    .executeTakeFirst();
  if (!district?.uri) return undefined;
  const choices = JSON.parse(row.choices) as Record<string, number>;
  const projects = await db
    .selectFrom("pb_projects")
    .select(["id", "uri"])
    .where("process_id", "=", processId)
    .execute();
  const uriOf = new Map(projects.map((p) => [p.id, p.uri]));
  const picked = Object.entries(choices).flatMap(([projectId, points]) => {
    const projectUri = uriOf.get(projectId);
    return projectUri && points > 0 ? [{ projectUri, points }] : [];
  });
  return {
    uri: relayedBallotUri(origin, processId, row.id),
    coopUri: coopUri(origin),
    processUri: process.uri,
    districtUri: district.uri,
    voterUri: row.voter_uri ?? null,
    choices: picked,
    publishedAt: row.created_at ?? process.phase_changed_at,
    updatedAt: row.updated_at ?? process.phase_changed_at,
    groupUri: process.group_uri,
  };
}
