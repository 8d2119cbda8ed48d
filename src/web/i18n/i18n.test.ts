import assert from "node:assert/strict";
import { test } from "node:test";
import { catalogues, negotiateLocale, translator } from "./i18n.ts";

test("every catalogue has exactly the English keys, none empty", () => {
  const keys = Object.keys(catalogues.en).sort();
  for (const [locale, catalogue] of Object.entries(catalogues)) {
    assert.deepEqual(Object.keys(catalogue).sort(), keys, `${locale} differs from en`);
    for (const [key, text] of Object.entries(catalogue))
      assert.ok(text.trim(), `${locale}:${key} is empty`);
  }
});

test("placeholders match between catalogues", () => {
  const names = (s: string) =>
    [...new Set([...s.matchAll(/\{(\w+)[},]/g)].map((m) => m[1]))].sort();
  for (const [key, text] of Object.entries(catalogues.en)) {
    assert.deepEqual(names(catalogues.es[key as keyof typeof catalogues.en]), names(text), key);
  }
});

test("the member's setting wins over Accept-Language", () => {
  assert.equal(negotiateLocale("en-GB,en;q=0.9", "es"), "es");
});

test("Accept-Language is honoured by quality", () => {
  assert.equal(negotiateLocale("fr-FR, es;q=0.8, en;q=0.5"), "es");
  assert.equal(negotiateLocale("es-ES;q=0.2, en;q=0.9"), "en");
  assert.equal(negotiateLocale("de, fr"), "en");
  assert.equal(negotiateLocale(undefined), "en");
  assert.equal(negotiateLocale("es;q=0"), "en");
});

test("messages are interpolated", () => {
  assert.equal(translator("es")("home.title", { name: "La Colmena" }), "Bienvenida a La Colmena");
});

test("plurals follow each locale's rules, with exact matches first", () => {
  const en = translator("en");
  const es = translator("es");
  assert.equal(en("social.poll.voters", { n: 1 }), "1 person voted");
  assert.equal(en("social.poll.voters", { n: 2 }), "2 people voted");
  assert.equal(en("social.poll.voters", { n: 1234 }), "1,234 people voted");
  assert.equal(es("social.poll.voters", { n: 1 }), "Votó 1 persona");
  assert.equal(es("social.poll.voters", { n: 0 }), "Nadie ha votado todavía");
  assert.equal(es("social.poll.voters", { n: 3 }), "Votaron 3 personas");
});

test("every plural message has an other form in both catalogues", () => {
  for (const catalogue of Object.values(catalogues))
    for (const [key, text] of Object.entries(catalogue))
      if (text.includes(", plural,")) assert.match(text, /other\s*\{/, key);
});
