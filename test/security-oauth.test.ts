/**
 * Issue 14 item 7: an app's tokens end with the member's sessions — on a
 * password change, a reset, "log out everywhere", suspension — in the same
 * transaction; refreshing needs the app's secret (every app is issued one, so
 * every app is confidential, RFC 6749 §6), and a refresh token works once even
 * when sent twice at the same moment.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { resetPassword } from "../src/accounts/passwords-change.ts";
import { issueAccountToken } from "../src/accounts/tokens.ts";
import { systemClock } from "../src/kernel/clock.ts";
import { limitActor } from "../src/social/moderation.ts";
import { authorize, json, pkce, REDIRECT, registerApp } from "./api-helpers.ts";
import { createMember, signIn } from "./support/login.ts";
import { startTestNode, type TestNode } from "./support/node.ts";

let node: TestNode;
before(async () => {
  node = await startTestNode({ host: "127.0.33.1" });
});
after(() => node.close());

const PASSWORD = "correct horse battery";

/** A member with an app token pair got through the consent page (PKCE and the app's secret). */
async function memberWithTokens(username: string) {
  const member = await createMember(node, { username, password: PASSWORD });
  const app = await registerApp(node);
  const { verifier, challenge } = pkce();
  const code = await authorize(node, { username, password: PASSWORD }, app, { challenge });
  const res = await fetch(`${node.url}/oauth/token`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "authorization_code",
      client_id: app.clientId ?? "",
      client_secret: app.clientSecret ?? "",
      redirect_uri: REDIRECT,
      code,
      code_verifier: verifier,
    }),
  });
  assert.equal(res.status, 200);
  const pair = await json(res);
  return {
    id: member.id,
    app: { clientId: app.clientId ?? "", clientSecret: app.clientSecret ?? "" },
    access: pair.access_token ?? "",
    refresh: pair.refresh_token ?? "",
  };
}

const me = (access: string) =>
  fetch(`${node.url}/api/v1/accounts/verify_credentials`, {
    headers: { authorization: `Bearer ${access}` },
  }).then(async (r) => (await r.text(), r.status));

const refresh = (
  who: { app: { clientId: string; clientSecret: string }; refresh: string },
  secret: string | null = who.app.clientSecret,
) =>
  fetch(`${node.url}/oauth/token`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "refresh_token",
      client_id: who.app.clientId,
      ...(secret === null ? {} : { client_secret: secret }),
      refresh_token: who.refresh,
    }),
  });

test("changing the password ends the app's tokens (access and refresh) with the other sessions", async () => {
  const ana = await memberWithTokens("ana");
  assert.equal(await me(ana.access), 200);
  const web = await signIn(node, "ana", PASSWORD);
  const res = await web.post("/settings/password", {
    current: PASSWORD,
    password: "a new long password",
    confirmation: "a new long password",
  });
  assert.equal(res.status, 303);
  assert.equal(await me(ana.access), 401);
  const renewed = await refresh(ana);
  assert.equal(renewed.status, 400);
  assert.equal((await json(renewed)).error, "invalid_grant");
  assert.equal((await web.get("/settings/password")).status, 200, "this session stays");
});

test("a password reset ends the app's tokens", async () => {
  const bea = await memberWithTokens("bea");
  const token = await issueAccountToken(node.node.db.db, bea.id, "reset");
  assert.equal(await resetPassword(node.node.db.db, token, "another long password", 8), true);
  assert.equal(await me(bea.access), 401);
  assert.equal((await refresh(bea)).status, 400);
});

test("'log out everywhere' ends the app's tokens too", async () => {
  const cy = await memberWithTokens("cy");
  const web = await signIn(node, "cy", PASSWORD);
  assert.equal((await web.post("/settings/sessions/end-all", {})).status, 303);
  assert.equal(await me(cy.access), 401);
  assert.equal((await refresh(cy)).status, 400);
});

test("suspension revokes the app's tokens for good: lifting it does not bring them back", async () => {
  const dee = await memberWithTokens("dee");
  const db = node.node.db.db;
  const target = { uri: `${node.url}/users/dee`, accountId: dee.id, remoteId: null };
  assert.equal(
    (await limitActor({ db, clock: systemClock }, dee.id, target, "suspend", "test")).ok,
    true,
  );
  const rows = await db
    .selectFrom("oauth_tokens")
    .select("revoked_at")
    .where("account_id", "=", dee.id)
    .execute();
  assert.ok(rows.length > 0 && rows.every((r) => r.revoked_at !== null));
  assert.equal(
    (await limitActor({ db, clock: systemClock }, dee.id, target, null, "test")).ok,
    true,
  );
  assert.equal(await me(dee.access), 401);
  assert.equal((await refresh(dee)).status, 400);
});

test("the refresh grant needs the app's secret: none or a wrong one is 401 invalid_client and spends nothing", async () => {
  const eli = await memberWithTokens("eli");
  const bare = await refresh(eli, null);
  assert.equal(bare.status, 401);
  assert.equal((await json(bare)).error, "invalid_client");
  const wrong = await refresh(eli, "not-the-secret");
  assert.equal(wrong.status, 401);
  assert.equal(await me(eli.access), 200, "the pair still works after refused refreshes");
  const right = await refresh(eli);
  assert.equal(right.status, 200);
  assert.equal(await me((await json(right)).access_token ?? ""), 200);
});

test("twenty concurrent refreshes with one refresh token: exactly one new pair", async () => {
  const fay = await memberWithTokens("fay");
  const responses = await Promise.all(Array.from({ length: 20 }, () => refresh(fay)));
  const codes = responses.map((r) => r.status).sort();
  assert.deepEqual(codes, [200, ...Array(19).fill(400)]);
  await Promise.all(responses.map((r) => r.text()));
  const live = await node.node.db.db
    .selectFrom("oauth_tokens")
    .select("id")
    .where("account_id", "=", fay.id)
    .where("revoked_at", "is", null)
    .execute();
  assert.equal(live.length, 1);
});
