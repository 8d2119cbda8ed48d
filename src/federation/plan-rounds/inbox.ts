/**
 * The plan-round inbox handlers. They claim only:
 * - on a member co-op's node: a Create/Update from a remote Group whose object
 *   is a PlanRound of that Group's node (fetched from its id, signed by this
 *   node: only the node that holds it can say what it says) — the copy is kept
 *   (economy/plan-rounds/copies.ts, which checks the co-op is a member);
 * - on the host: an Accept/Reject whose first object is the part of a round
 *   hosted here (`{round}/revisions/{n}`), the Reject naming the commitments
 *   rejected — applied as the sending co-op's answer (answers.ts checks it has
 *   a part in that revision). Fedify has checked the signature is the actor's.
 * Whatever is refused is skipped with a log line and changes nothing.
 */
import type { InboxContext } from "@fedify/fedify";
import { Accept, type Activity, Create, Reject, Update } from "@fedify/vocab";
import { getLogger } from "@logtape/logtape";
import { receiveAnswer } from "../../economy/plan-rounds/answers.ts";
import { receivePlan } from "../../economy/plan-rounds/copies.ts";
import type { FederationDeps } from "../deps.ts";
import { signedLoader } from "../lookup.ts";
import { parsePlanDocument } from "./parse.ts";
import { partPattern } from "./vocab.ts";

const logger = getLogger(["synco", "federation", "plan-rounds"]);
const roundPath = /^\/plan-rounds\/[0-9a-f-]{36}$/;
const MAX_NOTE = 2000;

function skip(activity: Activity, why: string): void {
  logger.info("Skipping {id}: {why}", { id: activity.id?.href ?? "(no id)", why });
}

type Claimed =
  | { kind: "plan"; document: unknown; uri: string }
  | { kind: "answer"; roundUri: string; revision: number; rejected: string[] };

export function planRoundsInbox(deps: FederationDeps) {
  const { db } = deps.db;
  const origin = deps.config.origin;
  const ctxOf = () => ({ db, origin, clock: deps.clock });
  const claimed = new WeakMap<Activity, Claimed>();

  async function claims(ctx: InboxContext<void>, activity: Activity): Promise<boolean> {
    const actor = activity.actorId;
    if (!actor || actor.origin === new URL(origin).origin) return false;
    if (activity instanceof Accept || activity instanceof Reject) {
      const [first, ...rest] = activity.objectIds.map((u) => u.href);
      const m = first?.startsWith(`${origin}/`) ? partPattern.exec(first) : null;
      if (!m?.[1] || !m[2]) return false;
      claimed.set(activity, {
        kind: "answer",
        roundUri: m[1],
        revision: Number(m[2]),
        rejected: activity instanceof Reject ? rest : [],
      });
      return true;
    }
    if (!(activity instanceof Create || activity instanceof Update)) return false;
    const object = activity.objectId;
    if (!object || object.origin !== actor.origin || !roundPath.test(object.pathname)) return false;
    const loader = await signedLoader(ctx);
    const document = (await loader(object.href).catch(() => null))?.document ?? null;
    if ((document as { type?: unknown } | null)?.type !== "PlanRound") return false;
    claimed.set(activity, { kind: "plan", document, uri: object.href });
    return true;
  }

  async function handle(_ctx: InboxContext<void>, activity: Activity): Promise<void> {
    const what = claimed.get(activity);
    const sender = activity.actorId?.href;
    if (!what || !sender) return skip(activity, "not a plan round's");
    if (what.kind === "answer") {
      const content = activity.content?.toString() ?? "";
      const kept = await receiveAnswer(ctxOf(), {
        roundUri: what.roundUri,
        revision: what.revision,
        coopUri: sender,
        rejected: what.rejected,
        note: content.slice(0, MAX_NOTE),
      });
      logger.info("Answer of {coop} to {round}: {result}", {
        coop: sender,
        round: what.roundUri,
        result: kept.ok ? kept.value.answer : kept.reason,
      });
      return;
    }
    const parsed = parsePlanDocument(what.document, what.uri);
    if (!parsed.ok) return skip(activity, `the PlanRound is refused: ${parsed.reason}`);
    if (parsed.value.groupUri !== sender) return skip(activity, "not sent by the round's group");
    const kept = await receivePlan(ctxOf(), parsed.value);
    if (!kept.ok) skip(activity, `the plan is not kept: ${kept.reason}`);
  }

  return { claims, handle };
}
