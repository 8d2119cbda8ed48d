/**
 * Random bytes for the exact samplers, and uniform integers drawn from them.
 *
 * Every sampler consumes randomness only through `uniformBelow` /
 * `uniformBelowBig`, which draw the same bytes for the same bound: the fast
 * Number paths and the BigInt reference paths then make identical choices from
 * one seeded stream, which the tests check.
 */
import { createCipheriv, createHash, randomBytes } from "node:crypto";

/** A source of uniformly random bytes. */
export interface ByteSource {
  nextByte(): number;
}

const CHUNK = 64 * 1024;

/** Serves bytes from a buffer refilled in large chunks (one syscall or cipher call per 64 KiB). */
class BufferedByteSource implements ByteSource {
  #buffer: Buffer;
  #position = 0;
  readonly #refill: () => Buffer;

  constructor(refill: () => Buffer) {
    this.#refill = refill;
    this.#buffer = refill();
  }

  nextByte(): number {
    if (this.#position === this.#buffer.length) {
      this.#buffer = this.#refill();
      this.#position = 0;
    }
    // biome-ignore lint/style/noNonNullAssertion: position < length is checked above
    return this.#buffer[this.#position++]!;
  }
}

/** Production randomness: the operating system's CSPRNG (crypto.randomBytes), buffered. */
export function cryptoByteSource(): ByteSource {
  return new BufferedByteSource(() => randomBytes(CHUNK));
}

/**
 * A reproducible stream for tests and audits: the ChaCha20 keystream under the
 * key SHA-256("synco-dp-seed\0" + seed), with a zero nonce and counter. Never
 * use it to protect real data: anyone who knows the seed knows the noise.
 */
export function seededByteSource(seed: string | number): ByteSource {
  const key = createHash("sha256").update(`synco-dp-seed\0${seed}`).digest();
  const cipher = createCipheriv("chacha20", key, Buffer.alloc(16));
  const zeros = Buffer.alloc(CHUNK);
  return new BufferedByteSource(() => cipher.update(zeros));
}

/** Number of bits needed to write n (n ≥ 0, n ≤ 2^53). */
export function bitLength(n: number): number {
  if (n < 0x1_0000_0000) return 32 - Math.clz32(n);
  return 32 + bitLength(Math.floor(n / 0x1_0000_0000));
}

function bitLengthBig(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * A uniform integer in [0, m), for 1 ≤ m ≤ 2^53, by rejection: read just enough
 * bytes (big-endian) for m − 1, mask the top byte to its bit length, retry when
 * the value is ≥ m. Each try succeeds with probability > 1/2.
 */
export function uniformBelow(source: ByteSource, m: number): number {
  if (!Number.isSafeInteger(m) || m < 1) throw new RangeError(`uniformBelow: bad bound ${m}`);
  if (m === 1) return 0;
  const bits = bitLength(m - 1);
  const bytes = (bits + 7) >> 3;
  const topMask = (1 << (bits - 8 * (bytes - 1))) - 1;
  for (;;) {
    let value = source.nextByte() & topMask;
    for (let i = 1; i < bytes; i++) value = value * 256 + source.nextByte();
    if (value < m) return value;
  }
}

/** The BigInt twin of `uniformBelow`: same bytes, same result, any size of m. */
export function uniformBelowBig(source: ByteSource, m: bigint): bigint {
  if (m < 1n) throw new RangeError(`uniformBelow: bad bound ${m}`);
  if (m === 1n) return 0n;
  const bits = bitLengthBig(m - 1n);
  const bytes = (bits + 7) >> 3;
  const topMask = (1 << (bits - 8 * (bytes - 1))) - 1;
  for (;;) {
    let value = BigInt(source.nextByte() & topMask);
    for (let i = 1; i < bytes; i++) value = (value << 8n) | BigInt(source.nextByte());
    if (value < m) return value;
  }
}
