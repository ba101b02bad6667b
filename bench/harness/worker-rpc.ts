import type { ChildProcess } from 'node:child_process';

/**
 * Request/response over a child's IPC channel: the coordinator sends
 * `{id, method, params}`, the worker answers `{id, result}` or `{id, error}`.
 */
interface RpcRequest {
  id: number;
  method: string;
  params: unknown;
}

type RpcResponse = { id: number; result?: unknown; error?: string };

export interface WorkerHandle {
  child: ChildProcess;
  name: string;
  call<T>(method: string, params?: unknown, timeoutMs?: number): Promise<T>;
}

export function connectWorker(child: ChildProcess, name: string): WorkerHandle {
  let nextId = 1;
  const pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }
  >();
  child.on('message', (message: RpcResponse) => {
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    clearTimeout(waiter.timer);
    if (message.error !== undefined) waiter.reject(new Error(`${name}: ${message.error}`));
    else waiter.resolve(message.result);
  });
  child.once('exit', (code, signal) => {
    for (const waiter of pending.values()) {
      clearTimeout(waiter.timer);
      waiter.reject(new Error(`${name} exited (code ${code}, signal ${signal})`));
    }
    pending.clear();
  });
  return {
    child,
    name,
    call<T>(method: string, params: unknown = {}, timeoutMs = 60_000): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (!child.connected) return reject(new Error(`${name} is not running`));
        const id = nextId++;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${name}: ${method} timed out after ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
        child.send({ id, method, params } satisfies RpcRequest);
      });
    },
  };
}

/** Worker side: dispatches requests to handlers and exits when the coordinator goes away. */
export function serveRpc(handlers: Record<string, (params: any) => unknown>): void {
  if (!process.send) throw new Error('bench workers must be started with an IPC channel');
  async function answer(request: RpcRequest): Promise<void> {
    const handler = handlers[request.method];
    try {
      if (!handler) throw new Error(`unknown method ${request.method}`);
      const result = await handler(request.params);
      process.send!({ id: request.id, result: result ?? null });
    } catch (error) {
      process.send!({ id: request.id, error: (error as Error).message });
    }
  }
  // answer() catches everything itself.
  process.on('message', (request: RpcRequest) => void answer(request));
  // The coordinator died or finished: nothing left to measure.
  process.on('disconnect', () => process.exit(0));
}

/** Resolves once the worker process has loaded and sent its first "ready" call result. */
export async function waitForWorker(handle: WorkerHandle, timeoutMs = 30_000): Promise<void> {
  await handle.call('ping', {}, timeoutMs);
}
