/**
 * Release signatures: Ed25519 over the UTF-8 bytes of the release's canonical
 * JSON (keys sorted at every depth, commons/fields.ts `canonicalJson`). Anyone
 * holding the public key checks a downloaded release with `verifyRelease`, or
 * with any Ed25519 library: canonicalise, then verify the base64url signature.
 */
import { createPublicKey, type JsonWebKey, type KeyObject, sign, verify } from "node:crypto";
import type { ReleaseSigner } from "./context.ts";

export function signerFromKeys(
  keyId: string,
  privateKey: KeyObject,
  publicKey: KeyObject,
): ReleaseSigner {
  if (privateKey.asymmetricKeyType !== "ed25519") throw new TypeError("need an Ed25519 key");
  return {
    keyId,
    publicKeyJwk: publicKey.export({ format: "jwk" }) as JsonWebKey,
    sign: (data) => sign(null, data, privateKey),
  };
}

export function signBody(signer: ReleaseSigner, body: string): string {
  return Buffer.from(signer.sign(Buffer.from(body, "utf8"))).toString("base64url");
}

/** Does `signature` (base64url) sign `body` under this Ed25519 public key (JWK)? */
export function verifyRelease(body: string, signature: string, publicKeyJwk: JsonWebKey): boolean {
  try {
    const key = createPublicKey({ key: publicKeyJwk as never, format: "jwk" });
    return verify(null, Buffer.from(body, "utf8"), key, Buffer.from(signature, "base64url"));
  } catch {
    return false;
  }
}
