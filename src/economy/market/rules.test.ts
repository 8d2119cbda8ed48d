/** The pure rules: quantities in thousandths, distances, and what a proposal must be. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { boundingBox, haversineKm } from "./distance.ts";
import { proposalProblem } from "./rules.ts";
import {
  formatQuantity,
  parseQuantity,
  priceOf,
  quantityInput,
  unitFromIri,
  unitIri,
} from "./units.ts";

test("people's quantities become thousandths and back", () => {
  assert.equal(parseQuantity("2.5"), 2500);
  assert.equal(parseQuantity("2,5"), 2500);
  assert.equal(parseQuantity(" 1 000 "), 1_000_000);
  assert.equal(parseQuantity("0.001"), 1);
  for (const bad of ["", "-1", "1.2345", "abc", "1e3", "1.2.3", "99999999999999"])
    assert.equal(parseQuantity(bad), null, bad);
  assert.equal(quantityInput(2500), "2.5");
  assert.equal(quantityInput(3000), "3");
  assert.equal(quantityInput(1), "0.001");
  assert.equal(formatQuantity("en", 2500, "kilogram"), "2.5 kg");
  assert.equal(formatQuantity("es", 1_250_500, "litre"), "1250,5 l");
  assert.equal(priceOf(2500, 199), 497);
  assert.equal(unitFromIri(unitIri("kilogram"))?.id, "kilogram");
  assert.equal(unitFromIri("om2:hour")?.id, "hour");
  assert.equal(unitFromIri("furlong"), undefined);
});

test("haversine matches known distances and the box holds every point within reach", () => {
  const madrid = { latitude: 40.4168, longitude: -3.7038 };
  const barcelona = { latitude: 41.3874, longitude: 2.1686 };
  const km = haversineKm(madrid, barcelona);
  assert.ok(km > 500 && km < 510, String(km));
  assert.equal(haversineKm(madrid, madrid), 0);
  // Points on a ring of 100 km around a centre are all inside the 100.5 km box.
  for (const centre of [
    madrid,
    { latitude: 69.6, longitude: 18.9 },
    { latitude: -12, longitude: 179.5 },
  ]) {
    const box = boundingBox(centre, 100.5);
    for (let bearing = 0; bearing < 360; bearing += 15) {
      const d = 100 / 6371.0088;
      const b = (bearing * Math.PI) / 180;
      const lat1 = (centre.latitude * Math.PI) / 180;
      const lat2 = Math.asin(
        Math.sin(lat1) * Math.cos(d) + Math.cos(lat1) * Math.sin(d) * Math.cos(b),
      );
      let lon2 =
        centre.longitude +
        (Math.atan2(
          Math.sin(b) * Math.sin(d) * Math.cos(lat1),
          Math.cos(d) - Math.sin(lat1) * Math.sin(lat2),
        ) *
          180) /
          Math.PI;
      if (lon2 > 180) lon2 -= 360;
      const lat = (lat2 * 180) / Math.PI;
      assert.ok(lat >= box.minLat && lat <= box.maxLat, `lat ${bearing}`);
      const inLon =
        box.minLon <= box.maxLon
          ? lon2 >= box.minLon && lon2 <= box.maxLon
          : lon2 >= box.minLon || lon2 <= box.maxLon;
      assert.ok(inLon, `lon ${bearing} ${lon2} ${JSON.stringify(box)}`);
    }
  }
  const polar = boundingBox({ latitude: 89.5, longitude: 0 }, 200);
  assert.deepEqual([polar.minLon, polar.maxLon], [-180, 180]);
});

test("a proposal's rules: minimum, coordinates, window, price and currency", () => {
  const good = {
    purpose: "offer",
    name: "Tomatoes",
    category: "vegetables",
    unit: "kilogram",
    quantity: 10_000,
    reciprocity: "money",
    unitPrice: 250,
    currency: "EUR",
  };
  assert.equal(proposalProblem(good), null);
  const cases: [Record<string, unknown>, string][] = [
    [{ minimum: 20_000 }, "minimum"],
    [{ latitude: 40 }, "latitude"],
    [{ availableFrom: "2027-02-01", availableUntil: "2027-01-01" }, "availableUntil"],
    [{ reciprocity: "gift" }, "unitPrice"],
    [{ unitPrice: 0 }, "unitPrice"],
    [{ currency: "euros" }, "currency"],
    [{ unit: "furlong" }, "unit"],
    [{ category: "<script>" }, "category"],
    [{ quantity: 0 }, "quantity"],
    [{ groupUri: "javascript:alert(1)" }, "groupUri"],
    [{ __proto__: { x: 1 }, extra: 1 }, "proposal"],
  ];
  for (const [over, field] of cases) {
    const problem = proposalProblem({ ...good, ...over });
    assert.ok(problem, JSON.stringify(over));
    if (field !== "proposal") assert.equal(problem.field, field, JSON.stringify(over));
  }
});
