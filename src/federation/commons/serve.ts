/**
 * What a node serves of the federated data commons, in front of Fedify (plain
 * JSON-LD documents of our vocabulary, objects.ts), when asked for ActivityStreams:
 * - /commons/datasets/{id}: a dataset declared here in a federation group, to
 *   anyone when the group is public, else only to a signed fetch by a server of
 *   one of the Group's members;
 * - /commons/federated/{id}: a federation's question, under the same rule;
 * - /commons/answers/{id}: what this node answered to a question: its release
 *   (public like every release) or why it refused, to anyone.
 * Anything else is 404, the same answer whether it exists or not.
 */
import type { MiddlewareHandler } from "hono";
import type { Dataset } from "../../commons/datasets.ts";
import { findDataset } from "../../commons/datasets.ts";
import { answerUri, answerWithRelease } from "../../commons/federated/answering.ts";
import { findFederatedQuery } from "../../commons/federated/parts.ts";
import { findGroupById } from "../../groups/groups.ts";
import { coopUri } from "../../kernel/uris.ts";
import { isGroupMemberActor } from "../../social/visibility.ts";
import type { WebEnv } from "../../web/context.ts";
import {
  activityJson,
  notFoundJson,
  signedFetchOwner,
  wantsActivityJson,
} from "../extension-serving.ts";
import type { FederationGateway } from "../index.ts";
import { answerDocument, datasetDocument, questionDocument } from "./objects.ts";

const uuid = "[0-9a-f-]{36}";
const datasetPath = new RegExp(`^/commons/datasets/(${uuid})$`);
const questionPath = new RegExp(`^/commons/federated/(${uuid})$`);
const answerPath = new RegExp(`^/commons/answers/(${uuid})$`);

export function commonsFederationMiddleware(gateway: FederationGateway): MiddlewareHandler<WebEnv> {
  const deps = gateway.deps;
  const { db } = deps.db;
  const origin = deps.config.origin;

  /** A federation dataset declared here that this request may read. */
  async function readable(request: Request, id: string): Promise<Dataset | null> {
    const d = await findDataset(db, id);
    if (d?.local !== 1 || d.status === "hidden" || !d.group_id) return null;
    const group = await findGroupById(db, d.group_id);
    if (group?.kind !== "federation") return null;
    if (group.visibility === "public") return d;
    const viewer = await signedFetchOwner(gateway, request);
    if (
      !viewer ||
      !(await isGroupMemberActor(db, { audience_uri: d.group_uri, group_id: group.id }, viewer))
    )
      return null;
    return d;
  }

  async function dataset(request: Request, id: string): Promise<Response> {
    const d = await readable(request, id);
    return d ? activityJson(datasetDocument(d)) : notFoundJson();
  }

  async function question(request: Request, id: string): Promise<Response> {
    const q = await findFederatedQuery(db, id);
    const d = q && (await readable(request, q.dataset_id));
    if (!q || !d) return notFoundJson();
    return activityJson(
      questionDocument({
        uri: q.uri,
        datasetUri: d.uri,
        groupUri: d.group_uri,
        askedByUri: q.asked_by_uri,
        period: q.period,
        query: q.parsedQuery,
        closesAt: q.closes_at,
        createdAt: q.created_at,
      }),
    );
  }

  async function answer(id: string): Promise<Response> {
    const a = await answerWithRelease(db, id);
    if (!a) return notFoundJson();
    return activityJson(
      answerDocument({
        uri: answerUri(origin, a.id),
        coopUri: coopUri(origin),
        groupUri: a.group_uri,
        queryUri: a.query_uri,
        datasetUri: a.dataset_uri,
        createdAt: a.created_at,
        release: a.release,
        reason: a.reason,
      }),
    );
  }

  return async (c, next) => {
    if (c.req.method !== "GET" || !wantsActivityJson(c.req.header("accept"))) return next();
    const path = new URL(c.req.url).pathname;
    const d = datasetPath.exec(path);
    if (d?.[1]) return dataset(c.req.raw, d[1]);
    const q = questionPath.exec(path);
    if (q?.[1]) return question(c.req.raw, q[1]);
    const a = answerPath.exec(path);
    if (a?.[1]) return answer(a[1]);
    return next();
  };
}
