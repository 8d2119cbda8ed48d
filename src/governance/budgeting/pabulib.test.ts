import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { toDecimal } from "../../kernel/rational.ts";
import {
  type PbFile,
  PbFormatError,
  parsePbFile,
  readPb,
  toElection,
  writePbFile,
} from "./pabulib.ts";

const fixtures = join(import.meta.dirname, "fixtures");
const read = (name: string) => readFileSync(join(fixtures, name), "utf8");

function pb(meta: string, projects: string, votes: string): string {
  return `META\nkey;value\n${meta}\nPROJECTS\n${projects}\nVOTES\n${votes}\n`;
}

function errorLine(text: string): { line: number; message: string } {
  try {
    readPb(text);
  } catch (error) {
    assert.ok(error instanceof PbFormatError, `expected PbFormatError, got ${error}`);
    return { line: error.line, message: error.message };
  }
  assert.fail("the file was accepted");
}

describe("Pabulib reader", () => {
  it("reads the real files with CRLF line ends, matching their META counts", () => {
    for (const name of ["Netherlands_Assen_2024.pb", "Poland_Swiecie_2023.pb"]) {
      const text = read(name);
      assert.ok(text.includes("\r\n"), "fixture keeps its CRLF line ends");
      const file = parsePbFile(text);
      const election = toElection(file);
      assert.equal(election.projects.length, Number(file.meta.num_projects));
      assert.equal(election.ballots.length, Number(file.meta.num_votes));
      assert.deepEqual(election.warnings, []);
      assert.equal(election.voteType, "approval");
    }
  });

  it("honours CSV quoting: semicolons, doubled quotes and line breaks inside quotes", () => {
    const text = pb(
      "budget;10\nvote_type;approval",
      'project_id;cost;name\n1;5;"Park; phase ""two""\nand three"\n2;3.25;plain',
      "voter_id;vote\nv1;1,2\nv2;",
    );
    const election = readPb(text);
    assert.equal(election.projects[0]?.name, 'Park; phase "two"\nand three');
    assert.equal(toDecimal(election.projects[1]?.cost ?? { n: 0n, d: 1n }), "3.25");
    assert.deepEqual(election.ballots[1]?.projects, []);
    // the line numbers after the quoted line break still point at the right line
    const bad = text.replace("v2;", "v2;9");
    assert.deepEqual(errorLine(bad).line, 13);
  });

  it("reads cumulative, scoring and ordinal ballots", () => {
    const cumulative = readPb(
      pb(
        "budget;10\nvote_type;cumulative\nmax_sum_points;10",
        "project_id;cost\na;4\nb;6",
        "voter_id;vote;points\nv1;a,b;7,3\nv2;b;10",
      ),
    );
    assert.deepEqual(
      cumulative.ballots[0]?.points?.map((p) => Number(p.n)),
      [7, 3],
    );
    const ordinal = readPb(
      pb("budget;10\nvote_type;ordinal", "project_id;cost\na;4\nb;6", "voter_id;vote\nv1;b,a"),
    );
    assert.deepEqual(ordinal.ballots[0]?.projects, ["b", "a"]);
    assert.equal(ordinal.voteType, "ordinal");
  });

  it("names the line and the problem of a malformed file", () => {
    const ok = [
      "budget;10\nvote_type;approval",
      "project_id;cost\na;4\nb;6",
      "voter_id;vote\nv1;a",
    ] as const;
    const cases: [string, number, RegExp][] = [
      [pb(ok[0], "project_id;cost\na;four", ok[2]), 7, /cost of project a "four" is not a number/],
      [pb(ok[0], "project_id;cost\na;-4", ok[2]), 7, /negative/],
      [pb(ok[0], "project_id;cost\na;4\na;5", ok[2]), 8, /project a appears twice/],
      [pb(ok[0], ok[1], "voter_id;vote\nv1;a,c"), 11, /project "c", not in PROJECTS/],
      [pb(ok[0], ok[1], "voter_id;vote\nv1;a,a"), 11, /names project a twice/],
      [pb(ok[0], ok[1], "voter_id;vote\nv1;a\nv1;b"), 12, /voter v1 appears twice/],
      [pb(ok[0], ok[1], "voter_id;vote\nv1;a;extra"), 11, /expected 2 fields/],
      [pb(ok[0], "project_id;name\na;x", ok[2]), 6, /lacks "cost"/],
      [pb(ok[0], ok[1], 'voter_id;vote\nv1;"a'), 11, /never closed/],
      [pb("vote_type;approval", ok[1], ok[2]), 1, /lacks budget/],
      [pb("budget;10\nvote_type;ranked", ok[1], ok[2]), 1, /vote_type "ranked"/],
      [
        pb("budget;10\nvote_type;cumulative", ok[1], "voter_id;vote;points\nv1;a,b;1"),
        11,
        /2 projects in vote but 1 points/,
      ],
      ["PROJECTS\nproject_id;cost\n", 1, /PROJECTS before META/],
      ["hello\n", 1, /expected the section title META/],
      ["META\nkey;value\nbudget;1\nPROJECTS\nproject_id;cost\n", 6, /no VOTES section/],
      ["META\nkey;value\nbudget;1;2\n", 3, /2 fields, found 3/],
    ];
    for (const [text, line, problem] of cases) {
      const found = errorLine(text);
      assert.match(found.message, problem);
      assert.equal(found.line, line, `${found.message} should be on line ${line}`);
      assert.match(found.message, new RegExp(`^line ${line}: `));
    }
  });

  it("warns when META counts disagree with the file, and reads the score threshold", () => {
    const election = readPb(
      pb(
        "budget;10\nnum_votes;5\nmin_project_score_threshold;2",
        "project_id;cost\na;4",
        "voter_id;vote\nv1;a",
      ),
    );
    assert.deepEqual(election.warnings, ["META num_votes is 5 but the file has 1"]);
    assert.equal(election.minProjectScore?.n, 2n);
  });

  it("writes files that read back the same", () => {
    for (const name of ["Netherlands_Assen_2024.pb", "Poland_Swiecie_2023.pb"]) {
      const file = parsePbFile(read(name));
      const written = writePbFile(file);
      assert.deepEqual(parsePbFile(written), file);
      assert.deepEqual(readPb(written), readPb(read(name)));
    }
    const tricky: PbFile = {
      meta: { budget: "10", description: ' a;b "c" ' },
      projects: {
        columns: ["project_id", "cost", "name"],
        rows: [{ project_id: "a", cost: "4", name: 'x\ny; "z"' }],
      },
      votes: { columns: ["voter_id", "vote"], rows: [{ voter_id: "v1", vote: "a" }] },
    };
    assert.deepEqual(parsePbFile(writePbFile(tricky)), tricky);
  });
});
