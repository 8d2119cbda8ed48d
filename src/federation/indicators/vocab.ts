/**
 * Synco's opsroom vocabulary (docs/indicators-context.jsonld): the JSON-LD
 * context every Indicator and IndicatorAlarm document carries inline, as the
 * decisions' and budgeting's do. The same object is the documented file (a
 * test compares them).
 */
import { AS_CONTEXT } from "../decisions/vocab.ts";

/** The namespace of our opsroom terms; an identifier, not a document. */
export const INDICATORS_NS = "https://synco.coop/ns/indicators#";

/**
 * Term definitions. `lastValue`, `value`, `forecast`, `lower` and `upper` are
 * present only where the co-op shares the indicator's raw values.
 */
export const INDICATORS_CONTEXT = {
  ops: INDICATORS_NS,
  xsd: "http://www.w3.org/2001/XMLSchema#",
  Indicator: "ops:Indicator",
  IndicatorAlarm: "ops:IndicatorAlarm",
  unit: "ops:unit",
  frequency: "ops:frequency",
  direction: "ops:direction",
  status: "ops:status",
  lastPeriod: { "@id": "ops:lastPeriod", "@type": "xsd:date" },
  lastValue: { "@id": "ops:lastValue", "@type": "xsd:double" },
  indicator: { "@id": "ops:indicator", "@type": "@id" },
  period: { "@id": "ops:period", "@type": "xsd:date" },
  alarmKind: "ops:alarmKind",
  probability: { "@id": "ops:probability", "@type": "xsd:double" },
  value: { "@id": "ops:value", "@type": "xsd:double" },
  forecast: { "@id": "ops:forecast", "@type": "xsd:double" },
  lower: { "@id": "ops:lower", "@type": "xsd:double" },
  upper: { "@id": "ops:upper", "@type": "xsd:double" },
  level: { "@id": "ops:level", "@type": "xsd:nonNegativeInteger" },
  alarmState: "ops:alarmState",
} as const;

export const DOCUMENT_CONTEXT = [AS_CONTEXT, INDICATORS_CONTEXT] as const;
