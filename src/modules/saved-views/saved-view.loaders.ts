import DataLoader from "dataloader";
import type { LoaderFactory } from "../../core/loaders.js";
import type { RequestScope } from "../../core/scope.js";
import type { TicketFilter } from "../tickets/ticket.types.js";
import type { SavedViewService } from "./saved-view.service.js";

/**
 * Saved views' counts for one request: every `count` asked in one tick of resolution goes to the
 * database as one statement (SavedViewService.counts). The request's scope is the viewer's, so
 * the first caller's scope serves the whole batch.
 */
export class SavedViewCounts {
  private loader: DataLoader<TicketFilter, number | null> | null = null;

  count(scope: RequestScope, service: SavedViewService, filter: TicketFilter): Promise<number | null> {
    this.loader ??= new DataLoader((filters) => service.counts(scope, filters), { cache: false });
    return this.loader.load(filter);
  }
}

export const savedViewCounts: LoaderFactory<SavedViewCounts> = () => new SavedViewCounts();
