import type { EnumOf } from "../../../lib/graphql/graphql.ts";

export type DeliveryStatus = EnumOf<"WebhookDeliveryStatus">;

export const deliveryStatusLabel: Record<DeliveryStatus, string> = {
  DELIVERED: "Delivered",
  PENDING: "Pending",
  FAILED: "Failed",
};

interface DeliveryOutcome {
  status: DeliveryStatus;
  attempts: number;
  responseStatus?: number | null;
  durationMs?: number | null;
  error?: string | null;
}

/** One line on the last attempt: "HTTP 200 in 35 ms", "no answer within 10000 ms", "not attempted yet". */
export function describeLastAttempt(delivery: DeliveryOutcome): string {
  if (delivery.attempts === 0) return "Not attempted yet";
  const took = delivery.durationMs != null ? ` in ${delivery.durationMs} ms` : "";
  if (delivery.responseStatus != null) return `HTTP ${delivery.responseStatus}${took}`;
  return `${delivery.error ?? "No answer"}${took}`;
}

/**
 * The headers every attempt carries (webhook.http.ts, Standard Webhooks). The timestamp and
 * signature are made afresh for each attempt and not stored, so they are described, not shown.
 */
export function requestHeaders(eventId: string): [string, string][] {
  return [
    ["content-type", "application/json"],
    ["user-agent", "DeskQL-Webhooks/1"],
    ["webhook-id", eventId],
    ["webhook-timestamp", "the attempt's time, in Unix seconds"],
    ["webhook-signature", "v1,<base64 HMAC-SHA256 of id.timestamp.body> (two while a rotated secret's grace period lasts)"],
  ];
}

/** A JSON body indented for reading; anything else as it is. */
export function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
