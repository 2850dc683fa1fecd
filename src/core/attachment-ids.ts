/**
 * The upload ids a mutation names (`attachmentIds`), as the payload of the event that creates
 * their parent (ticket.created, comment.added, issue.created): the attachments module attaches
 * them inside that transaction. Absent when there are none, so payloads without files are unchanged.
 */
export const attachmentIdsOf = (ids: readonly string[] | null | undefined): { attachmentIds?: string[] } => (ids?.length ? { attachmentIds: [...ids] } : {});
