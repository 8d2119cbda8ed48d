/**
 * What the commons capability needs from the node: the database, its public
 * origin, the clock, and for queries the key that signs releases.
 */
import type { JsonWebKey } from "node:crypto";
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import type { Clock } from "../kernel/clock.ts";

/**
 * Signs a release's canonical JSON with the node's Ed25519 key. Synchronous, so a
 * release is signed inside its transaction without awaiting non-database work.
 */
export interface ReleaseSigner {
  /** The key's id: the co-op actor's Multikey, where anyone can fetch the public key. */
  keyId: string;
  /** The public key as JWK, copied beside each release so a reader can check it offline. */
  publicKeyJwk: JsonWebKey;
  sign(data: Uint8Array): Uint8Array;
}

export interface CommonsContext {
  db: Kysely<Schema>;
  /** e.g. https://coop.example */
  origin: string;
  clock: Clock;
  signer: ReleaseSigner;
}

/** A member of this node acting. */
export interface CommonsMember {
  id: string;
  username: string;
}
