/**
 * What the media capability needs from the node: the social context (database,
 * origin, domain, clock), since a published article is a post.
 */
import type { Member, SocialContext } from "../social/context.ts";

export type MediaContext = SocialContext;

/** A member acting (writer, editor): account id and username. */
export type Actor = Member;
