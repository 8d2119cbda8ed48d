/** Participatory budgeting: Pabulib files, greedy and the Method of Equal Shares, explained. */
export {
  CountError,
  type CountOptions,
  type CountResult,
  count,
  type ProjectReport,
  RULES,
  type RuleName,
} from "./count.ts";
export { greedy } from "./greedy.ts";
export { type MesOptions, type MesOutcome, methodOfEqualShares } from "./mes.ts";
export {
  type Ballot,
  type Election,
  type PbFile,
  PbFormatError,
  type Project,
  parsePbFile,
  readPb,
  toElection,
  VOTE_TYPES,
  type VoteType,
  writePbFile,
} from "./pabulib.ts";
export { type Profile, toProfile } from "./profile.ts";
export { syntheticElection } from "./synthetic.ts";
