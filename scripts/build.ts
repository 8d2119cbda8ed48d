/**
 * The bundled build `bin/synco` runs (issue 24): bin/synco.ts and what it imports,
 * libraries included, as a few large modules in dist/ instead of ~680 small ones.
 * Loading 680 modules (kysely alone is 263 files, zod 95) was most of a restart's
 * CPU; a start now loads 128 chunks (docs/performance.md, steps 46–52).
 *
 *   node scripts/build.ts [OUTDIR]     (default dist/; bin/synco calls it when stale)
 *
 * OUTDIR must lie inside the checkout: the packages left out of the bundle are found
 * from it, in node_modules.
 *
 * What stays as it was:
 * - Lazy areas stay lazy: every `import("./x.ts")` becomes its own chunk (code
 *   splitting), loaded on the same first use as from source.
 * - Files read beside a module (`new URL("../static/app.css", import.meta.url)`) are
 *   read from src/, where they are: a source file's `import.meta.url` stays its own.
 * - Worker threads (`new Worker(new URL("./x.ts", import.meta.url))`) and the
 *   catalogue loaded with `require("./es/index.ts")` are entry points of their own
 *   (a thread and a synchronous load cannot take a chunk by import()).
 * - Native and optional packages stay in node_modules (`external`).
 *
 * TypeScript: tsconfig.json sets erasableSyntaxOnly (no enums, namespaces or
 * parameter properties, which Node's type stripping refuses and esbuild would
 * compile) and verbatimModuleSyntax (esbuild keeps every import not written
 * `import type`, as Node does, so no module's side effects are dropped). The build
 * refuses to run if either is turned off.
 *
 * Writes are atomic (a temporary file renamed), chunks are named by their content
 * and the entry is written last: two nodes starting at once may both build, and a
 * node already running keeps finding the chunks it loads later.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { build, type Plugin } from "esbuild";

const root = resolve(import.meta.dirname, "..");

/** Packages left in node_modules: native code, WebAssembly read from its folder, optional peers. */
export const external = [
  "sharp",
  "highs",
  "pg-native",
  "bufferutil",
  "utf-8-validate",
  "@aws-sdk/*",
  "sanitize-html",
];

/** An entry point's file name for a source path: src/web/i18n/es/index.ts → src-web-i18n-es-index. */
export function entryName(path: string): string {
  return relative(root, path)
    .replace(/\.ts$/, "")
    .replace(/[^A-Za-z0-9]+/g, "-");
}

const urlOfFile = /new URL\((["'])(\.{1,2}\/[^"']+)\1, import\.meta\.url\)/g;
const requireOfFile = /\brequire\((["'])(\.{1,2}\/[^"']+\.ts)\1\)/g;

/** Source files another file starts as a thread or requires: each an entry point of its own. */
function separateEntries(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...separateEntries(path));
    else if (name.endsWith(".ts") && !name.endsWith(".test.ts")) {
      const text = readFileSync(path, "utf8");
      for (const pattern of [urlOfFile, requireOfFile])
        for (const m of text.matchAll(pattern))
          if (m[2]?.endsWith(".ts")) found.push(resolve(dirname(path), m[2]));
    }
  }
  return [...new Set(found)].sort();
}

/**
 * In the bundle, `import.meta.url` of a source file is still that file's address in
 * src/ (computed from the chunk's own address, so the checkout may move): the files
 * it reads beside it are found where they are. Its threads and required modules
 * (`.ts` files) point at their entry points in the output folder instead.
 */
function sourcePaths(outdir: string): Plugin {
  return {
    name: "source-paths",
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        if (args.path.includes("/node_modules/")) return undefined;
        const text = readFileSync(args.path, "utf8");
        if (!text.includes("import.meta")) return { contents: text, loader: "ts" };
        if (/import\.meta\.(?:dirname|filename|resolve)/.test(text))
          throw new Error(
            `${relative(root, args.path)}: use new URL(…, import.meta.url), which the bundle keeps pointing at src/`,
          );
        const here = dirname(args.path);
        const toOut = relative(here, outdir);
        const built = (target: string) => `${toOut}/${entryName(resolve(here, target))}.js`;
        const fromOut = relative(outdir, args.path);
        const contents = `${text
          .replace(urlOfFile, (whole, q: string, target: string) =>
            target.endsWith(".ts") ? `new URL(${q}${built(target)}${q}, import.meta.url)` : whole,
          )
          .replace(
            requireOfFile,
            (_, q: string, target: string) => `require(${q}${built(target)}${q})`,
          )
          .replaceAll("import.meta.url", "__sourceUrl()")}
// A function declaration, hoisted: defined before any of the module's code runs.
function __sourceUrl() { return new URL(${JSON.stringify(fromOut)}, import.meta.url).href; }
`;
        return { contents, loader: "ts" };
      });
    },
  };
}

/**
 * zod builds its error messages in ~45 languages (`z.locales`, ~300 KB of the ~1.4 MB
 * a start loads) into every import of "zod". Synco sets no zod locale (its own
 * catalogues word what a person reads), so the bundle keeps English, the one zod
 * configures itself with at import.
 */
const zodEnglishOnly: Plugin = {
  name: "zod-english-only",
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes("/node_modules/zod/")
        ? { path: args.importer, namespace: "zod-locales" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "zod-locales" }, (args) => ({
      contents: 'export { default as en } from "../locales/en.js";',
      resolveDir: dirname(args.path),
      loader: "js",
    }));
  },
};

