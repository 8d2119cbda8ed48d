/**
 * Keys from outside (query strings, forms, JSON bodies) become property names in
 * the objects we build. Three names reach further than the object itself:
 * `__proto__` is a setter for the prototype, and `constructor` → `prototype` leads
 * from any plain object to Object.prototype. A parser that writes `a[__proto__][x]`
 * poisons every object in the process (issue 14, item 2). Every parser of nested
 * keys refuses these names and builds with null-prototype objects.
 */

const UNSAFE_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** True for a key that must never become a property name. */
export const isUnsafeKey = (key: string): boolean => UNSAFE_KEYS.has(key);

/** An empty object without a prototype: no inherited setters, no inherited names. */
export const bareObject = <T = unknown>(): Record<string, T> =>
  Object.create(null) as Record<string, T>;

export type JsonShapeProblem = "unsafe-key" | "too-deep" | "too-many-values";

export interface JsonShapeLimits {
  /** Nesting of objects and arrays (the top level is depth 1). */
  readonly maxDepth: number;
  /** Objects, arrays and leaves together. */
  readonly maxValues: number;
}

/**
 * Walks a parsed JSON value (iteratively, so no input can exhaust the stack) and
 * names the first thing wrong with its shape, or null when it is fine.
 */
export function jsonShapeProblem(value: unknown, limits: JsonShapeLimits): JsonShapeProblem | null {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 1 }];
  // Counted as they are pushed, so a huge array is refused before it is copied.
  let counted = 1;
  while (stack.length > 0) {
    const top = stack.pop() as { value: unknown; depth: number };
    if (typeof top.value !== "object" || top.value === null) continue;
    if (top.depth > limits.maxDepth) return "too-deep";
    const children = Array.isArray(top.value) ? top.value : Object.keys(top.value);
    counted += children.length;
    if (counted > limits.maxValues) return "too-many-values";
    if (Array.isArray(top.value)) {
      for (const item of top.value) stack.push({ value: item, depth: top.depth + 1 });
      continue;
    }
    const object = top.value as Record<string, unknown>;
    for (const key of children as string[]) {
      if (isUnsafeKey(key)) return "unsafe-key";
      stack.push({ value: object[key], depth: top.depth + 1 });
    }
  }
  return null;
}
