/**
 * What a node serves of the marketplace as ActivityStreams, in front of Fedify
 * (asked for with an ActivityStreams Accept header; pages answer otherwise):
 * - a proposal published here, at its id, to anyone while it is open or closed
 *   (withdrawn or hidden: 404), and its Note for Mastodon at `{id}/note`;
 * - /economy/agreements/{id}: the Agreement with its commitments, only to a
 *   signed fetch from one of its parties' servers;
 * - /economy/events/{id} and /economy/messages/{id}: likewise.
 * Anything else is 404, the same answer whether it exists or not.
 */
import type { MiddlewareHandler } from "hono";
import type { WebEnv } from "../../web/context.ts";
import {
  activityJson,
  notFoundJson,
  signedFetchOwner,
  wantsActivityJson,
} from "../extension-serving.ts";
import type { FederationGateway } from "../index.ts";
import { agreementObject, economicEventDocument, proposalNote, proposalObject } from "./objects.ts";
import { messageNote } from "./relay-handlers.ts";

const uuid = "[0-9a-f-]{36}";
const agreementPath = new RegExp(`^/economy/agreements/(${uuid})$`);
const eventPath = new RegExp(`^/economy/events/(${uuid})$`);
const messagePath = new RegExp(`^/economy/messages/(${uuid})$`);
const proposalPath = /^\/economy\/(?:proposals|offers|needs)\/[^/]+(\/note)?$/;

const originOf = (uri: string) => (URL.canParse(uri) ? new URL(uri).origin : "");

export function economyFederationMiddleware(gateway: FederationGateway): MiddlewareHandler<WebEnv> {
  const deps = gateway.deps;
  const { db } = deps.db;

  /** Is the signed fetch from one of these parties' servers? */
  async function fromParty(request: Request, parties: string[]): Promise<boolean> {
    const viewer = await signedFetchOwner(gateway, request);
    return !!viewer && parties.some((p) => originOf(p) === originOf(viewer));
  }

  async function proposal(path: string, note: boolean): Promise<Response> {
    const uri = `${deps.config.origin}${note ? path.slice(0, -"/note".length) : path}`;
    const p = await db
      .selectFrom("econ_proposals")
      .selectAll()
      .where("uri", "=", uri)
      .where("local", "=", 1)
      .executeTakeFirst();
    if (!p || (p.status !== "open" && p.status !== "closed")) return notFoundJson();
    const followers = `${p.agent_uri}/followers`;
    const object = note ? proposalNote(p, followers) : proposalObject(p, followers);
    return activityJson(await object.toJsonLd());
  }

  async function agreement(request: Request, id: string): Promise<Response> {
    const a = await db
      .selectFrom("econ_agreements")
      .selectAll()
      .where("id", "=", id)
      .executeTakeFirst();
    // Served where it was named (its uri is ours).
    if (!a || originOf(a.uri) !== deps.config.origin) return notFoundJson();
    if (!(await fromParty(request, [a.proposer_uri, a.responder_uri]))) return notFoundJson();
    const commitments = await db
      .selectFrom("econ_commitments")
      .selectAll()
      .where("agreement_id", "=", a.id)
      .orderBy("reciprocal")
      .execute();
    return activityJson(await agreementObject(a, commitments, true).toJsonLd());
  }

  async function event(request: Request, id: string): Promise<Response> {
    const e = await db
      .selectFrom("econ_events")
      .innerJoin("econ_agreements", "econ_agreements.id", "econ_events.agreement_id")
      .innerJoin("econ_commitments", "econ_commitments.id", "econ_events.commitment_id")
      .selectAll("econ_events")
      .select([
        "econ_agreements.uri as agreement_uri",
        "econ_agreements.proposer_uri",
        "econ_agreements.responder_uri",
        "econ_commitments.uri as commitment_uri",
        "econ_commitments.reciprocal",
      ])
      .where("econ_events.id", "=", id)
      .executeTakeFirst();
    if (!e || originOf(e.uri) !== deps.config.origin) return notFoundJson();
    if (!(await fromParty(request, [e.proposer_uri, e.responder_uri]))) return notFoundJson();
    return activityJson(
      economicEventDocument(e, {
        commitmentUri: e.commitment_uri,
        agreementUri: e.agreement_uri,
        reciprocal: e.reciprocal === 1,
      }),
    );
  }

  async function message(request: Request, id: string): Promise<Response> {
    const m = await db
      .selectFrom("econ_messages")
      .innerJoin("econ_agreements", "econ_agreements.id", "econ_messages.agreement_id")
      .selectAll("econ_messages")
      .select([
        "econ_agreements.uri as agreement_uri",
        "econ_agreements.proposer_uri",
        "econ_agreements.responder_uri",
      ])
      .where("econ_messages.id", "=", id)
      .executeTakeFirst();
    if (!m || m.hidden || originOf(m.uri) !== deps.config.origin) return notFoundJson();
    if (!(await fromParty(request, [m.proposer_uri, m.responder_uri]))) return notFoundJson();
    const to = m.author_uri === m.proposer_uri ? m.responder_uri : m.proposer_uri;
    return activityJson(await messageNote(m, m.agreement_uri, to).toJsonLd());
  }

  return async (c, next) => {
    if (c.req.method !== "GET" || !wantsActivityJson(c.req.header("accept"))) return next();
    const path = new URL(c.req.url).pathname;
    const a = agreementPath.exec(path);
    if (a?.[1]) return agreement(c.req.raw, a[1]);
    const e = eventPath.exec(path);
    if (e?.[1]) return event(c.req.raw, e[1]);
    const m = messagePath.exec(path);
    if (m?.[1]) return message(c.req.raw, m[1]);
    const p = proposalPath.exec(path);
    if (p) return proposal(path, !!p[1]);
    return next();
  };
}
