/**
 * Passwords hashed with argon2id (RFC 9106) from node:crypto, stored as PHC
 * strings so the cost can be raised later without breaking old hashes.
 * Hashing runs on libuv's thread pool, never inside a database transaction.
 */
import { argon2, randomBytes, timingSafeEqual } from "node:crypto";

const PASSES = 2;
const PARALLELISM = 1;
const TAG_LENGTH = 32;

function derive(
  password: string,
  salt: Buffer,
  memory: number,
  passes: number,
  parallelism: number,
) {
  return new Promise<Buffer>((resolve, reject) =>
    argon2(
      "argon2id",
      { message: password, nonce: salt, memory, passes, parallelism, tagLength: TAG_LENGTH },
      (error, key) => (error ? reject(error) : resolve(key)),
    ),
  );
}

/** memory is argon2's cost in KiB (OWASP's minimum, 19 MiB, by default). */
export async function hashPassword(password: string, memory: number): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, memory, PASSES, PARALLELISM);
  return `$argon2id$v=19$m=${memory},t=${PASSES},p=${PARALLELISM}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([\w-]+)\$([\w-]+)$/.exec(stored);
  if (!match) return false;
  const [, m, t, p, salt, hash] = match;
  const expected = Buffer.from(hash ?? "", "base64url");
  const key = await derive(
    password,
    Buffer.from(salt ?? "", "base64url"),
    Number(m),
    Number(t),
    Number(p),
  );
  return key.length === expected.length && timingSafeEqual(key, expected);
}
