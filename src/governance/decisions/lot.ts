/**
 * The lot: a random order of the options drawn from the decision's recorded
 * seed, so a tie nothing else breaks is broken the same way on every recount.
 * Option i's key is the hex SHA-256 of `${seed}:${i}`; options sorted by key
 * ascending give the lot order, earliest first (it wins a tie for first place
 * and survives a tie for elimination). Anyone can redo it with `sha256sum`.
 */

import { createHash } from "node:crypto";

/** lotRank[i]: option i's place in the lot order (0 = favoured). */
export function lotRank(seed: string, n: number): Int32Array {
  const keys = Array.from({ length: n }, (_, i) => ({
    i,
    key: createHash("sha256").update(`${seed}:${i}`).digest("hex"),
  }));
  keys.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.i - b.i));
  const rank = new Int32Array(n);
  keys.forEach((k, place) => {
    rank[k.i] = place;
  });
  return rank;
}

/** Options in lot order. */
export function lotOrder(seed: string, n: number): number[] {
  const rank = lotRank(seed, n);
  return Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (rank[a] as number) - (rank[b] as number),
  );
}
