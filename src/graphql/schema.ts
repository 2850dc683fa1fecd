import "reflect-metadata";
import { lexicographicSortSchema, type GraphQLSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { auditRules } from "../modules/audit/audit.rules.js";
import { AuditResolver } from "../modules/audit/audit.resolver.js";
import { authRules } from "../modules/auth/auth.rules.js";
import { AuthResolver } from "../modules/auth/auth.resolver.js";
import { userRules } from "../modules/users/user.rules.js";
import { UserResolver } from "../modules/users/user.resolver.js";
import { applyPermissions, mergeRuleTrees } from "./shield.js";

/** Every module's resolvers and permission rules; a module is wired by adding it here. */
export const resolvers = [AuthResolver, UserResolver, AuditResolver] as const;
export const ruleTree = mergeRuleTrees(authRules, userRules, auditRules);

/** The schema as published (sorted, so `schema.graphql` diffs are stable), before permissions. */
export async function buildBareSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [...resolvers],
    validate: { forbidUnknownValues: false },
    emitSchemaFile: false,
  });
  return lexicographicSortSchema(schema);
}

/** The executable schema: every field behind graphql-shield, deny by default. */
export async function buildExecutableSchema(): Promise<GraphQLSchema> {
  return applyPermissions(await buildBareSchema(), ruleTree);
}
