import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  type BallotsFile,
  BallotsFileError,
  parseBallotsFile,
  recount,
  writeBallotsFile,
} from "./ballots-file.ts";
import { profile } from "./test-support.ts";
import type { SchulzeTally } from "./types.ts";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "fixtures", name), "utf8");

const named = (): Omit<BallotsFile, "format" | "version"> => ({
  settings: { rule: "single", options: ["yes", "no"] },
  seed: "s",
  eligibleWeight: 4,
  secret: false,
  ballots: [
    { voter: "https://b.example/users/zed", choice: { option: 1 } },
    { voter: "https://a.example/users/amy", choice: { option: 0 }, weight: 2 },
  ],
});

/** The error a parse raises, as "path: message". */
function problem(text: string): string {
  try {
    parseBallotsFile(text);
    return "ok";
  } catch (error) {
    assert.ok(error instanceof BallotsFileError);
    return error.message;
  }
}
const edit = (f: (o: Record<string, unknown>) => void) => {
  const o = JSON.parse(writeBallotsFile(named())) as Record<string, unknown>;
  f(o);
  return JSON.stringify(o);
};

describe("ballot export", () => {
  it("round-trips and recounts a named decision, ballots sorted by voter", () => {
    const text = writeBallotsFile(named());
    const file = parseBallotsFile(text);
    assert.deepEqual(
      file.ballots.map((b) => b.voter),
      ["https://a.example/users/amy", "https://b.example/users/zed"],
    );
    const t = recount(file);
    assert.deepEqual(t.outcome.winners, [0]);
    assert.equal(t.weight, 3);
  });

  it("a secret export names no voters and its order does not follow casting order", () => {
    const ballots = profile(["2 BA", "1 AB", "1 BA"]);
    const base = {
      settings: { rule: "irv" as const, options: ["A", "B"] },
      seed: "",
      eligibleWeight: 4,
      secret: true,
    };
    const one = writeBallotsFile({ ...base, ballots });
    const reversed = writeBallotsFile({ ...base, ballots: [...ballots].reverse() });
    assert.equal(one, reversed);
    assert.doesNotMatch(one, /voter/);
    assert.deepEqual(
      parseBallotsFile(one).ballots.map((b) => b.choice),
      [{ ranking: [0, 1] }, { ranking: [1, 0] }, { ranking: [1, 0] }, { ranking: [1, 0] }],
    );
  });

  it("recounts the Schulze example fixture, and by IRV from the same ballots", () => {
    const file = parseBallotsFile(fixture("schulze-example-1.json"));
    const t = recount(file) as SchulzeTally;
    assert.deepEqual(t.outcome.winners, [4]);
    assert.equal(t.d[0]?.[3], 30);
    assert.equal(recount(file, { rule: "irv" }).rule, "irv");
    assert.throws(() => recount(file, { rule: "single" }), /cannot be counted as single/);
  });

  it("refuses bad files, naming where", () => {
    assert.match(problem("{"), /^file: not JSON/);
    assert.match(problem("[]"), /^file:|expected object/);
    assert.match(
      problem(
        edit((o) => {
          o.format = "x";
        }),
      ),
      /^format:/,
    );
    assert.match(
      problem(
        edit((o) => {
          o.version = 2;
        }),
      ),
      /^version:/,
    );
    assert.match(
      problem(
        edit((o) => {
          o.settings = { rule: "borda", options: [] };
        }),
      ),
      /^settings\.rule:/,
    );
    assert.match(
      problem(
        edit((o) => {
          (o.ballots as object[])[1] = {
            voter: "https://x.example/u",
            choice: { option: 5 },
          };
        }),
      ),
      /^ballots\[1\]\.choice: option-out-of-range/,
    );
    assert.match(
      problem(
        edit((o) => {
          (o.ballots as { voter: string }[])[1] = {
            voter: "javascript:alert(1)",
            choice: { option: 0 },
          } as never;
        }),
      ),
      /^ballots\.1\.voter|ballots\[1\]/,
    );
    assert.match(
      problem(
        edit((o) => {
          (o.ballots as unknown[]).push({
            voter: "https://a.example/users/amy",
            choice: { option: 0 },
          });
        }),
      ),
      /voted twice/,
    );
    assert.match(
      problem(
        edit((o) => {
          o.secret = true;
        }),
      ),
      /names no voters/,
    );
    assert.match(
      problem(
        edit((o) => {
          (o.ballots as unknown[]).push({ choice: { option: 0 } });
        }),
      ),
      /needs its voter/,
    );
    assert.match(
      problem(
        edit((o) => {
          (o.ballots as { weight?: number }[])[0] = {
            ...((o.ballots as object[])[0] as object),
            weight: -1,
          };
        }),
      ),
      /weight/,
    );
    assert.match(
      problem(
        edit((o) => {
          o.extra = 1;
        }),
      ),
      /Unrecognized|extra/i,
    );
  });

  it("caps the number of ballots", () => {
    const ballots = `[${Array(1_000_001).fill('{"choice":{"option":0}}').join(",")}]`;
    const text = `{"format":"synco-decision-ballots","version":1,"settings":{"rule":"single","options":["a","b"]},"seed":"","eligibleWeight":1,"secret":true,"ballots":${ballots}}`;
    assert.match(problem(text), /^ballots:/);
  });
});
