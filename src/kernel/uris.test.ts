import assert from "node:assert/strict";
import { test } from "node:test";
import { isReservedGroupName, isReservedName } from "./names.ts";
import {
  coopUri,
  followersUri,
  groupPostUri,
  groupUri,
  instanceActorUri,
  memberPrefix,
  memberUri,
  postUri,
  tagUrl,
} from "./uris.ts";

const origin = "https://coop.example";

test("the node's ids have the shapes federation serves", () => {
  assert.equal(memberUri(origin, "ann"), "https://coop.example/users/ann");
  assert.ok(memberUri(origin, "ann").startsWith(memberPrefix(origin)));
  assert.equal(followersUri(origin, "ann"), "https://coop.example/users/ann/followers");
  assert.equal(coopUri(origin), "https://coop.example/users/coop");
  assert.equal(instanceActorUri(origin), "https://coop.example/users/instance");
  assert.equal(postUri(origin, "p1"), "https://coop.example/posts/p1");
  assert.equal(tagUrl(origin, "café"), "https://coop.example/tags/caf%C3%A9");
  assert.equal(groupUri(origin, "garden"), "https://coop.example/groups/garden");
  assert.equal(groupPostUri(origin, "garden", "p2"), "https://coop.example/groups/garden/posts/p2");
});

test("one reserved list: the co-op's actors are kept from both, group routes from groups only", () => {
  for (const name of ["coop", "Instance", "ADMIN"]) {
    assert.equal(isReservedName(name), true, name);
    assert.equal(isReservedGroupName(name), true, name);
  }
  assert.equal(isReservedName("elsewhere"), false);
  assert.equal(isReservedGroupName("elsewhere"), true);
  assert.equal(isReservedName("ann"), false);
});
