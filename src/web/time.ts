/**
 * Dates on pages, one way everywhere: what happened shows as a relative time ("now",
 * "3 min", "2 h", then "5 Dec", or "5 Dec 2025" from another year) inside a
 * `<time datetime title>` whose title is the exact moment in the one exact format of
 * the page's language; dates in sentences ("closes …") use that exact format.
 * Intl formatters are costly to build (issue 24: a quarter of a timeline page's time),
 * so each is built once per locale and kept.
 */
import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import { isLocale, type Locale, type Translate, translator } from "./i18n/i18n.ts";

// English dates read day-first, as the catalogue's own examples do ("5 Dec 2026, 14:05").
const intlLocale = (locale: string) => (locale === "en" ? "en-GB" : locale);

interface Formats {
  exact: Intl.DateTimeFormat;
  dayMonth: Intl.DateTimeFormat;
  dayMonthYear: Intl.DateTimeFormat;
  t: Translate;
}

const byLocale = new Map<string, Formats>();

function formats(locale: string): Formats {
  let f = byLocale.get(locale);
  if (!f) {
    const tag = intlLocale(locale);
    f = {
      exact: new Intl.DateTimeFormat(tag, { dateStyle: "medium", timeStyle: "short" }),
      dayMonth: new Intl.DateTimeFormat(tag, { day: "numeric", month: "short" }),
      dayMonthYear: new Intl.DateTimeFormat(tag, {
        day: "numeric",
        month: "short",
        year: "numeric",
      }),
      t: translator(isLocale(locale) ? locale : ("en" satisfies Locale)),
    };
    // Locales come from the negotiated few (i18n.ts); the bound is only a guard.
    if (byLocale.size < 50) byLocale.set(locale, f);
  }
  return f;
}

/** The exact moment, e.g. "5 Dec 2026, 14:05" / "5 dic 2026, 14:05". */
export function exactDate(locale: string, iso: string): string {
  return formats(locale).exact.format(new Date(iso));
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * How long ago, short: "now", "3 min", "2 h" within a day, then the day ("5 Dec",
 * or "5 Dec 2025" from another year). A moment in the future (a clock running
 * ahead elsewhere, a schedule) shows its day, never a negative age.
 */
export function relativeDate(locale: string, iso: string, now: number = Date.now()): string {
  const f = formats(locale);
  const at = new Date(iso);
  const age = now - at.getTime();
  if (age >= 0 && age < MINUTE) return f.t("time.now");
  if (age >= 0 && age < HOUR) return f.t("time.minutes", { n: Math.floor(age / MINUTE) });
  if (age >= 0 && age < DAY) return f.t("time.hours", { n: Math.floor(age / HOUR) });
  return dayDate(locale, iso, now);
}

/** `<time>` with the relative text, the machine-readable moment and the exact one as its title. */
export function timeTag(locale: string, iso: string, now?: number): HtmlEscapedString {
  return html`<time datetime="${iso}" title="${exactDate(locale, iso)}">${relativeDate(locale, iso, now)}</time>` as HtmlEscapedString;
}

/** The day alone, "5 Dec" (or "5 Dec 2025" from another year): for pages kept rendered, where "3 min" would go stale. */
export function dayDate(locale: string, iso: string, now: number = Date.now()): string {
  const f = formats(locale);
  const at = new Date(iso);
  const sameYear = at.getFullYear() === new Date(now).getFullYear();
  return (sameYear ? f.dayMonth : f.dayMonthYear).format(at);
}

/** `<time>` with the day and the exact moment as its title (see dayDate). */
export function dayTag(locale: string, iso: string, now?: number): HtmlEscapedString {
  return html`<time datetime="${iso}" title="${exactDate(locale, iso)}">${dayDate(locale, iso, now)}</time>` as HtmlEscapedString;
}

/** `<time>` showing the exact moment (for schedules and records where the minute matters). */
export function exactTimeTag(locale: string, iso: string): HtmlEscapedString {
  return html`<time datetime="${iso}">${exactDate(locale, iso)}</time>` as HtmlEscapedString;
}
