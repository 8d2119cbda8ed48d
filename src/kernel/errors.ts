/**
 * Expected outcomes are return values; these errors are for input that fails
 * validation at the edge. The one error handler turns them into 4xx answers.
 */
export class InputError extends Error {
  readonly status: 400 | 403 | 404 | 409 | 413 | 415 | 422 | 429;
  constructor(message: string, status: InputError["status"] = 422) {
    super(message);
    this.name = "InputError";
    this.status = status;
  }
}

export type Result<T, R extends string = string> =
  | { ok: true; value: T }
  | { ok: false; reason: R };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const fail = <R extends string>(reason: R): { ok: false; reason: R } => ({
  ok: false,
  reason,
});
