/**
 * Which user each connection belongs to. Several tabs for some users, like real
 * browsers: in every group of four users, two have one tab, one has two and one
 * has four, so C connections span C/2 users. The same layout is used for all three
 * systems.
 */
const TABS_PATTERN = [1, 1, 2, 4];
const TABS_PER_GROUP = TABS_PATTERN.reduce((a, b) => a + b, 0);

export interface ConnectionLayout {
  /** User index (0-based) of every connection. */
  connectionUsers: number[];
  /** Tabs (connections) of every user. */
  tabsPerUser: number[];
  users: number;
}

export function buildLayout(connections: number): ConnectionLayout {
  const connectionUsers: number[] = [];
  const tabsPerUser: number[] = [];
  let user = 0;
  while (connectionUsers.length < connections) {
    const want = TABS_PATTERN[user % TABS_PATTERN.length]!;
    const tabs = Math.min(want, connections - connectionUsers.length);
    tabsPerUser.push(tabs);
    for (let t = 0; t < tabs; t++) connectionUsers.push(user);
    user++;
  }
  return { connectionUsers, tabsPerUser, users: tabsPerUser.length };
}

export const AVERAGE_TABS = TABS_PER_GROUP / TABS_PATTERN.length;

/**
 * Splits connections over workers round-robin, so every worker holds a mix of
 * users and a user's tabs usually sit in different worker processes.
 */
export function splitConnections(count: number, workers: number): number[][] {
  const parts: number[][] = Array.from({ length: workers }, () => []);
  for (let i = 0; i < count; i++) parts[i % workers]!.push(i);
  return parts;
}

/** Small deterministic PRNG (mulberry32): the same event sequence for every system. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
