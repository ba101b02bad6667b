import type { UserRepository } from '../data/user-repository';

/** How many usernames a search suggests (the README's REST API: at most 5). */
export const SUGGESTIONS = 5;

export function createUserService(users: UserRepository) {
  /** Usernames starting with `search` in any case, sorted, without the caller's own. */
  function suggestUsernames(search: string, callerId: string): Promise<string[]> {
    return users.searchUsernames(search, callerId, SUGGESTIONS);
  }

  return { suggestUsernames };
}

export type UserService = ReturnType<typeof createUserService>;
