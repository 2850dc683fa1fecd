import { Field, InputType, Int, ObjectType, registerEnumType } from "type-graphql";

export enum SecurityStatsWindow {
  LAST_HOUR = "LAST_HOUR",
  LAST_24_HOURS = "LAST_24_HOURS",
  LAST_7_DAYS = "LAST_7_DAYS",
  LAST_30_DAYS = "LAST_30_DAYS",
}

registerEnumType(SecurityStatsWindow, {
  name: "SecurityStatsWindow",
  description: "A window ending now, for the security dashboard.",
  valuesConfig: {
    LAST_HOUR: { description: "The last 60 minutes." },
    LAST_24_HOURS: { description: "The last 24 hours." },
    LAST_7_DAYS: { description: "The last 7 days (168 hourly buckets)." },
    LAST_30_DAYS: { description: "The last 30 days (720 hourly buckets)." },
  },
});

export const WINDOW_HOURS: Record<SecurityStatsWindow, number> = {
  LAST_HOUR: 1,
  LAST_24_HOURS: 24,
  LAST_7_DAYS: 24 * 7,
  LAST_30_DAYS: 24 * 30,
};

@InputType({ description: "An explicit time range, at most 31 days long." })
export class TimeRangeInput {
  @Field(() => Date, { description: "Start (inclusive)." })
  from!: Date;

  @Field(() => Date, { description: "End (exclusive)." })
  to!: Date;
}

@ObjectType({ description: "Security event counts over some span of time." })
export class SecurityEventCounts {
  @Field(() => Int, { description: "Successful sign-ins (password, sign-in link or single sign-on)." })
  successfulLogins!: number;

  @Field(() => Int, { description: "Failed sign-ins, for known and unknown emails, and single sign-ons refused after the identity provider answered." })
  failedLogins!: number;

  @Field(() => Int, { description: "Accounts locked after repeated failures." })
  lockouts!: number;

  @Field(() => Int, { description: "Refresh tokens presented a second time (a leaked or replayed token; the session was ended)." })
  refreshTokenReuses!: number;

  @Field(() => Int, { description: "Rate-limit hits, audited at most once per caller and limit per minute." })
  rateLimitHits!: number;

  @Field(() => Int, { description: "Sign-ins completed with a second factor (TOTP code, recovery code or passkey)." })
  secondFactorSuccesses!: number;

  @Field(() => Int, { description: "Wrong second factors (they count toward the account's lockout)." })
  secondFactorFailures!: number;

  @Field(() => Int, { description: "Second factors removed by an admin (resetSecondFactor)." })
  secondFactorResets!: number;
}

@ObjectType({ description: "One hour of the security dashboard." })
export class SecurityStatsBucket extends SecurityEventCounts {
  @Field(() => Date, { description: "Start of the hour (UTC)." })
  start!: Date;
}

@ObjectType({ description: "The security dashboard: sign-in activity and attacks over a window, from the audit trail." })
export class SecurityStats extends SecurityEventCounts {
  @Field(() => Date, { description: "Start of the window (inclusive)." })
  from!: Date;

  @Field(() => Date, { description: "End of the window (exclusive)." })
  to!: Date;

  @Field(() => Int, { description: "Distinct users with an active session in the window." })
  activeUsers!: number;

  @Field(() => Int, {
    description: "Sessions active in the window: started before its end, signed in or refreshed since its start, and not ended before its start.",
  })
  activeSessions!: number;

  @Field(() => Int, { description: "Accounts locked out right now." })
  lockedAccountsNow!: number;

  @Field(() => [SecurityStatsBucket], { description: "The counts per hour (UTC), oldest first, every hour of the window included." })
  buckets!: SecurityStatsBucket[];
}
