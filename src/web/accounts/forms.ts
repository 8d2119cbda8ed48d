/**
 * The form pieces moved to web/forms.ts (they were never account-specific).
 * This re-export stays only for web/social/pages.ts and web/groups/pages.ts,
 * which other branches are rewriting; delete it once they import ../forms.ts.
 */
export * from "../forms.ts";
