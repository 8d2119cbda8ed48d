/**
 * What a node serves of federated budgeting, in front of Fedify (plain JSON-LD
 * documents of our vocabulary, objects.ts):
 * - /budgets/{id} (asked for as ActivityStreams): a process hosted here, to
 *   anyone when its group is public, else only to a signed fetch by the
 *   Group's members' servers (as decisions and group posts);
 * - /pb-ballots/{process}/{id}: a ballot a member here cast in the copy of a
 *   process hosted elsewhere, only to a signed fetch from the hosting node;
 * - /pb-proposals/{process}/{id}: a project a member here proposed in such a
 *   copy, likewise only to the hosting node.
 * Anything else is 404, the same answer whether it exists or not.
 */
import type { MiddlewareHandler } from "hono";
import { proposalAsSent } from "../../governance/budgeting/elsewhere/proposals.ts";
import { relayedBallot } from "../../governance/budgeting/elsewhere/relayed.ts";
import { findGroupById } from "../../groups/groups.ts";
import { isGroupMemberActor } from "../../social/visibility.ts";
import type { WebEnv } from "../../web/context.ts";
import {
  activityJson,
  notFoundJson,
  signedFetchOwner,
  wantsActivityJson,
} from "../extension-serving.ts";
import type { FederationGateway } from "../index.ts";
import { ballotDocument, processDocument, proposalDocument } from "./objects.ts";
import { processViewOf } from "./views.ts";

const uuid = "[0-9a-f-]{36}";
const processPath = new RegExp(`^/budgets/(${uuid})$`);
const ballotPath = new RegExp(`^/pb-ballots/(${uuid})/(${uuid})$`);
const proposalPath = new RegExp(`^/pb-proposals/(${uuid})/(${uuid})$`);

export function budgetingFederationMiddleware(
  gateway: FederationGateway,
): MiddlewareHandler<WebEnv> {
  const deps = gateway.deps;
  const { db } = deps.db;

  async function process(request: Request, id: string): Promise<Response> {
    const p = await db
      .selectFrom("pb_processes")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst();
    if (!p?.local || !p.group_id || p.imported) return notFoundJson();
    const group = await findGroupById(db, p.group_id);
    if (!group) return notFoundJson();
    if (group.visibility !== "public") {
      const viewer = await signedFetchOwner(gateway, request);
      if (
        !viewer ||
        !(await isGroupMemberActor(db, { audience_uri: p.group_uri, group_id: group.id }, viewer))
      )
        return notFoundJson();
    }
    return activityJson(processDocument(await processViewOf(db, deps.config.origin, p)));
  }

  async function ballot(request: Request, processId: string, id: string): Promise<Response> {
    const b = await relayedBallot(db, deps.config.origin, processId, id);
    if (!b) return notFoundJson();
    const viewer = await signedFetchOwner(gateway, request);
    if (!viewer || !URL.canParse(viewer) || new URL(viewer).origin !== new URL(b.processUri).origin)
      return notFoundJson();
    const { groupUri, ...input } = b;
    return activityJson(ballotDocument(input, groupUri));
  }

  async function proposal(request: Request, processId: string, id: string): Promise<Response> {
    const p = await proposalAsSent(db, deps.config.origin, processId, id);
    if (!p) return notFoundJson();
    const viewer = await signedFetchOwner(gateway, request);
    if (!viewer || !URL.canParse(viewer) || new URL(viewer).origin !== new URL(p.processUri).origin)
      return notFoundJson();
    const { groupUri, ...input } = p;
    return activityJson(proposalDocument(input, groupUri));
  }

  return async (c, next) => {
    if (c.req.method !== "GET" || !wantsActivityJson(c.req.header("accept"))) return next();
    const path = new URL(c.req.url).pathname;
    const p = processPath.exec(path);
    if (p?.[1]) return process(c.req.raw, p[1]);
    const b = ballotPath.exec(path);
    if (b?.[1] && b[2]) return ballot(c.req.raw, b[1], b[2]);
    const o = proposalPath.exec(path);
    if (o?.[1] && o[2]) return proposal(c.req.raw, o[1], o[2]);
    return next();
  };
}
