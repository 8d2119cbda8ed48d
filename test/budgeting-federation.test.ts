/**
 * Federated participatory budgeting across real nodes (127.0.191.x): a
 * federation hosted on A with the co-ops of A, B and C as members runs one
 * process; members of B and C vote from their own nodes in their copies, their
 * co-ops relay the ballots to A, A counts, and the count equals `synco pb count`
 * on the exported .pb file; the results come back to B and C. A secret process
 * leaves no member of B or C named on A. Hostile ballots (a non-member, a closed
 * process, malformed, oversized) are refused and store nothing.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execPath } from "node:process";
import { after, before, test } from "node:test";
import { DOCUMENT_CONTEXT } from "../src/federation/budgeting/vocab.ts";
import { waitFor } from "../src/federation/testing.ts";
import { castBallot, withdrawBallot } from "../src/governance/budgeting/processes/ballots.ts";
import { countWaitingProcesses, seedOf } from "../src/governance/budgeting/processes/counting.ts";
import { exportPb } from "../src/governance/budgeting/processes/pb-files.ts";
import { advancePhase } from "../src/governance/budgeting/processes/phases.ts";
import { createProcess } from "../src/governance/budgeting/processes/processes.ts";
import { proposeProject } from "../src/governance/budgeting/processes/projects.ts";
import { reviewProject } from "../src/governance/budgeting/processes/review.ts";
import { joinWithOurCoop } from "../src/groups/federations.ts";
import { createGroup, type Group } from "../src/groups/groups.ts";
import { memberClient } from "./api-helpers.ts";
import { joinFederationOn } from "./support/federations.ts";
import { createMember, type SignedIn, signIn } from "./support/login.ts";
import { socialOf, startTestNode, type TestNode } from "./support/node.ts";
import { type RemoteActor, startRemoteActor } from "./support/remote-actor.ts";

type Member = { id: string; username: string };
let a: TestNode;
let b: TestNode;
let c: TestNode;
let evil: RemoteActor;
let mallory: RemoteActor;
let ana: Member;
let members: { node: TestNode; member: Member }[] = [];
let fednet: Group;
const stops: (() => Promise<void>)[] = [];
const user = (n: TestNode, name: string) => `${n.url}/users/${name}`;
const root = join(import.meta.dirname, "..");
/** Waits across nodes: generous, as the machine is shared (they end as soon as the check holds). */
const SLOW = 120_000;
const waitLong = <T>(what: string, check: () => Promise<T>) => waitFor(what, check, SLOW);

before(async () => {
  const env = { SYNCO_LOG_LEVEL: process.env.BUDGETING_LOG ?? "error" };
  [a, b, c] = await Promise.all([
    startTestNode({ host: "127.0.191.1", env }),
    startTestNode({ host: "127.0.191.2", env }),
    startTestNode({ host: "127.0.191.3", env }),
  ]);
  for (const n of [a, b, c]) stops.push(await n.node.startWorker());
  // A member co-op that is not Synco (it speaks our vocabulary by hand), and a stranger.
  [evil, mallory] = await Promise.all([
    startRemoteActor("127.0.191.9", "coop", { type: "Organization" }),
    startRemoteActor("127.0.191.10", "mallory"),
  ]);
  ana = await createMember(a, { username: "ana", password: "password123", role: "admin" });
  const ben = await createMember(b, { username: "ben", password: "password123", role: "admin" });
  const bea = await createMember(b, { username: "bea", password: "password123" });
  const cat = await createMember(c, { username: "cat", password: "password123", role: "admin" });
  const cid = await createMember(c, { username: "cid", password: "password123" });
  members = [
    { node: b, member: ben },
    { node: b, member: bea },
    { node: c, member: cat },
    { node: c, member: cid },
  ];
  const made = await createGroup(socialOf(a), ana, {
    name: "fednet",
    kind: "federation",
    displayName: "Federation",
    visibility: "public",
    moderated: false,
    votingMode: "direct",
  });
  assert.ok(made.ok, JSON.stringify(made));
  fednet = made.value;
  assert.ok((await joinWithOurCoop(socialOf(a), ana, { group: fednet })).ok);
  for (const [n, admin] of [
    [b, ben],
    [c, cat],
  ] as const) {
    await joinFederationOn(a, n, admin, "fednet");
  }
  const res = await fetch(
    await evil.signed(`${a.url}/inbox`, {
      "@context": "https://www.w3.org/ns/activitystreams",
      id: `${evil.url}/follows/1`,
      type: "Follow",
      actor: evil.id,
      object: `${a.url}/groups/fednet`,
    }),
  );
  assert.equal(res.status, 202);
  await waitFor(
    "the fake co-op is a member co-op",
    async () =>
      !!(await a.node.db.db
        .selectFrom("group_members")
        .select("id")
        .where("group_id", "=", fednet.id)
        .where("actor_uri", "=", evil.id)
        .where("actor_kind", "=", "coop")
        .where("status", "=", "active")
        .executeTakeFirst()),
  );
});

