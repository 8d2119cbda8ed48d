/**
 * Fedify parses the same JSON-LD more than once per inbox POST and offers no hook to
 * stop it: the activity twice from one object (its integrity-proof check parses it
 * even when it carries no proof, then comes the parse proper), and the signer's key
 * on every request from the very object our KvStore keeps in memory. Each parse is
 * a JSON-LD expansion leaving some 270 KB of garbage; together they were most of an
 * inbox POST's CPU and garbage collection (bench/federation.bench.ts).
 *
 * So parsing an Activity or a CryptographicKey remembers its result per input
 * *object*: the same object parsed again gives the same (immutable) vocabulary
 * object. Any other object is parsed afresh, so a key fetched anew (a rotation) or
 * a new activity never meets a stale result, and entries die with their input
 * (WeakMap). Installed once per thread on Fedify's classes; Synco's own code never
 * calls these parses.
 */
import { Activity, CryptographicKey } from "@fedify/vocab";

type Parse = (json: unknown, options?: object) => Promise<unknown>;

function memoize(cls: { fromJsonLd: Parse }): void {
  const parse = cls.fromJsonLd;
  const parsed = new WeakMap<object, Promise<unknown>>();
  // A function, not an arrow: subclasses reach this through `super.fromJsonLd` with
  // themselves as `this`, and those calls (parts of a bigger parse) pass straight on.
  cls.fromJsonLd = function (this: unknown, json, options) {
    if (this !== cls || typeof json !== "object" || json === null)
      return parse.call(this, json, options);
    let result = parsed.get(json);
    if (!result) {
      result = parse.call(cls, json, options);
      parsed.set(json, result);
      // A failed parse is not remembered: the next caller gets its own error.
      result.catch(() => parsed.delete(json));
    }
    return result;
  };
}

let installed = false;

export function memoizeParses(): void {
  if (installed) return;
  installed = true;
  memoize(Activity as unknown as { fromJsonLd: Parse });
  memoize(CryptographicKey as unknown as { fromJsonLd: Parse });
}