function checkTsconfig(): void {
  const options = JSON.parse(readFileSync(join(root, "tsconfig.json"), "utf8")).compilerOptions;
  for (const flag of ["erasableSyntaxOnly", "verbatimModuleSyntax"])
    if (options[flag] !== true)
      throw new Error(
        `tsconfig.json: ${flag} must stay on for the bundle to run as the source does`,
      );
}

/** Builds into `outdir`; returns the files written. */
export async function buildBundle(outdir = join(root, "dist")): Promise<string[]> {
  checkTsconfig();
  mkdirSync(outdir, { recursive: true });
  const entries = [join(root, "bin", "synco.ts"), ...separateEntries(join(root, "src"))];
  const result = await build({
    absWorkingDir: root,
    entryPoints: entries.map((path) => ({
      in: path,
      out: path.endsWith("/bin/synco.ts") ? "synco" : entryName(path),
    })),
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node24",
    external,
    // Whitespace only: less source text for V8 to keep, names kept for stack traces.
    minifyWhitespace: true,
    legalComments: "linked",
    sourcemap: "linked",
    chunkNames: "chunk-[hash]",
    // Packages written as CommonJS call require() for Node's own modules.
    banner: {
      js: 'import { createRequire as __syncoRequire } from "node:module"; const require = __syncoRequire(import.meta.url);',
    },
    plugins: [sourcePaths(outdir), zodEnglishOnly],
    write: false,
    logLevel: "warning",
  });
  const entry = join(outdir, "synco.js");
  const files = result.outputFiles.map((f) => f.path);
  // Chunks first, the entry last: a start never finds an entry whose chunks are missing.
  const ordered = result.outputFiles.sort((a, b) =>
    a.path === entry ? 1 : b.path === entry ? -1 : 0,
  );
  for (const file of ordered) {
    const temporary = `${file.path}.${process.pid}.tmp`;
    await writeFile(temporary, file.contents);
    renameSync(temporary, file.path);
  }
  prune(outdir, new Set(files));
  return files;
}

/** Chunks of earlier builds a day old: no node started since then still loads them. */
function prune(outdir: string, kept: Set<string>): void {
  const dayAgo = Date.now() - 24 * 3600_000;
  for (const name of readdirSync(outdir)) {
    const path = join(outdir, name);
    if (!kept.has(path) && name.startsWith("chunk-") && statSync(path).mtimeMs < dayAgo)
      unlinkSync(path);
  }
}

if (import.meta.main) {
  const files = await buildBundle(process.argv[2] ? resolve(process.argv[2]) : undefined);
  console.error(`synco: built ${files.length} files`);
}
