/**
 * The Spanish catalogue (25 modules) loads on its first use, not with the i18n
 * module (src/web/i18n/i18n.ts, issue 24); once loaded it answers as before.
 */
import assert from "node:assert/strict";
import { registerHooks } from "node:module";
import { test } from "node:test";

// Every module this process loads from here on, by URL (imports and requires).
const loadedUrls: string[] = [];
registerHooks({
  load(url, context, nextLoad) {
    loadedUrls.push(url);
    return nextLoad(url, context);
  },
});
const spanishLoaded = () => loadedUrls.some((url) => url.includes("/web/i18n/es/"));

test("Spanish loads when first asked for, and translates", async () => {
  const { translator, negotiateLocale, catalogues } = await import("../src/web/i18n/i18n.ts");
  assert.ok(
    loadedUrls.some((url) => url.endsWith("/web/i18n/i18n.ts")),
    "the hook sees loads",
  );
  assert.equal(negotiateLocale("es-ES,es;q=0.9"), "es");
  assert.equal(spanishLoaded(), false, "negotiating a locale does not load its catalogue");
  const english = translator("en");
  const key = Object.keys(catalogues.en)[0] as Parameters<typeof english>[0];
  assert.equal(spanishLoaded(), false, "English alone does not load Spanish");
  const spanish = translator("es")(key);
  assert.equal(spanishLoaded(), true);
  assert.equal(spanish, catalogues.es[key]);
  assert.notEqual(spanish, english(key), "a Spanish text, not the English fallback");
});