after(async () => {
  for (const stop of stops) await stop();
  evil?.close();
  mallory?.close();
  await Promise.all([a, b, c].filter(Boolean).map((n) => n.close()));
});

const anaVoter = () => ({ uri: user(a, "ana"), accountId: ana.id });

/** ana opens a process in fednet with projects in two districts, reviewed, in voting. */
async function openProcess(secrecy: "named" | "secret") {
  const made = await createProcess(socialOf(a), anaVoter(), {
    groupId: fednet.id,
    process: {
      title: `Parks (${secrecy})`,
      description: "What the federation builds next year",
      currency: "EUR",
      secrecy,
      rule: "mes-add1",
      districts: [
        { name: "North", budget: 10_000 },
        { name: "South", budget: 6_000 },
      ],
      categories: ["Green"],
    },
  });
  assert.ok(made.ok, JSON.stringify(made));
  const id = made.value.id;
  const districts = await a.node.db.db
    .selectFrom("pb_districts")
    .select(["id", "name"])
    .where("process_id", "=", id)
    .orderBy("position")
    .execute();
  const [north, south] = districts.map((d) => d.id) as [string, string];
  const costs: [string, number][] = [
    [north, 4_000],
    [north, 3_000],
    [north, 5_000],
    [north, 2_500],
    [south, 3_500],
    [south, 2_000],
  ];
  for (const [i, [districtId, cost]] of costs.entries()) {
    const p = await proposeProject(socialOf(a), anaVoter(), {
      processId: id,
      project: { districtId, title: `Project ${i + 1}`, description: `Build ${i + 1}`, cost },
    });
    assert.ok(p.ok, JSON.stringify(p));
  }
  assert.ok((await advancePhase(socialOf(a), anaVoter(), id, "review")).ok);
  const projects = await a.node.db.db
    .selectFrom("pb_projects")
    .select(["id", "uri"])
    .where("process_id", "=", id)
    .execute();
  for (const p of projects)
    assert.ok(
      (
        await reviewProject(socialOf(a), anaVoter(), {
          projectId: p.id,
          review: { verdict: "feasible", note: "Fine" },
        })
      ).ok,
    );
  assert.ok((await advancePhase(socialOf(a), anaVoter(), id, "voting")).ok);
  const uri = (
    await a.node.db.db
      .selectFrom("pb_processes")
      .select("uri")
      .where("id", "=", id)
      .executeTakeFirstOrThrow()
  ).uri;
  return { id, uri, north, south };
}

/** A node's copy of the process: its id, districts by name and projects by title. */
async function copyOn(n: TestNode, uri: string, phase: string) {
  const db = n.node.db.db;
  const p = await waitLong(`the process reaches ${n.domain} in phase ${phase}`, async () => {
    const row = await db
      .selectFrom("pb_processes")
      .select(["id", "local", "phase"])
      .where("uri", "=", uri)
      .executeTakeFirst();
    if (row?.phase !== phase) return undefined;
    const feasible = await db
      .selectFrom("pb_projects")
      .select("id")
      .where("process_id", "=", row.id)
      .where("status", "=", "feasible")
      .execute();
    return feasible.length === 6 ? row : undefined;
  });
  assert.equal(p.local, 0);
  const districts = await db
    .selectFrom("pb_districts")
    .select(["id", "name"])
    .where("process_id", "=", p.id)
    .execute();
  const projects = await db
    .selectFrom("pb_projects")
    .select(["id", "title"])
    .where("process_id", "=", p.id)
    .execute();
  return {
    id: p.id,
    district: (name: string) => districts.find((d) => d.name === name)?.id ?? "",
    project: (title: string) => projects.find((x) => x.title === title)?.id ?? "",
  };
}

type Copy = Awaited<ReturnType<typeof copyOn>>;

