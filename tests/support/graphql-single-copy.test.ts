import "reflect-metadata";
import { GraphQLSchema, graphql } from "graphql";
import { buildSchema, Field, ObjectType, Query, Resolver } from "type-graphql";
import { describe, expect, it } from "vitest";

// Guards two things in vitest.config.ts: SWC emits decorator metadata, and our code and
// type-graphql share one graphql module (otherwise "from another module or realm").

@ObjectType()
class Probe {
  @Field()
  name!: string;
}

@Resolver()
class ProbeResolver {
  @Query(() => Probe)
  probe(): Probe {
    return Object.assign(new Probe(), { name: "ok" });
  }
}

describe("test compilation", () => {
  it("emits decorator metadata for type-graphql and MikroORM", () => {
    expect(Reflect.getMetadata("design:type", Probe.prototype, "name")).toBe(String);
  });

  it("executes a type-graphql schema with the graphql our code imports", async () => {
    const schema = await buildSchema({ resolvers: [ProbeResolver], validate: false });
    expect(schema).toBeInstanceOf(GraphQLSchema);
    const result = await graphql({ schema, source: "{ probe { name } }" });
    expect(result).toEqual({ data: { probe: { name: "ok" } } });
  });
});
