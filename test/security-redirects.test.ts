/**
 * Issue 14, item 5: open redirects. `next` (and every other redirect target) is
 * resolved against our origin as a browser would — tabs and newlines dropped,
 * `\` read as `/` — and anything that leaves the origin or carries control
 * characters becomes "/", never a 500. Every redirect in the code goes through
 * web/redirect.ts; the one exception is OAuth's registered redirect_uri.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { cookiesFrom, createMember, csrfFrom, signIn } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
before(async () => {
  node = await startTestNode({ host: "127.0.46.1" });
  await createMember(node, { username: "ann", password: "long enough" });
});
after(() => node.close());

/** `next` values that lead elsewhere in some browser, or break the Location header. */
const hostile = [
  "/%09/evil.example",
  "/%0a/evil.example",
  "/%0d/evil.example",
  "//evil.example",
  "/\\evil.example",
  "/%5Cevil.example",
  "https://evil.example/",
  "javascript:alert(1)",
  "/%0d%0aSet-Cookie:%20x=1",
  "/%00",
  "",
];

/** Where a browser goes when it follows `location` from our page. */
const destination = (location: string | null) => new URL(location ?? "", `${node.url}/login`);

describe("next after logging in", () => {
  it("a logged-in GET /login?next=… never leaves the site and never answers 500", async () => {
    const session = await signIn(node, "ann", "long enough");
    for (const next of hostile) {
      const res = await session.get(`/login?next=${next}`);
      assert.equal(res.status, 303, next);
      const to = destination(res.headers.get("location"));
      assert.equal(to.origin, node.url, `${next} → ${to.href}`);
      assert.equal(res.headers.get("location"), "/", next);
    }
  });

  it("POST /login with a hostile next lands on / ; a local next is kept, encoded", async () => {
    for (const next of [...hostile.map(decodeURIComponent), "/social?x=1#top", "/tags/ñandú"]) {
      const form = await fetch(`${node.url}/login`);
      const cookie = cookiesFrom(form);
      const res = await fetch(`${node.url}/login`, {
        method: "POST",
        redirect: "manual",
        headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          _csrf: csrfFrom(await form.text()),
          login: "ann",
          password: "long enough",
          next,
        }),
      });
      assert.equal(res.status, 303, JSON.stringify(next));
      const location = res.headers.get("location");
      assert.equal(destination(location).origin, node.url, `${JSON.stringify(next)} → ${location}`);
      if (next === "/social?x=1#top") assert.equal(location, next);
      else if (next === "/tags/ñandú") assert.equal(location, "/tags/%C3%B1and%C3%BA");
      else assert.equal(location, "/", JSON.stringify(next));
    }
  });
});

describe("every redirect in the code", () => {
  it("goes through redirectHere() (the OAuth redirect_uri is the one exception)", () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (path.endsWith(".ts") && !path.endsWith(".test.ts")) files.push(path);
      }
    };
    walk("src");
    const offenders = files.flatMap((file) => {
      if (file === join("src", "web", "redirect.ts")) return [];
      return (
        readFileSync(file, "utf8")
          .split("\n")
          // A redirect, a Location header set by name, or one in a headers object literal
          // (a column or a form field named "location" is neither).
          .filter((line) =>
            /\.redirect\(|(header|set|append)\(\s*["']location["']\s*,|["']location["']\s*:/i.test(
              line,
            ),
          )
          .filter((line) => !line.includes("redirectHere("))
          .map((line) => `${file}: ${line.trim()}`)
      );
    });
    assert.deepEqual(offenders, ["src/api/oauth/routes.ts: return c.redirect(url.href, 303);"]);
  });
});