/** Who votes for what: North picks and South picks (by project number). */
const picks: [number[], number[]][] = [
  [[1, 2], [5]],
  [
    [1, 4],
    [5, 6],
  ],
  [[3], [6]],
  [[2, 4], []],
];

async function voteEverywhere(copies: Map<TestNode, Copy>) {
  const receipts: string[] = [];
  for (const [i, { node, member }] of members.entries()) {
    const copy = copies.get(node);
    assert.ok(copy);
    const [north, south] = picks[i] ?? [[], []];
    for (const [district, chosen] of [
      ["North", north],
      ["South", south],
    ] as const) {
      if (chosen.length === 0) continue;
      const cast = await castBallot(
        socialOf(node),
        { uri: user(node, member.username), accountId: member.id },
        {
          processId: copy.id,
          districtId: copy.district(district),
          choices: Object.fromEntries(chosen.map((k) => [copy.project(`Project ${k}`), 1])),
        },
      );
      assert.ok(cast.ok, JSON.stringify(cast));
      if (cast.value.receipt) receipts.push(cast.value.receipt);
    }
  }
  return receipts;
}

/**
 * A member on a co-op's node sees its copy: in /budgets, the read-only process
 * page, the ballot page saying where the ballot goes, and the API; a visitor
 * gets 404 for all of it, and writes to the copy through the pages are refused.
 */
async function seesCopyPages(member: SignedIn, id: string, title: string) {
  const list = await (await member.get("/budgets")).text();
  assert.ok(list.includes(`href="/budgets/${id}"`), "the copy is in /budgets");
  assert.ok(list.includes(a.domain));
  const page = await member.get(`/budgets/${id}`);
  assert.equal(page.status, 200);
  const html = await page.text();
  assert.ok(html.includes(title));
  assert.ok(html.includes(`Hosted by ${a.domain}`));
  assert.ok(html.includes(`href="/budgets/${id}/vote"`), "a link to the ballot");
  assert.ok(!html.includes(`/budgets/${id}/phase`), "no phase buttons");
  assert.ok(!html.includes(`/budgets/${id}/review`), "no review");
  const ballot = await (await member.get(`/budgets/${id}/vote`)).text();
  assert.ok(ballot.includes(`our co-op passes your ballot on to ${a.domain}`));
  // The API, for another member of B with a token.
  const bob = await memberClient(b, "bob");
  const api = await fetch(`${b.url}/api/synco/v1/budgets/${id}`, {
    headers: { authorization: `Bearer ${bob.token}` },
  });
  assert.equal(api.status, 200);
  assert.equal(((await api.json()) as { hosted_here: boolean }).hosted_here, false);
  // Nothing moves the copy here: the host runs it.
  const phase = await member.post(`/budgets/${id}/phase`, { to: "results" });
  assert.equal(phase.status, 404);
  // A visitor: not found (the ballot sends them to sign in first), and not listed.
  for (const path of [`/budgets/${id}`, `/budgets/${id}/vote`, `/api/synco/v1/budgets/${id}`]) {
    const res = await fetch(`${b.url}${path}`, { redirect: "manual" });
    assert.equal(res.status, path.endsWith("/vote") ? 303 : 404, path);
  }
  assert.ok(!(await (await fetch(`${b.url}/budgets`)).text()).includes(`/budgets/${id}"`));
}

/** The host's ballots of a district, named or secret. */
async function ballotsAt(processId: string, districtId: string) {
  const db = a.node.db.db;
  const named = await db
    .selectFrom("pb_ballots")
    .select(["voter_uri", "cast_by_uri", "choices"])
    .where("process_id", "=", processId)
    .where("district_id", "=", districtId)
    .orderBy("voter_uri")
    .execute();
  const secret = await db
    .selectFrom("pb_secret_ballots")
    .select("choices")
    .where("process_id", "=", processId)
    .where("district_id", "=", districtId)
    .orderBy("choices")
    .execute();
  return { named, secret, count: named.length + secret.length };
}

