import { Arg, Ctx, Mutation, Query, Resolver } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import {
  ApplyBulkTicketChangeInput,
  BulkTicketChangeResult,
  BulkTicketPreview,
  NotifyLinkedTicketsInput,
  PreviewBulkTicketChangeInput,
  PreviewLinkedTicketsUpdateInput,
} from "./bulk.types.js";

/** Bulk changes to tickets (preview, then commit all or nothing) and the major-incident update. */
@Resolver()
export class BulkTicketResolver {
  @Query(() => BulkTicketPreview, {
    description: "A bulk change's dry run: per ticket whether it is allowed (or why not), what would change and the version seen. Changes nothing. Agents and admins.",
  })
  previewBulkTicketChange(@Arg("input", () => PreviewBulkTicketChangeInput, { description: "The tickets and the change." }) input: PreviewBulkTicketChangeInput, @Ctx() ctx: Context) {
    return ctx.services.bulk.preview(ctx, input);
  }

  @Mutation(() => BulkTicketChangeResult, {
    description:
      "Commits a previewed bulk change in one transaction, all or nothing: if any ticket changed since the preview, CONFLICT (`staleTicketIds`); if the change is not allowed on any, BAD_USER_INPUT (`refusals`); either way nothing changes. Each ticket raises the events and audit entries of a single change. Agents and admins.",
  })
  applyBulkTicketChange(@Arg("input", () => ApplyBulkTicketChangeInput, { description: "The change and the versions its preview saw." }) input: ApplyBulkTicketChangeInput, @Ctx() ctx: Context) {
    return ctx.services.bulk.apply(ctx, input);
  }

  @Query(() => BulkTicketPreview, { description: "The major-incident update's dry run for every ticket linked to an issue. Changes nothing. Agents and admins." })
  previewLinkedTicketsUpdate(@Arg("input", () => PreviewLinkedTicketsUpdateInput, { description: "The issue, the update and the status." }) input: PreviewLinkedTicketsUpdateInput, @Ctx() ctx: Context) {
    return ctx.services.bulk.previewLinked(ctx, input);
  }

  @Mutation(() => BulkTicketChangeResult, {
    description: "Posts one public update to the issue's linked tickets (as previewed) and optionally moves them all, as one bulk change: all or nothing. Agents and admins.",
  })
  notifyLinkedTickets(@Arg("input", () => NotifyLinkedTicketsInput, { description: "The issue, the update and the versions its preview saw." }) input: NotifyLinkedTicketsInput, @Ctx() ctx: Context) {
    return ctx.services.bulk.notifyLinked(ctx, input);
  }
}
