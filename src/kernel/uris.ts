/**
 * The one home of this node's ActivityPub ids and public links. Every place
 * that spells an actor, post, group or tag address asks here, so the shapes the
 * federation layer serves (src/federation/actors.ts "/users/{identifier}",
 * groups/serve.ts, social/serve.ts) and the ids stored in the database can
 * never drift apart. Pure strings: capabilities may import it (no Fedify).
 */

/** Identifiers of the two non-member actors; both names are reserved (kernel/names.ts). */
export const COOP_ACTOR = "coop";
export const INSTANCE_ACTOR = "instance";

/** Every local actor id starts with this; used to tell ours from remote ones. */
export const memberPrefix = (origin: string) => `${origin}/users/`;
export const memberUri = (origin: string, username: string) => `${memberPrefix(origin)}${username}`;
/** The member's profile page (Mastodon's `url`). */
export const memberUrl = (origin: string, username: string) => `${origin}/@${username}`;
export const followersUri = (origin: string, username: string) =>
  `${memberUri(origin, username)}/followers`;
export const coopUri = (origin: string) => memberUri(origin, COOP_ACTOR);
export const instanceActorUri = (origin: string) => memberUri(origin, INSTANCE_ACTOR);

export const postUri = (origin: string, id: string) => `${origin}/posts/${id}`;
export const postUrl = (origin: string, username: string, id: string) =>
  `${origin}/@${username}/${id}`;
export const tagUrl = (origin: string, tag: string) => `${origin}/tags/${encodeURIComponent(tag)}`;

/** Activity ids for rows that other servers refer back to (Undo, Accept, Reject). */
export const followActivityUri = (origin: string, followId: string) =>
  `${origin}/follows/${followId}`;
export const likeUri = (origin: string, likeId: string) => `${origin}/likes/${likeId}`;
export const voteUri = (origin: string, voteId: string) => `${origin}/votes/${voteId}`;
/** A decision hosted here (governance/decisions): its ActivityStreams id. */
export const decisionUri = (origin: string, id: string) => `${origin}/decisions/${id}`;

/** An article's public page (issue 17); its post's `url`, what Mastodon links to. */
export const articleUrl = (origin: string, slug: string) =>
  `${origin}/articles/${encodeURIComponent(slug)}`;

export const groupPrefix = (origin: string) => `${origin}/groups/`;
export const groupUri = (origin: string, name: string) => `${groupPrefix(origin)}${name}`;
export const groupPostUri = (origin: string, name: string, postId: string) =>
  `${groupUri(origin, name)}/posts/${postId}`;

/** A ballot a member here cast in a decision hosted elsewhere (served to that node only). */
export const decisionBallotUri = (origin: string, id: string) => `${origin}/decision-ballots/${id}`;

/** A participatory budgeting process hosted here and its projects (governance/budgeting/processes). */
export const budgetUri = (origin: string, id: string) => `${origin}/budgets/${id}`;
export const budgetProjectUri = (origin: string, processId: string, id: string) =>
  `${budgetUri(origin, processId)}/projects/${id}`;

/** The economy (issue 20): an offer or need published here, and a catalogue entry hosted here. */
export const econProposalUri = (origin: string, id: string) => `${origin}/economy/proposals/${id}`;
export const econSpecUri = (origin: string, id: string) => `${origin}/economy/specs/${id}`;
