/**
 * Line diff between two revisions (for the revisions page): the longest common
 * subsequence of lines, as runs of kept, removed and added lines. Quadratic in
 * lines, so sources past MAX_DIFF_LINES compare as "all removed, all added"
 * rather than hold a page for seconds.
 */

export type DiffOp = "same" | "removed" | "added";

export interface DiffLine {
  op: DiffOp;
  text: string;
}

export const MAX_DIFF_LINES = 3000;

export function diffLines(before: string, after: string): DiffLine[] {
  const a = before === "" ? [] : before.split("\n");
  const b = after === "" ? [] : after.split("\n");
  if (a.length > MAX_DIFF_LINES || b.length > MAX_DIFF_LINES)
    return [
      ...a.map((text) => ({ op: "removed" as const, text })),
      ...b.map((text) => ({ op: "added" as const, text })),
    ];
  // Common head and tail first: an edit usually touches a few lines in the middle.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  // lcs[i * (m + 1) + j]: the LCS length of x[i..] and y[j..].
  const n = x.length;
  const m = y.length;
  const lcs = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i * (m + 1) + j] =
        x[i] === y[j]
          ? (lcs[(i + 1) * (m + 1) + j + 1] ?? 0) + 1
          : Math.max(lcs[(i + 1) * (m + 1) + j] ?? 0, lcs[i * (m + 1) + j + 1] ?? 0);
  const middle: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) {
      middle.push({ op: "same", text: x[i] ?? "" });
      i++;
      j++;
    } else if (
      i < n &&
      (j === m || (lcs[(i + 1) * (m + 1) + j] ?? 0) >= (lcs[i * (m + 1) + j + 1] ?? 0))
    ) {
      // Removals before additions, as diff(1) prints a changed line.
      middle.push({ op: "removed", text: x[i] ?? "" });
      i++;
    } else {
      middle.push({ op: "added", text: y[j] ?? "" });
      j++;
    }
  }
  return [
    ...a.slice(0, head).map((text) => ({ op: "same" as const, text })),
    ...middle,
    ...a.slice(a.length - tail).map((text) => ({ op: "same" as const, text })),
  ];
}
