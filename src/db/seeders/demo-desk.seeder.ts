import type { EntityManager } from "@mikro-orm/core";
import { Seeder } from "@mikro-orm/seeder";

/** Placeholder until the desk modules land; replaced by the full demo desk seeder. */
export class DemoDeskSeeder extends Seeder {
  async run(_em: EntityManager): Promise<void> {}
}
