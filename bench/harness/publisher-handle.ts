import type { PublisherConfiguration } from '../workers/publisher-worker';
import { spawnTsNode, stopChild } from './child-processes';
import { connectWorker, waitForWorker, type WorkerHandle } from './worker-rpc';

export interface PublishResult {
  published: number;
  errors: number;
  firstError?: string;
  expectedPerUser: number[];
  expectedDeliveries: number;
  publishedPerSecond: number;
  maxLagMs: number;
}

export interface PublisherHandle {
  pid: number;
  configure(params: PublisherConfiguration): Promise<void>;
  run(step: number, deliveriesPerSecond: number, durationMs: number): Promise<PublishResult>;
  stop(): Promise<void>;
}

export async function startPublisher(): Promise<PublisherHandle> {
  const child = spawnTsNode('bench/workers/publisher-worker.ts', [], { name: 'publisher', ipc: true });
  const worker: WorkerHandle = connectWorker(child, 'publisher');
  await waitForWorker(worker);
  return {
    pid: child.pid!,
    async configure(params) {
      await worker.call('configure', params);
    },
    run(step, deliveriesPerSecond, durationMs) {
      return worker.call<PublishResult>('run', { step, deliveriesPerSecond, durationMs }, durationMs + 60_000);
    },
    async stop() {
      await worker.call('close', {}, 5000).catch(() => {});
      await stopChild(child, 2000);
    },
  };
}
