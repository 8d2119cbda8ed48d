/**
 * The decisions' inbox handlers (docs/decisions.md, "Federation"). Offered an
 * activity before groups and social (federation-gateway.ts), they claim only:
 * - Create/Update by a remote Group whose object is a Decision document (on a
 *   member's node): the copy of the decision is kept or refreshed;
 * - Create/Update of a Ballot addressed to a Group hosted here (on the host):
 *   counted through the decisions capability, which checks eligibility, the
 *   window and the rule; a Create from a voter who already voted is refused
 *   (only an Update changes a vote);
 * - a Mastodon vote (a Note with `name`, in reply to the Question, no content)
 *   on a thread that carries a poll-shaped decision hosted here.
 * Documents travel by reference: each is fetched from its id (signed by this
 * node), so only the node that holds it can say what it says.
 */
import type { InboxContext } from "@fedify/fedify";
import { type Activity, Create, Note, Update } from "@fedify/vocab";
import { getLogger } from "@logtape/logtape";
import { optionsOf } from "../../governance/decisions/decisions.ts";
import { receiveRemoteDecision } from "../../governance/decisions/elsewhere.ts";
import { hasVotedSecretly } from "../../governance/decisions/secret-ballot.ts";
import { castVote } from "../../governance/decisions/votes.ts";
import { findPostByUri, receiveGroupPost } from "../../groups/threads.ts";
import { groupPrefix } from "../../kernel/uris.ts";
import { type FederationDeps, socialContext } from "../deps.ts";
import { groupPostInput, isGroupPostObject } from "../groups/parse.ts";
import { ensureActor, signedLoader } from "../lookup.ts";
import { parseBallotDocument, parseDecisionDocument } from "./parse.ts";

const logger = getLogger(["synco", "federation", "decisions"]);

function skip(activity: Activity, why: string): void {
  logger.info("Skipping {id}: {why}", { id: activity.id?.href ?? "(no id)", why });
}

type Claimed =
  | { kind: "decision"; document: unknown; uri: string }
  | { kind: "ballot"; document: unknown; uri: string }
  | { kind: "poll-vote"; note: Note; decisionId: string };

