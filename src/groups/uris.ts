/**
 * The URIs a group's data is keyed by. The shapes match what src/federation
 * serves (a capability may not import federation code, so they are spelt here).
 */
export const personUri = (origin: string, username: string) => `${origin}/users/${username}`;
export const coopUri = (origin: string) => `${origin}/users/coop`;
export const groupUri = (origin: string, name: string) => `${origin}/groups/${name}`;
export const groupPostUri = (origin: string, name: string, postId: string) =>
  `${origin}/groups/${name}/posts/${postId}`;
