import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import type { AlarmReport } from "../../economy/opsroom/received.ts";
import { alarmDocument, indicatorDocument } from "./objects.ts";
import { parseAlarmDocument, parseIndicatorDocument } from "./parse.ts";
import { INDICATORS_CONTEXT } from "./vocab.ts";

const alarm: AlarmReport = {
  alarmUri: "https://b.example/opsroom/alarms/1",
  coopUri: "https://b.example/users/coop",
  indicatorUri: "https://b.example/opsroom/indicators/1",
  indicatorName: "Bread",
  unit: "kg",
  period: "2026-09-30",
  kind: "step",
  probability: 0.97,
  value: null,
  forecast: null,
  lower: null,
  upper: null,
  raisedAt: "2026-09-30T10:00:00.000Z",
  level: 1,
  state: "open",
};
const wire = (d: unknown) => JSON.parse(JSON.stringify(d));

test("documents round-trip; values travel only where present; the context is the documented file", () => {
  assert.deepEqual(parseAlarmDocument(wire(alarmDocument(alarm)), alarm.alarmUri), {
    ok: true,
    value: alarm,
  });
  assert.equal("value" in alarmDocument(alarm), false, "an unshared value is not in the document");
  const shared = { ...alarm, value: 61, forecast: 100, lower: 97, upper: 103 };
  assert.deepEqual(parseAlarmDocument(wire(alarmDocument(shared)), alarm.alarmUri), {
    ok: true,
    value: shared,
  });
  const state = {
    indicatorUri: alarm.indicatorUri,
    coopUri: alarm.coopUri,
    name: "Bread",
    unit: "kg",
    frequency: "daily" as const,
    status: "alert" as const,
    lastPeriod: "2026-09-30",
    lastValue: null,
  };
  assert.deepEqual(
    parseIndicatorDocument(
      wire(indicatorDocument(state, "2026-09-30T10:00:00Z")),
      state.indicatorUri,
    ),
    { ok: true, value: state },
  );
  const file = JSON.parse(readFileSync("docs/indicators-context.jsonld", "utf8"));
  assert.deepEqual(file["@context"], INDICATORS_CONTEXT);
});

test("hostile documents are refused with a named problem", () => {
  const good = () => wire(alarmDocument(alarm)) as Record<string, unknown>;
  const cases: [string, Record<string, unknown>][] = [
    ["kind", { ...good(), alarmKind: "meltdown" }],
    ["probability", { ...good(), probability: 7 }],
    ["value", { ...good(), value: Number.MAX_VALUE }],
    ["url", { ...good(), indicator: "javascript:alert(1)" }],
    ["period", { ...good(), period: "2026-02-30" }],
    ["name", { ...good(), name: "x".repeat(500) }],
    ["level", { ...good(), level: 0 }],
  ];
  for (const [what, doc] of cases)
    assert.equal(parseAlarmDocument(doc, alarm.alarmUri).ok, false, what);
  const moved = parseAlarmDocument(good(), "https://elsewhere.example/a/1");
  assert.deepEqual(moved, { ok: false, reason: "id is not where it was fetched from" });
  assert.equal(parseAlarmDocument("IndicatorAlarm", alarm.alarmUri).ok, false);
  assert.equal(
    parseIndicatorDocument(
      {
        ...wire(
          indicatorDocument(
            {
              indicatorUri: alarm.indicatorUri,
              coopUri: alarm.coopUri,
              name: "B",
              unit: "",
              frequency: "daily",
              status: "normal",
              lastPeriod: null,
              lastValue: null,
            },
            "x",
          ),
        ),
        status: "panic",
      },
      alarm.indicatorUri,
    ).ok,
    false,
  );
});
