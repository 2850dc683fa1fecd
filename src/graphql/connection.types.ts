import { ArgsType, Field, Int, ObjectType, type ClassType } from "type-graphql";
import type { Connection, PageInfo as PageInfoData, PageRequest } from "../core/paging.js";

@ObjectType({ description: "Where a page sits in its list (Relay cursor connections)." })
export class PageInfo implements PageInfoData {
  @Field(() => Boolean, { description: "Whether more items follow the last one of this page." })
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: "Whether more items precede the first one of this page." })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: "Cursor of the first item of this page." })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: "Cursor of the last item of this page." })
  endCursor!: string | null;
}

/** Ranges are checked where every list takes its page, pagination.ts's pageWindow(). */
@ArgsType()
export class PageArgs implements PageRequest {
  @Field(() => Int, { nullable: true, description: "Return the first N items after `after` (1-100; default 20)." })
  first?: number;

  @Field(() => String, { nullable: true, description: "Opaque cursor: return items after this one." })
  after?: string;

  @Field(() => Int, { nullable: true, description: "Return the last N items before `before` (1-100)." })
  last?: number;

  @Field(() => String, { nullable: true, description: "Opaque cursor: return items before this one." })
  before?: string;
}

export type { Connection, Edge } from "../core/paging.js";

/** Declares `<Name>Edge` and `<Name>Connection` object types for a node type. */
export function connectionType<T extends object>(Node: ClassType<T>, name: string, what: string): ClassType<Connection<T>> {
  @ObjectType(`${name}Edge`, { description: `One ${what} in a page, with its cursor.` })
  class EdgeType {
    @Field(() => String, { description: "Opaque cursor of this item, for `after`/`before`." })
    cursor!: string;

    @Field(() => Node, { description: `The ${what}.` })
    node!: T;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${what}s (Relay cursor connection).` })
  class ConnectionType {
    @Field(() => [EdgeType], { description: "The items of this page with their cursors." })
    edges!: EdgeType[];

    @Field(() => [Node], { description: "The items of this page, without cursors." })
    nodes!: T[];

    @Field(() => PageInfo, { description: "Where this page sits in the list." })
    pageInfo!: PageInfo;

    @Field(() => Int, { description: "How many items match the filter, across all pages." })
    totalCount!: Promise<number>;
  }
  return ConnectionType as unknown as ClassType<Connection<T>>;
}