export function decisionsInbox(deps: FederationDeps) {
  const { db } = deps.db;
  const ctxOf = () => socialContext(deps);
  /** What `claims` found, for `handle` (the same activity object is passed to both). */
  const claimed = new WeakMap<Activity, Claimed>();

  /** A document fetched by id with this node's signature; null when it cannot be had. */
  async function fetchDocument(ctx: InboxContext<void>, uri: string): Promise<unknown> {
    const loader = await signedLoader(ctx);
    return (await loader(uri).catch(() => null))?.document ?? null;
  }

  const typeOf = (doc: unknown) =>
    doc && typeof doc === "object" ? (doc as Record<string, unknown>).type : undefined;

  /** Is a URI a Group hosted here? */
  const isLocalGroup = (uri: string) => uri.startsWith(groupPrefix(deps.config.origin));

  async function pollDecisionOf(uri: string) {
    return db
      .selectFrom("decisions")
      .innerJoin("posts", "posts.id", "decisions.post_id")
      .select(["decisions.id"])
      .where("posts.uri", "=", uri)
      .where("posts.local", "=", 1)
      .where("decisions.local", "=", 1)
      .where("decisions.rule", "in", ["single", "multiple"])
      .executeTakeFirst();
  }

  async function claims(ctx: InboxContext<void>, activity: Activity): Promise<boolean> {
    if (!(activity instanceof Create || activity instanceof Update)) return false;
    const objectId = activity.objectId?.href;
    if (!objectId || !activity.actorId) return false;
    // Ours arrive by reference to a type Fedify does not know, so it yields no object;
    // anything it does parse is not ours, but for Mastodon's vote (a Note).
    const object = await activity
      .getObject({ documentLoader: await signedLoader(ctx), suppressError: true })
      .catch(() => null);
    if (object) {
      if (
        activity instanceof Create &&
        object instanceof Note &&
        object.name &&
        object.replyTargetId &&
        !object.content
      ) {
        const d = await pollDecisionOf(object.replyTargetId.href);
        if (d) {
          claimed.set(activity, { kind: "poll-vote", note: object, decisionId: d.id });
          return true;
        }
      }
      return false;
    }
    const toLocalGroup = activity.toIds.some((u) => isLocalGroup(u.href));
    const fromRemote = activity.actorId.origin !== new URL(deps.config.origin).origin;
    if (!fromRemote) return false;
    const document = await fetchDocument(ctx, objectId);
    const type = typeOf(document);
    if (type === "Decision") {
      claimed.set(activity, { kind: "decision", document, uri: objectId });
      return true;
    }
    if (type === "Ballot" && toLocalGroup) {
      claimed.set(activity, { kind: "ballot", document, uri: objectId });
      return true;
    }
    return false;
  }

  /** A Group elsewhere describes a decision in one of its threads (kept as a copy). */
  async function onDecision(
    ctx: InboxContext<void>,
    activity: Create | Update,
    document: unknown,
    uri: string,
  ): Promise<void> {
    const parsed = parseDecisionDocument(document, uri);
    if (!parsed.ok) return skip(activity, `the Decision is refused: ${parsed.reason}`);
    const input = parsed.value;
    if (activity.actorId?.href !== input.groupUri)
      return skip(activity, "only the decision's Group speaks for it");
    if (!input.threadUri) return skip(activity, "the decision has no thread");
    let post = await findPostByUri(db, input.threadUri);
    if (!post) {
      // The decision may overtake its thread's Announce: fetch the thread from the Group's node.
      const object = await ctx
        .lookupObject(input.threadUri, { documentLoader: await signedLoader(ctx) })
        .catch(() => null);
      const author =
        isGroupPostObject(object) && object.attributionId
          ? await ensureActor(ctx, deps, object.attributionId)
          : null;
      const postInput =
        author && isGroupPostObject(object)
          ? await groupPostInput(ctx, object, author, deps.clock)
          : null;
      if (!postInput) return skip(activity, "the decision's thread could not be fetched");
      await receiveGroupPost(ctxOf(), null, postInput, {
        uri: input.groupUri,
        groupId: null,
        activityJson: null,
      });
      post = await findPostByUri(db, input.threadUri);
      if (!post) return skip(activity, "the decision's thread could not be kept");
    }
    if (post.audience_uri !== input.groupUri)
      return skip(activity, "the thread is not the Group's");
    const kept = await receiveRemoteDecision(ctxOf(), input, { postId: post.id });
    if (!kept.ok) skip(activity, `the decision is not kept: ${kept.reason}`);
  }

  /** A voter elsewhere sends a Ballot to a Group hosted here: counted, or refused. */
  async function onBallot(
    ctx: InboxContext<void>,
    activity: Create | Update,
    document: unknown,
    uri: string,
  ): Promise<void> {
    const parsed = parseBallotDocument(document, uri);
    if (!parsed.ok) return skip(activity, `the Ballot is refused: ${parsed.reason}`);
    const ballot = parsed.value;
    if (ballot.actorUri !== activity.actorId?.href)
      return skip(activity, "the ballot's voter is not the activity's actor");
    const d = await db
      .selectFrom("decisions")
      .select(["id", "group_uri", "ballot"])
      .where("uri", "=", ballot.decisionUri)
      .where("local", "=", 1)
      .executeTakeFirst();
    if (!d) return skip(activity, "no such decision here");
    if (!activity.toIds.some((u) => u.href === d.group_uri))
      return skip(activity, "the ballot is not addressed to the decision's Group");
    const countsFor = ballot.onBehalfOf ?? ballot.actorUri;
    if (activity instanceof Create && (await hasVoted(d, countsFor)))
      return skip(activity, `${countsFor} has voted already (only an Update changes a vote)`);
    if (!(await ensureActor(ctx, deps, new URL(ballot.actorUri))))
      return skip(activity, "its actor could not be fetched");
    const cast = await castVote(
      ctxOf(),
      { uri: ballot.actorUri, accountId: null },
      {
        decisionId: d.id,
        choice: ballot.choice,
        ...(ballot.onBehalfOf ? { countsFor: ballot.onBehalfOf } : {}),
        ...(ballot.coopMembers ? { coopMembers: ballot.coopMembers } : {}),
      },
    );
    logger.info("Ballot {uri} for {countsFor}: {result}", {
      uri,
      countsFor,
      result: cast.ok ? "counted" : cast.reason,
    });
  }

  async function hasVoted(d: { id: string; ballot: string }, countsFor: string) {
    if (d.ballot === "secret") return hasVotedSecretly(db, d.id, countsFor);
    return !!(await db
      .selectFrom("decision_votes")
      .select("id")
      .where("decision_id", "=", d.id)
      .where("voter_uri", "=", countsFor)
      .executeTakeFirst());
  }

  /**
   * Mastodon's vote on a poll-shaped decision: the option by its name. A
   * multiple-choice vote arrives as one Note per option; each adds to the
   * voter's choice (a change, so the decision must allow changes).
   */
  async function onPollVote(
    ctx: InboxContext<void>,
    create: Create,
    note: Note,
    decisionId: string,
  ): Promise<void> {
    if (note.attributionId?.href !== create.actorId?.href)
      return skip(create, "the vote's author is not the actor");
    const d = await db
      .selectFrom("decisions")
      .selectAll()
      .where("id", "=", decisionId)
      .executeTakeFirstOrThrow();
    const option = optionsOf(d).findIndex((o) => o.label === note.name?.toString());
    if (option < 0) return skip(create, "no such option");
    const voter = await ensureActor(ctx, deps, create.actorId as URL);
    if (!voter) return skip(create, "its actor could not be fetched");
    let choice: unknown = { option };
    if (d.rule === "multiple") {
      const earlier = await db
        .selectFrom("decision_votes")
        .select("choice")
        .where("decision_id", "=", d.id)
        .where("voter_uri", "=", voter.uri)
        .executeTakeFirst();
      const before = earlier ? (JSON.parse(earlier.choice) as { options?: number[] }) : {};
      choice = { options: [...new Set([...(before.options ?? []), option])].sort((a, b) => a - b) };
    }
    const cast = await castVote(
      ctxOf(),
      { uri: voter.uri, accountId: null },
      { decisionId, choice },
    );
    if (!cast.ok) skip(create, `vote refused: ${cast.reason}`);
  }

  async function handle(ctx: InboxContext<void>, activity: Activity): Promise<void> {
    const what = claimed.get(activity);
    if (!what || !(activity instanceof Create || activity instanceof Update))
      return skip(activity, "not a decision's");
    if (what.kind === "poll-vote" && activity instanceof Create)
      return onPollVote(ctx, activity, what.note, what.decisionId);
    if (what.kind === "decision") return onDecision(ctx, activity, what.document, what.uri);
    if (what.kind === "ballot") return onBallot(ctx, activity, what.document, what.uri);
  }

  return { claims, handle };
}
