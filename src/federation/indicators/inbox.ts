/**
 * The opsroom inbox handlers (docs/opsroom.md "Federation"). They claim only a
 * Create or Update, from another node, addressed to a Group hosted here, whose
 * object is an IndicatorAlarm or an Indicator document (fetched from its id,
 * signed by this node: only the node that holds it can say what it says).
 * The capability checks that the sender is an active member co-op of that
 * federation (economy/opsroom/received.ts). Whatever is refused is skipped
 * with a log line and changes nothing.
 */
import type { InboxContext } from "@fedify/fedify";
import { type Activity, Create, Update } from "@fedify/vocab";
import { getLogger } from "@logtape/logtape";
import { receiveEscalation, receiveIndicatorState } from "../../economy/opsroom/received.ts";
import { findGroup } from "../../groups/groups.ts";
import { groupPrefix } from "../../kernel/uris.ts";
import type { FederationDeps } from "../deps.ts";
import { signedLoader } from "../lookup.ts";
import { parseAlarmDocument, parseIndicatorDocument } from "./parse.ts";

const logger = getLogger(["synco", "federation", "indicators"]);

function skip(activity: Activity, why: string): void {
  logger.info("Skipping {id}: {why}", { id: activity.id?.href ?? "(no id)", why });
}

type Claimed = {
  type: "IndicatorAlarm" | "Indicator";
  document: unknown;
  uri: string;
  groupName: string;
};

export function indicatorsInbox(deps: FederationDeps) {
  const { db } = deps.db;
  const origin = deps.config.origin;
  const claimed = new WeakMap<Activity, Claimed>();
  const opsCtx = () => ({ db, origin, clock: deps.clock });

  async function claims(ctx: InboxContext<void>, activity: Activity): Promise<boolean> {
    if (!(activity instanceof Create || activity instanceof Update)) return false;
    const objectId = activity.objectId?.href;
    if (!objectId || !activity.actorId) return false;
    if (activity.actorId.origin === new URL(origin).origin) return false;
    const group = activity.toIds.map((u) => u.href).find((u) => u.startsWith(groupPrefix(origin)));
    if (!group) return false;
    // Ours are of types Fedify does not know: anything it parses is not ours.
    const loader = await signedLoader(ctx);
    const object = await activity
      .getObject({ documentLoader: loader, suppressError: true })
      .catch(() => null);
    if (object) return false;
    const document = (await loader(objectId).catch(() => null))?.document ?? null;
    const type =
      document && typeof document === "object" ? (document as Record<string, unknown>).type : null;
    if (type !== "IndicatorAlarm" && type !== "Indicator") return false;
    claimed.set(activity, {
      type,
      document,
      uri: objectId,
      groupName: group.slice(groupPrefix(origin).length),
    });
    return true;
  }

  async function handle(_ctx: InboxContext<void>, activity: Activity): Promise<void> {
    const what = claimed.get(activity);
    const sender = activity.actorId?.href;
    if (!what || !sender) return skip(activity, "not the opsroom's");
    const group = await findGroup(db, what.groupName);
    if (!group) return skip(activity, "no such group here");
    if (what.type === "Indicator") {
      const parsed = parseIndicatorDocument(what.document, what.uri);
      if (!parsed.ok) return skip(activity, `the Indicator is refused: ${parsed.reason}`);
      const kept = await receiveIndicatorState(opsCtx(), group, sender, parsed.value);
      if (!kept.ok) skip(activity, `the indicator state is not kept: ${kept.reason}`);
      return;
    }
    const parsed = parseAlarmDocument(what.document, what.uri);
    if (!parsed.ok) return skip(activity, `the IndicatorAlarm is refused: ${parsed.reason}`);
    const kept = await receiveEscalation(opsCtx(), group, sender, parsed.value);
    logger.info("Alarm {uri} from {coop}: {result}", {
      uri: what.uri,
      coop: sender,
      result: kept.ok ? (kept.value.created ? "escalated here" : "updated") : kept.reason,
    });
  }

  return { claims, handle };
}
