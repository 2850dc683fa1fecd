import type { EntityManager } from "@mikro-orm/core";

/** A factory for one kind of per-request loader; modules export these beside their services. */
export type LoaderFactory<T> = (em: EntityManager) => T;

/**
 * The request's loaders, created on first use. Modules own their loader definitions
 * (`*.loaders.ts`); this only guarantees one instance of each per request.
 */
export class Loaders {
  private readonly instances = new Map<LoaderFactory<unknown>, unknown>();

  constructor(private readonly em: EntityManager) {}

  get<T>(factory: LoaderFactory<T>): T {
    let loader = this.instances.get(factory) as T | undefined;
    if (loader === undefined) {
      loader = factory(this.em);
      this.instances.set(factory, loader);
    }
    return loader;
  }
}
