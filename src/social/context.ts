/** What the social capability needs from the node: the database and its public origin. */
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";

export interface SocialContext {
  db: Kysely<Schema>;
  /** e.g. https://coop.example */
  origin: string;
  /** e.g. coop.example (host[:port]) */
  domain: string;
}

/** A member acting: their account id and username. */
export interface Member {
  id: string;
  username: string;
}

// The URIs follow the federation core's scheme (src/federation/follows.ts actorUri).
export const memberUri = (origin: string, username: string) => `${origin}/users/${username}`;
export const memberUrl = (origin: string, username: string) => `${origin}/@${username}`;
export const postUri = (origin: string, id: string) => `${origin}/posts/${id}`;
export const postUrl = (origin: string, username: string, id: string) =>
  `${origin}/@${username}/${id}`;
export const tagUrl = (origin: string, tag: string) => `${origin}/tags/${encodeURIComponent(tag)}`;
export const followersUri = (origin: string, username: string) =>
  `${origin}/users/${username}/followers`;
