/**
 * The time an edit is stamped with: the given one, or a millisecond after the
 * post's last edit when the given one is not later. Each edit so gets a new
 * edited_at, which is what the client API's kept status fragments are checked
 * against (src/api/status-fragments.ts): GoToSocial's `updated` has whole
 * seconds, and two edits within one second had one stamp (the second was not shown).
 */
export function editTime(previous: string | null, at: string, now: Date): string {
  const given = Date.parse(at);
  const when = Number.isNaN(given) ? now.getTime() : given;
  const last = previous ? Date.parse(previous) : Number.NaN;
  return new Date(Number.isNaN(last) ? when : Math.max(when, last + 1)).toISOString();
}
