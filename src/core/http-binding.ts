/**
 * The HTTP response around an operation, for the browser client's refresh cookie: what the auth
 * services may ask of the transport without knowing it (server/refresh-cookie.ts implements it).
 */
export interface HttpBinding {
  /** Sets the refresh cookie when the client asked for cookie delivery; true when it did. */
  useRefreshCookie(refreshToken: string, expiresAt: Date): boolean;
  refreshCookie(): string | undefined;
  clearRefreshCookie(): void;
}
