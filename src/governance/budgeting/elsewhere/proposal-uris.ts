/**
 * The id of a proposal a member here made in a copy of a process hosted
 * elsewhere, as the host fetches it (federation/budgeting/serve.ts). It is also
 * the project row's `uri` until the host's description names it.
 */
export const proposalUri = (origin: string, processId: string, projectId: string) =>
  `${origin}/pb-proposals/${processId}/${projectId}`;
