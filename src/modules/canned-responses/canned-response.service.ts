import type { FilterQuery } from "@mikro-orm/core";
import { BadUserInputError, ForbiddenError, NotFoundError } from "../../core/errors.js";
import type { DomainEvents } from "../../core/events/domain-events.js";
import { Role, type Viewer } from "../../core/identity.js";
import { requireViewer, type RequestScope } from "../../core/scope.js";
import { assertOneLineText, textLength } from "../../core/text.js";
import { assertVersion, conflictOnRace, FOR_UPDATE, READ_ONLY } from "../../core/writes.js";
import { contains } from "../../db/text-match.js";
import { canView } from "../tickets/ticket.access.js";
import { Ticket } from "../tickets/ticket.entity.js";
import { User } from "../users/user.entity.js";
import { CANNED_BODY_MAX, CANNED_TITLE_MAX, CannedResponse } from "./canned-response.entity.js";
import "./canned-response.events.js";
import { assertPlaceholders, fillPlaceholders, type PlaceholderValues } from "./canned-response.placeholders.js";
import type { CannedResponseInput } from "./canned-response.types.js";

const LIST_MAX = 200;

/** Who may change a canned response: its owner while personal; admins while shared. */
export function mayChange(response: CannedResponse, viewer: Viewer): boolean {
  return response.shared ? viewer.role === Role.ADMIN : response.owner.id === viewer.userId;
}

/** What the viewer may see: shared ones and their own. */
const visibleTo = (viewer: Viewer): FilterQuery<CannedResponse> => ({ $or: [{ shared: true }, { owner: viewer.userId }] });

/**
 * Canned responses (staff): personal ones are their owner's alone; shared ones every agent and
 * admin sees, and only admins create, change or delete them. Bodies are checked for unknown
 * placeholders when saved, and filled for a ticket by `render`.
 */
export class CannedResponseService {
  constructor(private readonly events: DomainEvents) {}

  /** The viewer's own and the shared ones, by title; those whose title or body contains `search` when given. */
  list(scope: RequestScope, search: string | null | undefined, first: number): Promise<CannedResponse[]> {
    const viewer = requireViewer(scope);
    if (!Number.isInteger(first) || first < 1 || first > LIST_MAX) throw new BadUserInputError(`"first" must be between 1 and ${LIST_MAX}.`, "first");
    const text = search?.trim();
    const where: FilterQuery<CannedResponse> = text ? { $and: [visibleTo(viewer), { $or: [{ title: contains(text) }, { body: contains(text) }] }] } : visibleTo(viewer);
    return scope.em.find(CannedResponse, where, { orderBy: { title: "asc", id: "asc" }, limit: first });
  }

  /** One the viewer may see; NOT_FOUND otherwise (another agent's personal ones included). */
  async get(scope: RequestScope, id: string): Promise<CannedResponse> {
    const viewer = requireViewer(scope);
    const response = await scope.em.findOne(CannedResponse, { id }, READ_ONLY).catch(() => null);
    if (!response || !(response.shared || response.owner.id === viewer.userId)) throw new NotFoundError("Canned response", id);
    return response;
  }

  async create(scope: RequestScope, input: CannedResponseInput): Promise<CannedResponse> {
    const viewer = requireViewer(scope);
    const checked = check(input);
    if (checked.shared && viewer.role !== Role.ADMIN) throw new ForbiddenError("Only admins create shared canned responses; keep it personal.");
    return this.events.transaction(scope, async (tx) => {
      const response = tx.em.create(CannedResponse, { ...checked, owner: tx.em.getReference(User, viewer.userId, { wrapped: true }) });
      await this.events.raise(tx, { type: "canned_response.created", ...event(response), payload: { title: response.title, shared: response.shared } });
      return response;
    });
  }

  async update(scope: RequestScope, id: string, input: CannedResponseInput, expectedVersion?: number | null): Promise<CannedResponse> {
    const viewer = requireViewer(scope);
    const checked = check(input);
    return conflictOnRace("canned response", () =>
      this.events.transaction(scope, async (tx) => {
        const response = await this.changeable(tx, viewer, id);
        assertVersion("canned response", response.version, expectedVersion);
        if (checked.shared && viewer.role !== Role.ADMIN) throw new ForbiddenError("Only admins share canned responses.");
        Object.assign(response, checked);
        await this.events.raise(tx, { type: "canned_response.updated", ...event(response), payload: { title: response.title, shared: response.shared } });
        return response;
      }),
    );
  }

  async delete(scope: RequestScope, id: string): Promise<boolean> {
    const viewer = requireViewer(scope);
    return this.events.transaction(scope, async (tx) => {
      const response = await this.changeable(tx, viewer, id);
      tx.em.remove(response);
      await this.events.raise(tx, { type: "canned_response.deleted", ...event(response), payload: { title: response.title, shared: response.shared } });
      return true;
    });
  }

  /** The response filled in for a ticket the viewer may see. */
  async render(scope: RequestScope, id: string, ticketId: string): Promise<{ title: string; body: string }> {
    const response = await this.get(scope, id);
    return { title: response.title, body: fillPlaceholders(response.body, await this.valuesFor(scope, ticketId)) };
  }

  /** What placeholders stand for on a ticket the viewer may see (NOT_FOUND otherwise), written by the viewer. */
  async valuesFor(scope: RequestScope, ticketId: string): Promise<PlaceholderValues> {
    const viewer = requireViewer(scope);
    const ticket = await scope.em.findOne(Ticket, { id: ticketId }, READ_ONLY).catch(() => null);
    if (!ticket || !canView(ticket, viewer)) throw new NotFoundError("Ticket", ticketId);
    const users = await scope.em.find(User, { id: { $in: [ticket.requester.id, viewer.userId] } }, READ_ONLY);
    const requester = users.find((u) => u.id === ticket.requester.id);
    const agent = users.find((u) => u.id === viewer.userId);
    return {
      requester: { name: requester?.displayName ?? "", email: requester?.email ?? "" },
      ticket: { reference: `#${ticket.number}`, subject: ticket.subject, status: ticket.status, priority: ticket.priority },
      agent: { name: agent?.displayName ?? "", email: agent?.email ?? "" },
    };
  }

  /** The response if the viewer may change it; NOT_FOUND when they may not even see it. */
  private async changeable(tx: RequestScope, viewer: Viewer, id: string): Promise<CannedResponse> {
    const response = await tx.em.findOne(CannedResponse, { id }, FOR_UPDATE).catch(() => null);
    if (!response || !(response.shared || response.owner.id === viewer.userId)) throw new NotFoundError("Canned response", id);
    if (!mayChange(response, viewer)) throw new ForbiddenError("Only admins change shared canned responses.");
    return response;
  }
}

function check(input: CannedResponseInput): { title: string; body: string; shared: boolean } {
  const title = input.title.trim();
  if (!title || textLength(title) > CANNED_TITLE_MAX) throw new BadUserInputError(`The title must be 1 to ${CANNED_TITLE_MAX} characters.`, "input.title");
  assertOneLineText(title, "title", "input.title");
  if (!input.body.trim() || textLength(input.body) > CANNED_BODY_MAX) throw new BadUserInputError(`The body must be 1 to ${CANNED_BODY_MAX} characters.`, "input.body");
  assertPlaceholders(input.body, "input.body");
  return { title, body: input.body, shared: input.shared ?? false };
}

const event = (response: CannedResponse) => ({ target: { type: "CannedResponse", id: response.id }, visibility: response.shared ? "STAFF" : "ADMIN" }) as const;
