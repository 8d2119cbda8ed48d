/**
 * Our commons documents round-trip through their parsers, the vocabulary file
 * is the context the code sends, and hostile documents are refused with a
 * named problem.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { withFields } from "../../commons/datasets.ts";
import type { CanonicalQuery } from "../../commons/fields.ts";
import { answerDocument, datasetDocument, questionDocument } from "./objects.ts";
import { parseAnswerDocument, parseDatasetDocument, parseQuestionDocument } from "./parse.ts";
import { COMMONS_CONTEXT } from "./vocab.ts";

const F = "https://fed.example";
const A = "https://a.example";
const dataset = withFields({
  id: "01a2457f-38c2-7000-bbf9-ac25053917c3",
  uri: `${F}/commons/datasets/01a2457f-38c2-7000-bbf9-ac25053917c3`,
  local: 1,
  group_id: "g",
  group_uri: `${F}/groups/fednet`,
  title: "Minutes given",
  purpose: "To know how many minutes our members give.",
  unit: "member",
  fields: JSON.stringify([{ type: "category", name: "sector", values: ["care", "food"] }]),
  period: "year",
  budget_rho: 2,
  default_rho: 0.5,
  max_rows_per_unit: 1,
  max_rows_per_member: 5,
  status: "open",
  created_by_uri: `${F}/users/ana`,
  created_at: "2026-12-01T00:00:00.000Z",
  updated_at: "2026-12-01T00:00:00.000Z",
});
const query: CanonicalQuery = {
  mechanism: "count",
  field: null,
  by: null,
  quantile: null,
  rho: 0.5,
  noise: "gauss",
  rowsPerUnit: 1,
  confidence: 0.95,
};
const questionUri = `${F}/commons/federated/01a2457f-3b36-7000-a3f3-f0db42358584`;
const answerUri = `${A}/commons/answers/01a2457f-3c03-7000-9444-73c5db47e24e`;
const wire = (d: unknown) => JSON.parse(JSON.stringify(d));

test("documents round-trip; the vocabulary file is the context sent", () => {
  const d = parseDatasetDocument(wire(datasetDocument(dataset)), dataset.uri);
  assert.ok(d.ok);
  assert.equal(d.value.groupUri, dataset.group_uri);
  assert.equal(d.value.budgetRho, 2);
  const q = parseQuestionDocument(
    wire(
      questionDocument({
        uri: questionUri,
        datasetUri: dataset.uri,
        groupUri: dataset.group_uri,
        askedByUri: `${F}/users/ana`,
        period: "2026",
        query,
        closesAt: "2026-12-02T00:00:00.000Z",
        createdAt: "2026-12-01T00:00:00.000Z",
      }),
    ),
    questionUri,
  );
  assert.ok(q.ok);
  assert.deepEqual(q.value.query, query);
  const a = parseAnswerDocument(
    wire(
      answerDocument({
        uri: answerUri,
        coopUri: `${A}/users/coop`,
        groupUri: dataset.group_uri,
        queryUri: questionUri,
        datasetUri: dataset.uri,
        createdAt: "2026-12-01T00:00:00.000Z",
        release: {
          uri: `${A}/commons/releases/x`,
          body: '{"cost":{"rho":0.5}}',
          signature: "abc_-",
          keyId: `${A}/users/coop#multikey-2`,
        },
        reason: null,
      }),
    ),
    answerUri,
  );
  assert.ok(a.ok);
  assert.equal(a.value.outcome, "released");
  assert.equal(a.value.release?.body, '{"cost":{"rho":0.5}}');
  const file = JSON.parse(readFileSync("docs/commons-context.jsonld", "utf8"));
  assert.deepEqual(file["@context"], COMMONS_CONTEXT);
});

test("hostile documents are refused with a named problem", () => {
  const good = () => wire(datasetDocument(dataset));
  const cases: [string, unknown, string][] = [
    ["not an object", "CommonsDataset", "not-an-object"],
    [
      "no context",
      { ...good(), "@context": "https://www.w3.org/ns/activitystreams" },
      "not-our-vocabulary",
    ],
    ["wrong type", { ...good(), type: "Note" }, "wrong-type"],
    ["wrong id", { ...good(), id: `${F}/commons/datasets/other` }, "wrong-id"],
    ["huge", { ...good(), content: "x".repeat(300_000) }, "too-large"],
    ["budget too large", { ...good(), budgetRho: 1e9 }, "bad-field"],
    ["negative budget", { ...good(), budgetRho: -1 }, "bad-field"],
    ["javascript audience", { ...good(), audience: "javascript:alert(1)" }, "bad-field"],
    [
      "unsafe fields",
      JSON.parse(JSON.stringify(good()).replace('"fields":[', '"fields":[{"__proto__":{"x":1}},')),
      "unsafe-json",
    ],
  ];
  for (const [what, doc, problem] of cases)
    assert.deepEqual(parseDatasetDocument(doc, dataset.uri), { ok: false, reason: problem }, what);
  const answer = {
    "@context": wire(datasetDocument(dataset))["@context"],
    id: answerUri,
    type: "CommonsAnswer",
    attributedTo: `${A}/users/coop`,
    inReplyTo: questionUri,
    dataset: dataset.uri,
    outcome: "released",
  };
  // Released without its signed body, or with a signature that is not base64url.
  assert.deepEqual(parseAnswerDocument(answer, answerUri), { ok: false, reason: "bad-field" });
  assert.deepEqual(
    parseAnswerDocument(
      { ...answer, release: `${A}/r`, signedBody: "{}", signature: "<script>", keyId: `${A}/k` },
      answerUri,
    ),
    { ok: false, reason: "bad-field" },
  );
  const question = {
    ...answer,
    type: "CommonsQuestion",
    audience: dataset.group_uri,
    period: "2026",
    query: { ...query, rho: 1e6 },
  };
  assert.deepEqual(parseQuestionDocument(question, answerUri), { ok: false, reason: "bad-field" });
  assert.deepEqual(
    parseQuestionDocument({ ...question, query: { ...query, extra: 1 } }, answerUri),
    { ok: false, reason: "bad-field" },
  );
});
