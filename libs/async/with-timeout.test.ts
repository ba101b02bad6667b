import { TimeoutError, withTimeout } from './with-timeout';

test('When the promise settles before the deadline, then its value or its error comes through', async () => {
  await expect(withTimeout(Promise.resolve('answer'), 1000)).resolves.toBe('answer');
  await expect(withTimeout(Promise.reject(new Error('refused')), 1000)).rejects.toThrow('refused');
});

test('When the deadline passes first, then a TimeoutError', async () => {
  const never = new Promise<never>(() => {});
  await expect(withTimeout(never, 10)).rejects.toBeInstanceOf(TimeoutError);
});
