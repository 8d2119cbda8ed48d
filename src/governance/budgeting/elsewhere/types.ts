/**
 * What travels between nodes in a federated budgeting process (docs/budgeting.md,
 * "Federated budgeting"), as plain input: the hosting node's description of a
 * process (kept as a copy on every member co-op's node) and a ballot a member
 * co-op relays to the host. Districts, categories and projects are named by
 * URI across nodes (each node has its own row ids); money is in minor units.
 * federation/budgeting/parse.ts makes these from documents, objects.ts the reverse.
 */
import type {
  PbBallotKind,
  PbPhase,
  PbProjectStatus,
  PbRule,
  PbSecrecy,
} from "../../../db/schema/budgeting.ts";

export interface RemoteDistrict {
  uri: string;
  name: string;
  budget: number;
}

export interface RemoteCategory {
  uri: string;
  name: string;
}

/** A picture that travels by its URL (http(s) only), shown through the remote media cache. */
export interface RemoteImage {
  url: string;
  alt: string;
}

/** Pictures per project that travel at most (a proposal here has at most four uploads). */
export const MAX_REMOTE_IMAGES = 4;

export interface RemoteProject {
  uri: string;
  districtUri: string;
  categoryUri: string | null;
  title: string;
  description: string;
  cost: number;
  location: string;
  latitude: number | null;
  longitude: number | null;
  proposedByUri: string;
  /** Proposed from another co-op's node: the proposal's id there. */
  proposalUri: string | null;
  images: RemoteImage[];
  status: PbProjectStatus;
  reviewNote: string;
  progress: number;
  createdAt: string;
  updatedAt: string;
}

/** One district's count as the host stored it (the engine's CountResult JSON, voter ids removed). */
export interface RemoteResult {
  districtUri: string;
  result: unknown;
  greedy: unknown;
  ballotsCount: number;
  computedAt: string;
}

/** A process hosted elsewhere, as its node describes it. */
export interface RemoteProcessInput {
  uri: string;
  groupUri: string;
  createdByUri: string;
  title: string;
  description: string;
  currency: string;
  rule: PbRule;
  ballotKind: PbBallotKind;
  secrecy: PbSecrecy;
  minProjects: number | null;
  maxProjects: number | null;
  spendingCap: boolean;
  points: number | null;
  eligibility: "members" | "federation";
  phase: PbPhase;
  phaseChangedAt: string;
  proposingEndsAt: string | null;
  reviewEndsAt: string | null;
  votingEndsAt: string | null;
  seed: string;
  districts: RemoteDistrict[];
  categories: RemoteCategory[];
  projects: RemoteProject[];
  results: RemoteResult[];
  createdAt: string;
  updatedAt: string;
}

/**
 * A ballot a member co-op's node relays to the host. `coopUri` is the co-op
 * (its Organization actor) that vouches for the voter and signs the activity.
 * A named ballot names its `voterUri` (a member there); a secret one names no
 * one: its own URI is the only identity it has, random and unlinked on both nodes.
 */
export interface RemoteBallotInput {
  uri: string;
  coopUri: string;
  processUri: string;
  districtUri: string;
  voterUri: string | null;
  choices: { projectUri: string; points: number }[];
  publishedAt: string;
  updatedAt: string;
}

/**
 * A project a member of a co-op proposes from their own node, in its copy of a
 * process hosted elsewhere; the co-op (`coopUri`, the activity's actor) vouches
 * for the proposer. District and category are named by the host's URIs.
 */
export interface RemoteProposalInput {
  uri: string;
  coopUri: string;
  proposerUri: string;
  processUri: string;
  districtUri: string;
  categoryUri: string | null;
  title: string;
  description: string;
  cost: number;
  location: string;
  latitude: number | null;
  longitude: number | null;
  images: RemoteImage[];
  publishedAt: string;
}
