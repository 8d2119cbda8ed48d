/**
 * Each actor's two key pairs: RSA (RSASSA-PKCS1-v1_5, 2048 bits) for HTTP
 * Signatures, which Mastodon requires, and Ed25519 for Object Integrity Proofs
 * (FEP-8b32) and RFC 9421 signatures. Made on first need, stored as JWK, kept in
 * memory. Generating RSA keys takes real time, so it never runs in a transaction;
 * two processes racing to make one actor's keys both keep whichever row won.
 */
import type { webcrypto } from "node:crypto";
import type { Kysely } from "kysely";
import type { Schema } from "../db/schema.ts";
import { type Clock, systemClock } from "../kernel/clock.ts";

const { subtle } = globalThis.crypto;

type CryptoKeyPair = webcrypto.CryptoKeyPair;
type Algorithm = "RSASSA-PKCS1-v1_5" | "Ed25519";
const algorithms: readonly Algorithm[] = ["RSASSA-PKCS1-v1_5", "Ed25519"];

const params = {
  "RSASSA-PKCS1-v1_5": {
    name: "RSASSA-PKCS1-v1_5",
    modulusLength: 2048,
    publicExponent: new Uint8Array([1, 0, 1]),
    hash: "SHA-256",
  },
  Ed25519: { name: "Ed25519" },
} as const;

async function generate(algorithm: Algorithm) {
  const pair = (await subtle.generateKey(params[algorithm], true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  return {
    public_jwk: JSON.stringify(await subtle.exportKey("jwk", pair.publicKey)),
    private_jwk: JSON.stringify(await subtle.exportKey("jwk", pair.privateKey)),
  };
}

async function importPair(algorithm: Algorithm, publicJwk: string, privateJwk: string) {
  const [publicKey, privateKey] = await Promise.all([
    subtle.importKey("jwk", JSON.parse(publicJwk), params[algorithm], true, ["verify"]),
    subtle.importKey("jwk", JSON.parse(privateJwk), params[algorithm], true, ["sign"]),
  ]);
  return { publicKey, privateKey } as CryptoKeyPair;
}

export class ActorKeys {
  readonly #db: Kysely<Schema>;
  readonly #clock: Clock;
  readonly #cache = new Map<string, Promise<CryptoKeyPair[]>>();

  constructor(db: Kysely<Schema>, clock: Clock = systemClock) {
    this.#db = db;
    this.#clock = clock;
  }

  /** [RSA, Ed25519] for an owner (an account id, "coop" or "instance"). */
  get(owner: string): Promise<CryptoKeyPair[]> {
    let pairs = this.#cache.get(owner);
    if (!pairs) {
      pairs = this.#load(owner);
      this.#cache.set(owner, pairs);
      pairs.catch(() => this.#cache.delete(owner));
    }
    return pairs;
  }

  async #load(owner: string): Promise<CryptoKeyPair[]> {
    let rows = await this.#rows(owner);
    const missing = algorithms.filter((a) => !rows.some((r) => r.algorithm === a));
    if (missing.length > 0) {
      const made = await Promise.all(missing.map(async (a) => ({ a, ...(await generate(a)) })));
      const now = this.#clock.now().toISOString();
      await this.#db
        .insertInto("federation_keys")
        .values(
          made.map((m) => ({
            owner,
            algorithm: m.a,
            public_jwk: m.public_jwk,
            private_jwk: m.private_jwk,
            created_at: now,
          })),
        )
        .onConflict((oc) => oc.columns(["owner", "algorithm"]).doNothing())
        .execute();
      rows = await this.#rows(owner);
    }
    return Promise.all(
      algorithms.map((a) => {
        const row = rows.find((r) => r.algorithm === a);
        if (!row) throw new Error(`No ${a} key for ${owner}`);
        return importPair(a, row.public_jwk, row.private_jwk);
      }),
    );
  }

  #rows(owner: string) {
    return this.#db
      .selectFrom("federation_keys")
      .select(["algorithm", "public_jwk", "private_jwk"])
      .where("owner", "=", owner)
      .execute();
  }
}
