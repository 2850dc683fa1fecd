import { Field, ID, ObjectType } from "type-graphql";

@ObjectType({ description: "A place where the caller is signed in: one sign-in on one device." })
export class SessionInfo {
  @Field(() => ID, { description: "The session's id, for revokeSession." })
  id!: string;

  @Field(() => String, { description: 'The device in words, from its user agent, e.g. "Firefox 120 on Ubuntu".' })
  device!: string;

  @Field(() => String, { nullable: true, description: "Browser name and major version, when known." })
  browser!: string | null;

  @Field(() => String, { nullable: true, description: "Operating system, when known." })
  os!: string | null;

  @Field(() => String, { nullable: true, description: "Raw User-Agent header at sign-in." })
  userAgent!: string | null;

  @Field(() => String, { nullable: true, description: "IP address at sign-in." })
  ip!: string | null;

  @Field(() => Date, { description: "When the session started (the sign-in)." })
  createdAt!: Date;

  @Field(() => Date, { description: "Last sign-in or token refresh." })
  lastActiveAt!: Date;

  @Field(() => Date, { description: "When the session ends at the latest, whatever its activity." })
  expiresAt!: Date;

  @Field(() => Date, { description: "When the session ends if it stays idle (no refresh) until then." })
  idleExpiresAt!: Date;

  @Field(() => Boolean, { description: "Whether this is the session making the request." })
  current!: boolean;
}
