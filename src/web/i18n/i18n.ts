/**
 * Message catalogues and language negotiation. The member's own setting wins;
 * otherwise Accept-Language (RFC 9110 §12.5.4, q-values honoured); otherwise English.
 */
import { createRequire } from "node:module";
import { type Catalogue, en, type MessageKey } from "./en/index.ts";

export type Locale = "en" | "es";

/**
 * English is every message's fallback, so it loads with this module; another
 * locale's catalogue loads on its first use (issue 24: a node whose readers never
 * ask for Spanish never reads its 25 files). `require` loads an ES module
 * synchronously (Node 24), so a translator stays a plain function.
 */
const require = createRequire(import.meta.url);
const loaders: Record<Locale, () => Catalogue> = {
  en: () => en,
  es: () => (require("./es/index.ts") as { es: Catalogue }).es,
};
const loaded = new Map<Locale, Catalogue>();
function catalogueOf(locale: Locale): Catalogue {
  let catalogue = loaded.get(locale);
  if (!catalogue) {
    catalogue = loaders[locale]();
    loaded.set(locale, catalogue);
  }
  return catalogue;
}

/** Every catalogue by locale; reading one loads it. */
export const catalogues = Object.defineProperties(
  {},
  Object.fromEntries(
    (Object.keys(loaders) as Locale[]).map((locale) => [
      locale,
      { enumerable: true, get: () => catalogueOf(locale) },
    ]),
  ),
) as { readonly [L in Locale]: Catalogue };
export const locales = Object.keys(catalogues) as Locale[];
export type { MessageKey };

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && value in catalogues;
}

// One per locale: a translator holds Intl objects, costly to build on every request.
const translators = new Map<Locale, Translate>();

export function translator(locale: Locale): Translate {
  let t = translators.get(locale);
  if (!t) {
    t = buildTranslator(locale);
    translators.set(locale, t);
  }
  return t;
}

function buildTranslator(locale: Locale): Translate {
  const catalogue = catalogueOf(locale);
  const rules = new Intl.PluralRules(locale);
  const numbers = new Intl.NumberFormat(locale);
  return (key, params) => {
    const text = catalogue[key] ?? en[key] ?? key;
    if (!params) return text;
    return text
      .replace(PLURAL, (m, name: string, forms: string) => {
        const n = Number(params[name]);
        if (!Number.isFinite(n)) return m;
        const chosen = pluralForm(forms, n, rules.select(n));
        return chosen === undefined ? m : chosen.replaceAll("#", numbers.format(n));
      })
      .replace(/\{(\w+)\}/g, (m, name: string) => String(params[name] ?? m));
  };
}

/**
 * ICU's plural subset: `{n, plural, one {# person} other {# people}}`, with
 * `=0`-style exact matches first, then the locale's category, then `other`.
 * Forms may hold `{name}` placeholders but no nested plurals.
 */
const PLURAL =
  /\{(\w+), plural,((?:\s*(?:=\d+|zero|one|two|few|many|other)\s*\{(?:[^{}]|\{\w+\})*\})+)\s*\}/g;
const FORM = /(=\d+|zero|one|two|few|many|other)\s*\{((?:[^{}]|\{\w+\})*)\}/g;

function pluralForm(forms: string, n: number, category: string): string | undefined {
  const found = new Map([...forms.matchAll(FORM)].map((m) => [m[1], m[2]]));
  return found.get(`=${n}`) ?? found.get(category) ?? found.get("other");
}

export function negotiateLocale(
  acceptLanguage: string | undefined,
  preferred?: string | null,
): Locale {
  if (isLocale(preferred)) return preferred;
  if (!acceptLanguage) return "en";
  const ranked = acceptLanguage
    .split(",")
    .map((part) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { lang: tag.toLowerCase().split("-")[0] ?? "", q: q ? Number(q.slice(2)) : 1 };
    })
    .filter((x) => Number.isFinite(x.q) && x.q > 0)
    .sort((a, b) => b.q - a.q);
  return ranked.map((x) => x.lang).find(isLocale) ?? "en";
}
