import { Arg, Ctx, Query, Resolver } from "type-graphql";
import type { Context } from "../../graphql/context.js";
import { TriageProvider, TriageSuggestion } from "./triage.types.js";

@Resolver()
export class TriageResolver {
  @Query(() => TriageSuggestion, {
    description:
      "Suggests a category, priority, tags and a summary for a ticket being written or read, lists similar solved tickets (possible duplicates), and for staff a reply to start from. Works offline with the built-in model; uses the configured language model when there is one. Writes nothing.",
  })
  async suggestTicketTriage(
    @Arg("subject", () => String, { description: "The ticket's subject (up to 200 characters)." }) subject: string,
    @Arg("description", () => String, { description: "The ticket's description (up to 20,000 characters)." }) description: string,
    @Ctx() ctx: Context,
  ): Promise<TriageSuggestion> {
    const result = await ctx.services.triage.suggest(ctx, subject, description);
    return {
      ...result,
      provider: result.provider as TriageProvider,
      similar: result.similar.map(({ ticket, score }) => ({
        id: ticket.id,
        reference: `#${ticket.number}`,
        number: ticket.number,
        subject: ticket.subject,
        status: ticket.status,
        resolution: ticket.resolution,
        score: Math.round(score * 100) / 100,
      })),
    };
  }
}
