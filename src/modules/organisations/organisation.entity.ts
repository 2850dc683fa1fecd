import { Entity, Enum, Index, ManyToOne, Property, Unique, type Ref } from "@mikro-orm/core";
import { Field, ObjectType } from "type-graphql";
import { BaseEntity } from "../../db/base.entity.js";
import { User } from "../users/user.entity.js";
import { OrganisationRole } from "./organisation.enums.js";

/** A customer company or team. Its managers see and follow the tickets of its members. */
@ObjectType({ description: "A customer organisation: its members' tickets are visible to its managers, and the desk filters and reports by it." })
@Entity({ tableName: "organisations" })
export class Organisation extends BaseEntity<"notes"> {
  @Field(() => String, { description: "Its name, unique across the desk (1-100 characters)." })
  @Unique({ name: "organisations_name_unique" })
  @Property({ type: "string", length: 100 })
  name!: string;

  /** Staff-only notes; the field is ruled in organisation.rules.ts. */
  @Field(() => String, { description: "Notes for the desk (agents and admins only)." })
  @Property({ type: "text" })
  notes: string = "";
}

/**
 * An email domain whose new customers join the organisation as members ("example.com"). A domain
 * belongs to one organisation, so a new account never lands in two by accident.
 */
@Entity({ tableName: "organisation_domains" })
export class OrganisationDomain extends BaseEntity {
  @Unique({ name: "organisation_domains_domain_unique" })
  @Property({ type: "string", length: 253 })
  domain!: string;

  @ManyToOne(() => Organisation, { ref: true, deleteRule: "cascade" })
  organisation!: Ref<Organisation>;
}

/** A customer's place in an organisation: a member, or a manager who sees the members' tickets. */
@ObjectType("OrganisationMembership", { description: "A customer's membership of an organisation." })
@Entity({ tableName: "organisation_members" })
@Unique({ name: "organisation_members_unique", properties: ["organisation", "user"] })
@Index({ name: "organisation_members_user_index", properties: ["user", "role"] })
export class OrganisationMember extends BaseEntity<"role"> {
  @ManyToOne(() => Organisation, { ref: true, deleteRule: "cascade" })
  organisation!: Ref<Organisation>;

  @ManyToOne(() => User, { ref: true, deleteRule: "cascade" })
  user!: Ref<User>;

  @Field(() => OrganisationRole, { description: "Member or manager." })
  @Enum({ items: () => OrganisationRole, nativeEnumName: "organisation_role" })
  role: OrganisationRole = OrganisationRole.MEMBER;
}
