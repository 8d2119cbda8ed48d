/**
 * Loads the HiGHS WebAssembly runtime. highs-js ships one types.d.ts in a
 * package marked CommonJS, so TypeScript reads its default export as the CJS
 * module object, while Node resolves the "import" condition to build/highs.mjs,
 * whose default export is the loader itself. Taking `default` off the namespace
 * is right at run time and keeps the declared types.
 */
import type { Highs } from "highs";
import * as highsModule from "highs";

type Loader = (options?: { printErr?: (message: string) => void }) => Promise<Highs>;

export const loadHighs = (highsModule as unknown as { default: Loader }).default;
export type { Highs };
