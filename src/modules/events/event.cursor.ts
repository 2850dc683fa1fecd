import { BadUserInputError } from "../../core/errors.js";

/** Feed cursors are opaque to clients: a stream position, base64url-encoded. */
export function encodeEventCursor(position: number): string {
  return Buffer.from(`ev:${position}`).toString("base64url");
}

export function decodeEventCursor(cursor: string, argName: string): number {
  const match = /^ev:(\d{1,15})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!match) throw new BadUserInputError(`"${argName}" is not a valid cursor for the event feed.`, argName);
  return Number(match[1]);
}
