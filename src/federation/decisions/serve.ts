/**
 * What a node serves of decisions, in front of Fedify (our vocabulary is not
 * Fedify's, so these are plain JSON-LD documents, objects.ts):
 * - /decisions/{id}: a decision hosted here, to anyone when its group is
 *   public, else only to a signed fetch by the Group's members' servers (the
 *   rule group posts follow, social/serve.ts);
 * - /decision-ballots/{id}: a ballot a member here cast in a decision hosted
 *   elsewhere, only to a signed fetch by the hosting node: a ballot is never public.
 * Anything else is 404, the same answer whether it exists or not.
 */
import type { MiddlewareHandler } from "hono";
import { findDecision } from "../../governance/decisions/decisions.ts";
import { activeMembers, findSentBallot } from "../../governance/decisions/elsewhere.ts";
import { findGroupById } from "../../groups/groups.ts";
import { decisionBallotUri, memberUri } from "../../kernel/uris.ts";
import { isGroupMemberActor } from "../../social/visibility.ts";
import type { WebEnv } from "../../web/context.ts";
import { socialContext } from "../deps.ts";
import {
  activityJson,
  notFoundJson,
  signedFetchOwner,
  wantsActivityJson,
} from "../extension-serving.ts";
import type { FederationGateway } from "../index.ts";
import { ballotDocument, decisionDocument } from "./objects.ts";
import { decisionViewOf } from "./views.ts";

const path = /^\/(decisions|decision-ballots)\/([0-9a-f-]{36})$/;

export function decisionFederationMiddleware(
  gateway: FederationGateway,
): MiddlewareHandler<WebEnv> {
  const deps = gateway.deps;
  const { db } = deps.db;

  async function decision(request: Request, id: string): Promise<Response> {
    const d = await findDecision(db, id);
    if (!d?.local || !d.group_id) return notFoundJson();
    const [group, post] = await Promise.all([
      findGroupById(db, d.group_id),
      db
        .selectFrom("posts")
        .select(["deleted_at", "hidden_at"])
        .where("id", "=", d.post_id)
        .executeTakeFirst(),
    ]);
    if (!group || !post || post.deleted_at || post.hidden_at) return notFoundJson();
    if (group.visibility !== "public") {
      const viewer = await signedFetchOwner(gateway, request);
      if (
        !viewer ||
        !(await isGroupMemberActor(db, { audience_uri: d.group_uri, group_id: group.id }, viewer))
      )
        return notFoundJson();
    }
    return activityJson(decisionDocument(await decisionViewOf(socialContext(deps), d)));
  }

  async function ballot(request: Request, id: string): Promise<Response> {
    const b = await findSentBallot(db, id);
    if (!b) return notFoundJson();
    const viewer = await signedFetchOwner(gateway, request);
    if (
      !viewer ||
      !URL.canParse(viewer) ||
      new URL(viewer).origin !== new URL(b.decision_uri).origin
    )
      return notFoundJson();
    return activityJson(
      ballotDocument({
        uri: decisionBallotUri(deps.config.origin, b.id),
        actorUri: memberUri(deps.config.origin, b.username),
        decisionUri: b.decision_uri,
        groupUri: b.group_uri,
        choice: b.choice,
        onBehalfOf: b.on_behalf_of || null,
        // Our co-op's size, said by its own node: the host weighs it where a decision is by members.
        coopMembers: b.on_behalf_of ? await activeMembers(db) : null,
        createdAt: b.created_at,
        updatedAt: b.updated_at,
      }),
    );
  }

  return async (c, next) => {
    if (c.req.method !== "GET") return next();
    const match = path.exec(new URL(c.req.url).pathname);
    if (!match?.[2] || !wantsActivityJson(c.req.header("accept"))) return next();
    return match[1] === "decisions" ? decision(c.req.raw, match[2]) : ballot(c.req.raw, match[2]);
  };
}
