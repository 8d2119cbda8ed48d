/**
 * Remote public keys, imported once. Fedify keeps a remote actor's key as JSON-LD
 * (our KvStore holds it in memory) but turns it back into a CryptoKey for every
 * signed request it verifies: the PEM's `crypto.subtle.importKey("spki", …)` cost
 * about a tenth of an inbox POST's CPU. A CryptoKey is immutable, so the same one can
 * serve every verification; only public verification keys (spki or raw, usage
 * exactly ["verify"]) are memoized, by their bytes, in a bounded map.
 */
import type { webcrypto } from "node:crypto";

type CryptoKey = webcrypto.CryptoKey;
const MAX_KEYS = 2_000;
let installed = false;

export function installPublicKeyCache(): void {
  if (installed) return;
  installed = true;
  const subtle = globalThis.crypto.subtle;
  const importKey = subtle.importKey.bind(subtle) as (...args: unknown[]) => Promise<CryptoKey>;
  const keys = new Map<string, Promise<CryptoKey>>();
  const memoized = (
    format: string,
    keyData: unknown,
    algorithm: unknown,
    extractable: boolean,
    usages: readonly string[],
  ): Promise<CryptoKey> => {
    const bytes = ArrayBuffer.isView(keyData)
      ? Buffer.from(keyData.buffer, keyData.byteOffset, keyData.byteLength)
      : keyData instanceof ArrayBuffer
        ? Buffer.from(keyData)
        : null;
    if (
      (format !== "spki" && format !== "raw") ||
      !bytes ||
      usages.length !== 1 ||
      usages[0] !== "verify"
    )
      return importKey(format, keyData, algorithm, extractable, usages);
    const id = `${format} ${JSON.stringify(algorithm)} ${extractable} ${bytes.toString("base64")}`;
    let key = keys.get(id);
    if (key) {
      // Most recently used last, so the oldest goes first when the map is full.
      keys.delete(id);
      keys.set(id, key);
      return key;
    }
    key = importKey(format, keyData, algorithm, extractable, usages);
    key.catch(() => keys.delete(id));
    if (keys.size >= MAX_KEYS) keys.delete(keys.keys().next().value as string);
    keys.set(id, key);
    return key;
  };
  subtle.importKey = memoized as typeof subtle.importKey;
}
