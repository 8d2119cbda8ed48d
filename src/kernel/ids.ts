import { randomBytes, randomUUID } from "node:crypto";

/** Time-ordered ids (UUIDv7, RFC 9562): sortable, so they double as pagination cursors. */
export function newId(now: number = Date.now()): string {
  const bytes = randomBytes(16);
  const ms = BigInt(now);
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A random token for URLs, cookies and invite codes (base64url, 256 bits by default). */
export function newToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

export { randomUUID };
