/**
 * Message catalogues and language negotiation. The member's own setting wins;
 * otherwise Accept-Language (RFC 9110 §12.5.4, q-values honoured); otherwise English.
 */
import { type Catalogue, en, type MessageKey } from "./en/index.ts";
import { es } from "./es/index.ts";

export const catalogues = { en, es } as const satisfies Record<string, Catalogue>;
export type Locale = keyof typeof catalogues;
export const locales = Object.keys(catalogues) as Locale[];
export type { MessageKey };

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && value in catalogues;
}

export function translator(locale: Locale): Translate {
  const catalogue: Catalogue = catalogues[locale];
  return (key, params) => {
    const text = catalogue[key] ?? en[key] ?? key;
    return params
      ? text.replace(/\{(\w+)\}/g, (m, name: string) => String(params[name] ?? m))
      : text;
  };
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
