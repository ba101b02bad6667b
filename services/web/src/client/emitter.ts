/** A minimal typed event emitter: `on` returns the function that unsubscribes. */
export function createEmitter<Events extends Record<string, unknown>>() {
  const listeners = new Map<keyof Events, Set<(payload: never) => void>>();
  return {
    on<K extends keyof Events>(name: K, listener: (payload: Events[K]) => void): () => void {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
    emit<K extends keyof Events>(name: K, payload: Events[K]): void {
      for (const listener of listeners.get(name) ?? []) (listener as (payload: Events[K]) => void)(payload);
    },
  };
}
