import assert from "node:assert/strict";
import { test } from "node:test";
import { SOFTWARE_VERSION } from "../kernel/version.ts";
import { deliveryUserAgent } from "./delivery-fetch.ts";

test("a delivery's User-Agent names the node whose key signed it", () => {
  const cavage = new Headers({
    signature:
      'keyId="https://coop.example/users/ada#main-key",algorithm="rsa-sha256",headers="(request-target) host date digest",signature="x"',
  });
  assert.equal(deliveryUserAgent(cavage), `Synco/${SOFTWARE_VERSION} (+https://coop.example/)`);
  const rfc9421 = new Headers({
    "signature-input":
      'sig1=("@method" "@target-uri");keyid="http://127.0.0.2:8080/actor#main-key";alg="rsa-v1_5-sha256"',
  });
  assert.equal(deliveryUserAgent(rfc9421), `Synco/${SOFTWARE_VERSION} (+http://127.0.0.2:8080/)`);
});

test("an unsigned or oddly signed delivery still names the software", () => {
  assert.equal(deliveryUserAgent(new Headers()), `Synco/${SOFTWARE_VERSION}`);
  assert.equal(
    deliveryUserAgent(new Headers({ signature: 'keyId="not a url"' })),
    `Synco/${SOFTWARE_VERSION}`,
  );
});
