import assert from "node:assert/strict";
import { test } from "node:test";
import { Activity, CryptographicKey, Follow } from "@fedify/vocab";
import { memoizeParses } from "./parse-memo.ts";

memoizeParses();

const follow = () => ({
  "@context": "https://www.w3.org/ns/activitystreams",
  id: "https://remote.example/follows/1",
  type: "Follow",
  actor: "https://remote.example/users/eve",
  object: "https://here.example/users/ada",
});

test("the same object parsed twice gives the same activity, of its own class", async () => {
  const json = follow();
  const first = await Activity.fromJsonLd(json);
  assert.ok(first instanceof Follow);
  assert.equal(first.id?.href, "https://remote.example/follows/1");
  assert.equal(await Activity.fromJsonLd(json), first);
  // An equal but different object is parsed afresh: results never outlive their input.
  const other = await Activity.fromJsonLd(follow());
  assert.notEqual(other, first);
  assert.equal(other.id?.href, first.id?.href);
  // Subclasses parse through Activity's method with themselves as `this`, unremembered.
  assert.ok((await Follow.fromJsonLd(json)) instanceof Follow);
});

test("a failed parse is not remembered, and keys are remembered per object", async () => {
  const bad = {
    "@context": "https://www.w3.org/ns/activitystreams",
    id: "not a url",
    type: "Follow",
  };
  await assert.rejects(Activity.fromJsonLd(bad));
  await assert.rejects(Activity.fromJsonLd(bad));
  const key = {
    "@context": "https://w3id.org/security/v1",
    id: "https://remote.example/users/eve#main-key",
    owner: "https://remote.example/users/eve",
  };
  const parsed = await CryptographicKey.fromJsonLd(key);
  assert.equal(await CryptographicKey.fromJsonLd(key), parsed);
  assert.equal(parsed.ownerId?.href, "https://remote.example/users/eve");
});
