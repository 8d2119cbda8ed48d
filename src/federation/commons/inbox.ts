/**
 * The data commons' inbox handlers (docs/dp.md, "Federation"). Offered an
 * activity after budgeting and before groups (federation-gateway.ts), they
 * claim only a Create/Update whose object is one of our commons documents:
 * - CommonsDataset from a remote Group (on a member co-op's node): the copy is
 *   kept or refreshed, if our co-op is in that federation;
 * - CommonsQuestion from a remote Group: this node answers over its own rows
 *   (commons/federated/answering.ts), and the relay sends the answer back;
 * - CommonsAnswer from a member co-op to a Group hosted here (on the
 *   federation's node): the part is checked and kept (commons/federated/parts.ts).
 * Documents travel by reference: each is fetched from its id (signed by this
 * node), so only the node that holds it can say what it says, and it must be
 * on the actor's own server. Whatever is refused is skipped with a log line.
 */
import type { InboxContext } from "@fedify/fedify";
import { type Activity, Create, Update } from "@fedify/vocab";
import { getLogger } from "@logtape/logtape";
import type { CommonsContext } from "../../commons/context.ts";
import { answerFederation } from "../../commons/federated/answering.ts";
import { copyByUri, receiveDatasetCopy } from "../../commons/federated/copies.ts";
import { receivePart } from "../../commons/federated/parts.ts";
import { groupPrefix } from "../../kernel/uris.ts";
import { releaseSigner } from "../commons-signer.ts";
import type { FederationDeps } from "../deps.ts";
import { signedLoader } from "../lookup.ts";
import { parseAnswerDocument, parseDatasetDocument, parseQuestionDocument } from "./parse.ts";

const logger = getLogger(["synco", "federation", "commons"]);

function skip(activity: Activity, why: string): void {
  logger.info("Skipping {id}: {why}", { id: activity.id?.href ?? "(no id)", why });
}

const TYPES = ["CommonsDataset", "CommonsQuestion", "CommonsAnswer"] as const;
type Claimed = { type: (typeof TYPES)[number]; document: unknown; uri: string };

const sameOrigin = (a: string, b: string) =>
  URL.canParse(a) && URL.canParse(b) && new URL(a).origin === new URL(b).origin;

export function commonsInbox(deps: FederationDeps) {
  const { db } = deps.db;
  const signer = releaseSigner(db, deps.config.origin);
  const claimed = new WeakMap<Activity, Claimed>();
  const isLocalGroup = (uri: string) => uri.startsWith(groupPrefix(deps.config.origin));
  const context = async (): Promise<CommonsContext> => ({
    db,
    origin: deps.config.origin,
    clock: deps.clock,
    signer: await signer(),
  });

  async function fetchDocument(ctx: InboxContext<void>, uri: string): Promise<unknown> {
    const loader = await signedLoader(ctx);
    return (await loader(uri).catch(() => null))?.document ?? null;
  }

  async function claims(ctx: InboxContext<void>, activity: Activity): Promise<boolean> {
    if (!(activity instanceof Create || activity instanceof Update)) return false;
    const objectId = activity.objectId?.href;
    if (!objectId || !activity.actorId) return false;
    if (activity.actorId.origin === new URL(deps.config.origin).origin) return false;
    if (!/\/commons\/(datasets|federated|answers)\/[0-9a-f-]{36}$/.test(objectId)) return false;
    const document = await fetchDocument(ctx, objectId);
    const type = (document as { type?: unknown } | null)?.type;
    if (!TYPES.includes(type as Claimed["type"])) return false;
    if (type === "CommonsAnswer" && !activity.toIds.some((u) => isLocalGroup(u.href))) return false;
    claimed.set(activity, { type: type as Claimed["type"], document, uri: objectId });
    return true;
  }

  async function onDataset(activity: Activity, document: unknown, uri: string) {
    const parsed = parseDatasetDocument(document, uri);
    if (!parsed.ok) return skip(activity, `the CommonsDataset is refused: ${parsed.reason}`);
    if (activity.actorId?.href !== parsed.value.groupUri)
      return skip(activity, "only the dataset's Group speaks for it");
    const kept = await receiveDatasetCopy(await context(), parsed.value);
    if (!kept.ok) skip(activity, `the dataset is not kept: ${kept.reason}`);
  }

  async function onQuestion(
    ctx: InboxContext<void>,
    activity: Activity,
    document: unknown,
    uri: string,
  ) {
    const parsed = parseQuestionDocument(document, uri);
    if (!parsed.ok) return skip(activity, `the CommonsQuestion is refused: ${parsed.reason}`);
    const q = parsed.value;
    if (activity.actorId?.href !== q.groupUri || !sameOrigin(q.datasetUri, q.groupUri))
      return skip(activity, "only the dataset's Group asks");
    const cx = await context();
    if (!(await copyByUri(db, q.datasetUri))) {
      // The question came before the dataset (or the dataset's Create was lost).
      const d = parseDatasetDocument(await fetchDocument(ctx, q.datasetUri), q.datasetUri);
      if (!d.ok) return skip(activity, `its dataset is refused: ${d.reason}`);
      if (d.value.groupUri !== q.groupUri) return skip(activity, "the dataset is another Group's");
      const kept = await receiveDatasetCopy(cx, d.value);
      if (!kept.ok) return skip(activity, `its dataset is not kept: ${kept.reason}`);
    }
    const answered = await answerFederation(cx, {
      queryUri: q.uri,
      datasetUri: q.datasetUri,
      groupUri: q.groupUri,
      query: q.query,
    });
    logger.info("Question {uri}: {result}", {
      uri: q.uri,
      result: answered ? (answered.releaseId ? "released" : answered.reason) : "not ours to answer",
    });
  }

  async function onAnswer(activity: Activity, document: unknown, uri: string) {
    const parsed = parseAnswerDocument(document, uri);
    if (!parsed.ok) return skip(activity, `the CommonsAnswer is refused: ${parsed.reason}`);
    const a = parsed.value;
    if (activity.actorId?.href !== a.coopUri || !sameOrigin(a.uri, a.coopUri))
      return skip(activity, "an answer comes from its own co-op's server");
    const taken = await receivePart(await context(), {
      queryUri: a.queryUri,
      coopUri: a.coopUri,
      answerUri: a.uri,
      outcome: a.outcome,
      ...(a.reason ? { reason: a.reason } : {}),
      ...(a.release ? { release: a.release } : {}),
    });
    logger.info("Answer {uri} from {coop}: {result}", {
      uri,
      coop: a.coopUri,
      result: taken.ok
        ? taken.value.published
          ? "kept, release published"
          : "kept"
        : taken.reason,
    });
  }

  async function handle(ctx: InboxContext<void>, activity: Activity): Promise<void> {
    const what = claimed.get(activity);
    if (!what) return skip(activity, "not the commons'");
    if (what.type === "CommonsDataset") return onDataset(activity, what.document, what.uri);
    if (what.type === "CommonsQuestion") return onQuestion(ctx, activity, what.document, what.uri);
    return onAnswer(activity, what.document, what.uri);
  }

  return { claims, handle };
}
