/**
 * The key that signs the data commons' releases: the co-op actor's Ed25519 key
 * (federation/keys.ts), the one its actor document lists as `#multikey-2`, so a
 * reader can fetch the public key from the actor as well as from the release.
 * Kept as a node:crypto KeyObject so signing is synchronous (inside a transaction).
 */
import { KeyObject } from "node:crypto";
import type { ReleaseSigner } from "../commons/context.ts";
import { signerFromKeys } from "../commons/signing.ts";
import type { Db } from "../db/database.ts";
import { COOP_ACTOR, coopUri } from "../kernel/uris.ts";
import { ActorKeys } from "./keys.ts";

export function releaseSigner(db: Db["db"], origin: string): () => Promise<ReleaseSigner> {
  let made: Promise<ReleaseSigner> | undefined;
  return () => {
    made ??= new ActorKeys(db).get(COOP_ACTOR).then((pairs) => {
      const ed25519 = pairs[1];
      if (!ed25519) throw new Error("the co-op has no Ed25519 key");
      return signerFromKeys(
        `${coopUri(origin)}#multikey-2`,
        KeyObject.from(ed25519.privateKey),
        KeyObject.from(ed25519.publicKey),
      );
    });
    made.catch(() => {
      made = undefined;
    });
    return made;
  };
}
