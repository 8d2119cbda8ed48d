import { randomBytes } from "node:crypto";

let lastMs = 0;
let sequence = 0;

/**
 * Time-ordered ids (UUIDv7, RFC 9562), monotonic within this process: ids made
 * in the same millisecond carry a 12-bit counter (RFC 9562 §6.2, method 1), so
 * they sort in creation order and double as pagination cursors.
 */
export function newId(now: number = Date.now()): string {
  if (now <= lastMs) {
    sequence++;
    if (sequence > 0xfff) {
      lastMs++;
      sequence = 0;
    }
  } else {
    lastMs = now;
    sequence = 0;
  }
  const bytes = randomBytes(16);
  const ms = BigInt(lastMs);
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A random token for URLs, cookies and invite codes (base64url, 256 bits by default). */
export function newToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}
