/**
 * Logging in from tests through the real login form, and making members
 * directly in the database. signIn returns helpers that carry the session
 * cookie and the form's CSRF token, as a browser would.
 */
import assert from "node:assert/strict";
import { createAccount, type Role } from "../../src/accounts/accounts.ts";
import type { TestNode } from "./node.ts";

export interface SignedIn {
  /** The Cookie header to send (session cookie). */
  cookie: string;
  /** The CSRF token of this session, for `_csrf` form fields. */
  csrf: string;
  /** POSTs a url-encoded form (with `_csrf` added unless given); redirects are not followed. */
  post(path: string, form: Record<string, string>): Promise<Response>;
  /** GETs a path with the session; redirects are not followed. */
  get(path: string): Promise<Response>;
  /** POSTs multipart form data (files included), with `_csrf` added unless present. */
  postMultipart(path: string, form: FormData): Promise<Response>;
}

/** The `_csrf` value of the first form in a page. */
export function csrfFrom(page: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
  assert.ok(token, "the page has a form with a CSRF token");
  return token;
}

/** Name=value pairs of every Set-Cookie header, for a Cookie header. */
export function cookiesFrom(res: Response, previous = ""): string {
  const jar = new Map<string, string>();
  for (const pair of previous.split("; ").filter(Boolean)) {
    const [k = "", ...v] = pair.split("=");
    jar.set(k, v.join("="));
  }
  for (const header of res.headers.getSetCookie()) {
    const [pair = ""] = header.split(";");
    const [k = "", ...v] = pair.split("=");
    const value = v.join("=");
    if (value === "" || /max-age=0/i.test(header)) jar.delete(k);
    else jar.set(k, value);
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
}

/** A visitor's cookie and CSRF token, as after opening a page with a form. */
export async function visitor(node: TestNode, path = "/login") {
  const res = await fetch(`${node.url}${path}`);
  const page = await res.text();
  return { cookie: cookiesFrom(res), csrf: csrfFrom(page) };
}

export function sessionClient(node: TestNode, cookie: string, csrf: string): SignedIn {
  return {
    cookie,
    csrf,
    post: (path, form) =>
      fetch(`${node.url}${path}`, {
        method: "POST",
        redirect: "manual",
        headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ _csrf: csrf, ...form }),
      }),
    get: (path) => fetch(`${node.url}${path}`, { redirect: "manual", headers: { cookie } }),
    postMultipart: (path, form) => {
      if (!form.has("_csrf")) form.set("_csrf", csrf);
      return fetch(`${node.url}${path}`, {
        method: "POST",
        redirect: "manual",
        headers: { cookie },
        body: form,
      });
    },
  };
}

/** Logs in through /login; fails the test if the login does not succeed. */
export async function signIn(
  node: TestNode,
  username: string,
  password: string,
): Promise<SignedIn> {
  const start = await visitor(node);
  const res = await fetch(`${node.url}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { cookie: start.cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: start.csrf, login: username, password }),
  });
  assert.equal(res.status, 303, `login of ${username} should succeed: ${await res.text()}`);
  const cookie = cookiesFrom(res, start.cookie);
  assert.match(cookie, /synco_session=/);
  const home = await fetch(`${node.url}/`, { headers: { cookie } });
  return sessionClient(node, cookie, csrfFrom(await home.text()));
}

let counter = 0;

/** Creates an active member directly (no web forms); the email is made up from the username. */
export async function createMember(
  node: TestNode,
  member: { username: string; password: string; role?: Role; email?: string },
): Promise<{ id: string; username: string }> {
  const result = await createAccount(
    node.node.db.db,
    {
      username: member.username,
      email: member.email ?? `${member.username.toLowerCase()}.${++counter}@example.test`,
      password: member.password,
      role: member.role ?? "member",
    },
    { passwordCost: node.node.config.passwordCost },
  );
  assert.ok(result.ok, `createMember ${member.username}: ${result.ok ? "" : result.reason}`);
  return result.value;
}
