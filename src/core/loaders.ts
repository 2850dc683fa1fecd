import type { EntityManager } from "@mikro-orm/core";

/**
 * A factory for one kind of per-request loader; modules export these beside their services. It
 * receives the request's loaders too, to prime them with rows it joined (a comment loader
 * priming the authors), so a later lookup costs no statement.
 */
export type LoaderFactory<T> = (em: EntityManager, loaders: Loaders) => T;

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
      loader = factory(this.em, this);
      this.instances.set(factory, loader);
    }
    return loader;
  }
}
