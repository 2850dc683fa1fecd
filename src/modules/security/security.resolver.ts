import { Arg, Args, Ctx, Query, Resolver } from "type-graphql";
import { PageArgs, type Connection } from "../../graphql/connection.types.js";
import type { Context } from "../../graphql/context.js";
import { User } from "../users/user.entity.js";
import { UserConnection } from "../users/user.types.js";
import { HOUR_MS } from "./hour-bucket.sql.js";
import { SecurityStats, SecurityStatsWindow, TimeRangeInput, WINDOW_HOURS } from "./security-stats.types.js";

@Resolver()
export class SecurityResolver {
  @Query(() => SecurityStats, {
    description: "Sign-ins, failures, lockouts, refresh-token reuse and rate-limit hits over a window, with hourly buckets. Admins only.",
  })
  securityStats(
    @Arg("window", () => SecurityStatsWindow, { defaultValue: SecurityStatsWindow.LAST_24_HOURS, description: "A window ending now; ignored when `range` is given." })
    window: SecurityStatsWindow,
    @Arg("range", () => TimeRangeInput, { nullable: true, description: "An explicit range instead of `window` (at most 31 days)." }) range: TimeRangeInput | undefined,
    @Ctx() ctx: Context,
  ): Promise<SecurityStats> {
    const now = ctx.clock.now();
    const from = range?.from ?? new Date(now.getTime() - WINDOW_HOURS[window] * HOUR_MS);
    const to = range?.to ?? now;
    return ctx.services.securityStats.stats(ctx, from, to);
  }

  @Query(() => UserConnection, { description: "Accounts locked out right now after failed sign-ins, the longest lockout first. Admins only." })
  lockedAccounts(@Args(() => PageArgs) page: PageArgs, @Ctx() ctx: Context): Promise<Connection<User>> {
    return ctx.services.securityStats.lockedAccounts(ctx, page);
  }
}