/** Counts on A, then checks each district's stored result against `synco pb count` on its export. */
async function countAndCompare(process: { id: string; north: string; south: string }) {
  assert.ok((await advancePhase(socialOf(a), anaVoter(), process.id, "results")).ok);
  await waitLong("A counts the process", async () => {
    await countWaitingProcesses(socialOf(a));
    const rows = await a.node.db.db
      .selectFrom("pb_results")
      .select("district_id")
      .where("process_id", "=", process.id)
      .execute();
    return rows.length === 2;
  });
  const p = await a.node.db.db
    .selectFrom("pb_processes")
    .select(["seed", "rule"])
    .where("id", "=", process.id)
    .executeTakeFirstOrThrow();
  const dir = mkdtempSync(join(tmpdir(), "pbfed-"));
  const stored = new Map<string, { selected: string[]; spent: number }>();
  for (const districtId of [process.north, process.south]) {
    const text = await exportPb(socialOf(a), process.id, districtId);
    assert.ok(text.ok, JSON.stringify(text));
    const file = join(dir, `${districtId}.pb`);
    writeFileSync(file, text.value);
    const cli = spawnSync(
      execPath,
      [
        join(root, "bin", "synco.ts"),
        "pb",
        "count",
        file,
        "--rule",
        p.rule,
        "--seed",
        String(seedOf(p.seed)),
        "--json",
      ],
      { encoding: "utf8" },
    );
    assert.equal(cli.status, 0, cli.stderr);
    const counted = JSON.parse(cli.stdout) as { selected: string[]; spent: number };
    const row = await a.node.db.db
      .selectFrom("pb_results")
      .select(["result", "ballots_count"])
      .where("process_id", "=", process.id)
      .where("district_id", "=", districtId)
      .executeTakeFirstOrThrow();
    const result = JSON.parse(row.result) as { selected: string[]; spent: number };
    assert.deepEqual([...result.selected].sort(), [...counted.selected].sort());
    assert.equal(result.spent, counted.spent);
    assert.ok(result.selected.length > 0);
    stored.set(districtId, result);
  }
  return stored;
}

test("members of B and C vote from their nodes; A's count equals `synco pb count`; results reach B and C", async () => {
  const process = await openProcess("named");
  const copies = new Map<TestNode, Copy>();
  for (const n of [b, c]) copies.set(n, await copyOn(n, process.uri, "voting"));
  await voteEverywhere(copies);
  await waitLong(
    "every relayed ballot counts on A",
    async () =>
      (await ballotsAt(process.id, process.north)).count === 4 &&
      (await ballotsAt(process.id, process.south)).count === 3,
  );
  // Named: each counts for its member, cast by them, vouched by their co-op.
  const north = await ballotsAt(process.id, process.north);
  assert.deepEqual(
    north.named.map((x) => x.voter_uri),
    [user(b, "bea"), user(b, "ben"), user(c, "cat"), user(c, "cid")].sort(),
  );
  for (const x of north.named) assert.equal(x.cast_by_uri, x.voter_uri);
  const coops = await a.node.db.db
    .selectFrom("pb_received_ballots")
    .select("coop_uri")
    .where("process_id", "=", process.id)
    .execute();
  assert.deepEqual(
    [...new Set(coops.map((r) => r.coop_uri))].sort(),
    [user(b, "coop"), user(c, "coop")].sort(),
  );

  // bea changes her mind on B, through the pages of B's copy: the co-op sends an Update and A's ballot follows.
  const copyB = copies.get(b) as Copy;
  const beaOnB = await signIn(b, "bea", "password123");
  await seesCopyPages(beaOnB, copyB.id, "Parks (named)");
  const voted = await beaOnB.post(`/budgets/${copyB.id}/vote`, {
    district: copyB.district("North"),
    project: copyB.project("Project 3"),
  });
  assert.equal(voted.status, 303, await voted.text());
  const after = await beaOnB.get(`/budgets/${copyB.id}/vote?district=${copyB.district("North")}`);
  assert.match(
    await after.text(),
    new RegExp(`value="${copyB.project("Project 3")}" [^>]*checked`),
  );
  const project3 = await a.node.db.db
    .selectFrom("pb_projects")
    .select("id")
    .where("process_id", "=", process.id)
    .where("title", "=", "Project 3")
    .executeTakeFirstOrThrow();
  await waitLong("bea's change reaches A", async () => {
    const row = (await ballotsAt(process.id, process.north)).named.find(
      (x) => x.voter_uri === user(b, "bea"),
    );
    return row?.choices === JSON.stringify({ [project3.id]: 1 });
  });

  // ben takes his South ballot back on B: the co-op sends a Delete, and A's goes too.
  const ben = members[0]?.member as Member;
  assert.ok(
    (
      await withdrawBallot(
        socialOf(b),
        { uri: user(b, "ben"), accountId: ben.id },
        { processId: copyB.id, districtId: copyB.district("South") },
      )
    ).ok,
  );
  await waitLong(
    "ben's withdrawal reaches A",
    async () => (await ballotsAt(process.id, process.south)).count === 2,
  );
  assert.ok(
    !(await ballotsAt(process.id, process.south)).named.some((x) => x.voter_uri === user(b, "ben")),
  );

  const stored = await countAndCompare(process);
  for (const n of [b, c]) {
    const copy = await copyOn(n, process.uri, "results");
    await waitLong(`the results reach ${n.domain}`, async () => {
      const rows = await n.node.db.db
        .selectFrom("pb_results")
        .select(["district_id", "result"])
        .where("process_id", "=", copy.id)
        .execute();
      if (rows.length !== 2) return false;
      const north = rows.find((r) => r.district_id === copy.district("North"));
      const result = JSON.parse(north?.result ?? "{}") as { selected?: string[] };
      return (
        JSON.stringify(result.selected) === JSON.stringify(stored.get(process.north)?.selected)
      );
    });
  }
  // bea reads the results on B's results page: the projects A funded, by title.
  const results = await beaOnB.get(`/budgets/${copyB.id}/results`);
  assert.equal(results.status, 200);
  const resultsPage = await results.text();
  const fundedTitles = await a.node.db.db
    .selectFrom("pb_projects")
    .select("title")
    .where("id", "in", stored.get(process.north)?.selected ?? [])
    .execute();
  assert.ok(fundedTitles.length > 0);
  for (const { title } of fundedTitles) assert.ok(resultsPage.includes(title), title);
  assert.equal((await fetch(`${b.url}/budgets/${copyB.id}/results`)).status, 404);
});

