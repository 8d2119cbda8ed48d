/**
 * Signed links for the double opt-in and the one-click unsubscribe: the
 * subscription's id and an HMAC-SHA256 of it, keyed by the node's secret and the
 * link's purpose, so a confirm link cannot unsubscribe and nothing is stored.
 * An unsubscribe link works for as long as the subscription exists (RFC 8058
 * links must keep working); confirming twice is harmless.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export type TokenPurpose = "confirm" | "unsubscribe";

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const mac = (secret: string, purpose: TokenPurpose, id: string) =>
  createHmac("sha256", secret).update(`synco.newsletter.${purpose}.${id}`).digest("base64url");

export function signToken(secret: string, purpose: TokenPurpose, subscriptionId: string): string {
  return `${subscriptionId}.${mac(secret, purpose, subscriptionId)}`;
}

/** The subscription id a token names, or null when it is not one we signed for `purpose`. */
export function verifyToken(secret: string, purpose: TokenPurpose, token: string): string | null {
  if (token.length > 200) return null;
  const [id = "", given = "", ...rest] = token.split(".");
  if (rest.length || !ID.test(id)) return null;
  const expected = Buffer.from(mac(secret, purpose, id));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual) ? id : null;
}
