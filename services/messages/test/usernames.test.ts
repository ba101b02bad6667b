import { randomBytes } from 'node:crypto';
import { useMessagesApp } from '../../../test/support/messages/messages-app';
import { loginUser, type TestUser } from '../../../test/support/messages/messages-client';

const { api } = useMessagesApp();
let caller: TestUser;
// A prefix no other test uses, so the results are exactly this file's users.
const prefix = `s${randomBytes(5).toString('hex')}`;

beforeAll(async () => {
  caller = await loginUser(api, `${prefix}Caller`);
  for (const name of ['gamma', 'Alpha', 'delta', 'Beta', 'epsilon', 'zeta', '_under', 'xunder']) {
    await loginUser(api, `${prefix}${name}`);
  }
});

const search = (term: string) => api.get(`/api/usernames?search=${encodeURIComponent(term)}`, { token: caller.token });

test('When the search matches more than five users, then five come back sorted case-insensitively, without the caller', async () => {
  const response = await search(prefix);
  expect(response.status).toBe(200);
  expect(response.body).toEqual(['_under', 'Alpha', 'Beta', 'delta', 'epsilon'].map((n) => `${prefix}${n}`));
});

test('When the search is in another case, then it still matches', async () => {
  expect((await search(`${prefix.toUpperCase()}al`)).body).toEqual([`${prefix}Alpha`]);
  expect((await search(`${prefix}CALL`)).body).toEqual([]);
});

test('When the search holds "_" or "%", then they are taken literally, not as wildcards', async () => {
  expect((await search(`${prefix}_`)).body).toEqual([`${prefix}_under`]);
  expect((await search(`${prefix}%`)).body).toEqual([]);
  expect((await search(`${prefix.slice(0, -1)}_`)).body).toEqual([]);
  expect((await search(`${prefix}\\`)).body).toEqual([]);
});

test('When the search is exactly 39 characters, then it is accepted and finds the one 39-character username', async () => {
  const name = `${prefix}${'q'.repeat(39 - prefix.length)}`;
  await loginUser(api, name);
  const response = await search(name);
  expect(response.status).toBe(200);
  expect(response.body).toEqual([name]);
});

test('When nothing matches, then an empty array', async () => {
  expect((await search(`${prefix}nobody`)).body).toEqual([]);
});

test.each([
  ['missing', '/api/usernames'],
  ['empty', '/api/usernames?search='],
  ['given twice', '/api/usernames?search=a&search=b'],
  ['holding a NUL character', '/api/usernames?search=a%00'],
  ['over 39 characters', `/api/usernames?search=${'a'.repeat(40)}`],
])('When the search is %s, then 422 with fields.search', async (_, path) => {
  const response = await api.get(path, { token: caller.token });
  expect(response.status).toBe(422);
  expect(response.body.error.fields).toEqual({ search: expect.any(String) });
});

test('When no token is sent, then 401', async () => {
  expect((await api.get(`/api/usernames?search=${prefix}`)).status).toBe(401);
});
