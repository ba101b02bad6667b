import type { Database } from '#libs/db';
import type { UserRecord } from './records';

interface UserRow {
  id: bigint;
  username: string;
  avatar_url: string | null;
}

export function toUserRecord(row: UserRow): UserRecord {
  return { id: String(row.id), username: row.username, avatarUrl: row.avatar_url };
}

// LIKE's wildcards (and its escape character) in a search are taken literally.
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function createUserRepository(db: Database) {
  async function findById(id: string): Promise<UserRecord | undefined> {
    const user = await db.user.findUnique({
      where: { id: BigInt(id) },
      select: { id: true, username: true, avatarUrl: true },
    });
    return user ? { id: String(user.id), username: user.username, avatarUrl: user.avatarUrl } : undefined;
  }

  async function findByUsername(username: string): Promise<UserRecord | undefined> {
    const user = await db.user.findUnique({
      where: { usernameKey: username.toLowerCase() },
      select: { id: true, username: true, avatarUrl: true },
    });
    return user ? { id: String(user.id), username: user.username, avatarUrl: user.avatarUrl } : undefined;
  }

  /**
   * The user with this username in any case, created when missing. Race-safe: two
   * concurrent logins of a new name both end with the one row the unique index allows.
   */
  async function findOrCreate(username: string): Promise<UserRecord> {
    const key = username.toLowerCase();
    const inserted = await db.$queryRaw<UserRow[]>`
      INSERT INTO users (username, username_key) VALUES (${username}, ${key})
      ON CONFLICT (username_key) DO NOTHING
      RETURNING id, username, avatar_url`;
    if (inserted[0]) return toUserRecord(inserted[0]);
    const existing = await findByUsername(username);
    if (!existing) throw new Error('user vanished between insert and select');
    return existing;
  }

  /**
   * The user linked to this GitHub account, with the avatar brought up to date; undefined
   * when no user is linked yet. Looked up by GitHub's numeric id, never by name: a login
   * can be renamed and then taken by someone else.
   */
  async function updateGithubUser(githubId: string, avatarUrl: string | null): Promise<UserRecord | undefined> {
    const rows = await db.$queryRaw<UserRow[]>`
      UPDATE users SET avatar_url = ${avatarUrl} WHERE github_id = ${githubId}
      RETURNING id, username, avatar_url`;
    return rows[0] ? toUserRecord(rows[0]) : undefined;
  }

  /**
   * A new user linked to this GitHub account, or undefined when the username (in any
   * case) or the GitHub account is taken already. ON CONFLICT makes the check and the
   * insert one step, so two concurrent sign-ins cannot both take a name.
   */
  async function insertGithubUser(
    username: string,
    githubId: string,
    avatarUrl: string | null,
  ): Promise<UserRecord | undefined> {
    const rows = await db.$queryRaw<UserRow[]>`
      INSERT INTO users (username, username_key, github_id, avatar_url)
      VALUES (${username}, ${username.toLowerCase()}, ${githubId}, ${avatarUrl})
      ON CONFLICT DO NOTHING
      RETURNING id, username, avatar_url`;
    return rows[0] ? toUserRecord(rows[0]) : undefined;
  }

  /** Usernames starting with `prefix` (case-insensitive), except the caller's, sorted case-insensitively (byte order of the lowercased name, the same on every server locale). */
  async function searchUsernames(prefix: string, excludeUserId: string, limit: number): Promise<string[]> {
    const pattern = `${escapeLike(prefix.toLowerCase())}%`;
    const rows = await db.$queryRaw<{ username: string }[]>`
      SELECT username FROM users
      WHERE username_key LIKE ${pattern} ESCAPE '\\' AND id <> ${BigInt(excludeUserId)}
      ORDER BY username_key COLLATE "C"
      LIMIT ${limit}`;
    return rows.map((row) => row.username);
  }

  return { findById, findByUsername, findOrCreate, updateGithubUser, insertGithubUser, searchUsernames };
}

export type UserRepository = ReturnType<typeof createUserRepository>;