test("a secret process: ballots travel as the co-op's, and nothing on A names a member of B or C", async () => {
  const process = await openProcess("secret");
  const copies = new Map<TestNode, Copy>();
  for (const n of [b, c]) copies.set(n, await copyOn(n, process.uri, "voting"));
  const receipts = await voteEverywhere(copies);
  assert.equal(receipts.length, 7);
  await waitLong(
    "every relayed secret ballot counts on A",
    async () =>
      (await ballotsAt(process.id, process.north)).count === 4 &&
      (await ballotsAt(process.id, process.south)).count === 3,
  );
  const db = a.node.db.db;
  const voters = await db
    .selectFrom("pb_voters")
    .select(["voter_uri", "cast_by_uri"])
    .where("process_id", "=", process.id)
    .execute();
  assert.equal(voters.length, 7);
  for (const v of voters) assert.match(v.voter_uri, /\/pb-ballots\//);
  // No member of B or C appears anywhere on A's budgeting rows of this process.
  const dump = JSON.stringify([
    voters,
    await db
      .selectFrom("pb_secret_ballots")
      .selectAll()
      .where("process_id", "=", process.id)
      .execute(),
    await db
      .selectFrom("pb_received_ballots")
      .selectAll()
      .where("process_id", "=", process.id)
      .execute(),
    await db.selectFrom("pb_ballots").selectAll().where("process_id", "=", process.id).execute(),
  ]);
  for (const { node, member } of members)
    assert.ok(!dump.includes(user(node, member.username)), member.username);
  // ben changes his secret North ballot on B with his receipt: the co-op sends an
  // Update of the same ballot, which A applies with the receipt it keeps.
  const copyB = copies.get(b) as Copy;
  const ben = members[0]?.member as Member;
  assert.ok(
    (
      await castBallot(
        socialOf(b),
        { uri: user(b, "ben"), accountId: ben.id },
        {
          processId: copyB.id,
          districtId: copyB.district("North"),
          choices: { [copyB.project("Project 2")]: 1 },
          receipt: receipts[0] ?? "",
        },
      )
    ).ok,
  );
  const project2 = await db
    .selectFrom("pb_projects")
    .select("id")
    .where("process_id", "=", process.id)
    .where("title", "=", "Project 2")
    .executeTakeFirstOrThrow();
  await waitLong("ben's secret change reaches A", async () =>
    (await ballotsAt(process.id, process.north)).secret.some(
      (x) => x.choices === JSON.stringify({ [project2.id]: 1 }),
    ),
  );
  assert.equal((await ballotsAt(process.id, process.north)).count, 4);
  // On B, the relayed ballots name secret ballot ids, never a voter.
  const relayed = await b.node.db.db.selectFrom("pb_relayed_ballots").selectAll().execute();
  assert.ok(relayed.some((r) => r.secret === 1));
  await countAndCompare(process);
});

test("hostile ballots — a non-member, a closed process, malformed, oversized — are refused and store nothing", async () => {
  const process = await openProcess("named");
  const db = a.node.db.db;
  const project = async (title: string) =>
    (
      await db
        .selectFrom("pb_projects")
        .select("uri")
        .where("process_id", "=", process.id)
        .where("title", "=", title)
        .executeTakeFirstOrThrow()
    ).uri;
  const p1 = await project("Project 1");
  const p2 = await project("Project 2");
  const groupUri = `${a.url}/groups/fednet`;
  let n = 0;
  /** `who` serves a BudgetBallot and sends its Create (or Update) to the Group. */
  async function ballotFrom(
    who: RemoteActor,
    over: Record<string, unknown> = {},
    type = "Create",
  ): Promise<number> {
    const path = `/pb-ballots/${++n}`;
    who.documents.set(path, {
      "@context": DOCUMENT_CONTEXT,
      id: `${who.url}${path}`,
      type: "BudgetBallot",
      attributedTo: who.id,
      to: [groupUri],
      process: process.uri,
      district: `${process.uri}#districts/${process.north}`,
      voter: `${who.url}/users/eve${n}`,
      choices: [{ type: "BudgetChoice", project: p1, points: 1 }],
      published: new Date().toISOString(),
      ...over,
    });
    const res = await fetch(
      await who.signed(`${a.url}/inbox`, {
        "@context": "https://www.w3.org/ns/activitystreams",
        id: `${who.url}/activities/${n}`,
        type,
        actor: who.id,
        object: `${who.url}${path}`,
        to: groupUri,
      }),
    );
    return res.status;
  }
  const stored = async () => ({
    ballots: await db
      .selectFrom("pb_ballots")
      .select(["voter_uri", "choices"])
      .where("process_id", "=", process.id)
      .orderBy("voter_uri")
      .execute(),
    received: await db
      .selectFrom("pb_received_ballots")
      .select("uri")
      .where("process_id", "=", process.id)
      .orderBy("uri")
      .execute(),
  });
  const drained = () =>
    waitFor(
      "A's inbox queue is empty",
      async () => !(await db.selectFrom("queue_messages").select("id").executeTakeFirst()),
    );

  // The proof that the others are looked at: a member co-op's honest ballot counts.
  assert.equal(await ballotFrom(evil), 202);
  await waitLong(
    "the fake co-op's ballot counts",
    async () => (await stored()).ballots.length === 1,
  );
  const before = await stored();

  // A stranger whose node hosts no member co-op.
  assert.equal(await ballotFrom(mallory), 202);
  // Malformed: points as text, a project of no process here, a secret-shaped ballot
  // (no voter) in a named process, a voter on another node, an unknown district.
  assert.equal(await ballotFrom(evil, { choices: [{ project: p1, points: "1" }] }), 202);
  assert.equal(
    await ballotFrom(evil, { choices: [{ project: `${a.url}/budgets/x/projects/y`, points: 1 }] }),
    202,
  );
  assert.equal(await ballotFrom(evil, { voter: undefined }), 202);
  assert.equal(await ballotFrom(evil, { voter: `${mallory.url}/users/mallory` }), 202);
  assert.equal(await ballotFrom(evil, { district: `${process.uri}#districts/nope` }), 202);
  // Oversized: a 200 kB document.
  assert.equal(await ballotFrom(evil, { content: "x".repeat(200_000) }), 202);
  // Over the spending cap: every North project (14,500 of a 10,000 budget).
  const all = await Promise.all(["Project 1", "Project 2", "Project 3", "Project 4"].map(project));
  assert.equal(
    await ballotFrom(evil, { choices: all.map((p) => ({ project: p, points: 1 })) }),
    202,
  );
  await drained();
  assert.deepEqual(await stored(), before);

  // A closed process: after voting, neither a new ballot nor a change counts.
  assert.ok((await advancePhase(socialOf(a), anaVoter(), process.id, "results")).ok);
  assert.equal(await ballotFrom(evil, { choices: [{ project: p2, points: 1 }] }), 202);
  await drained();
  assert.deepEqual(await stored(), before);
});
