import { button, html, layout, type MailContent } from "./mail.html.js";

/** The account emails. Each template returns the subject and both bodies from the same facts. */

interface LinkMail {
  displayName: string;
  link: string;
  /** How long the link works, in words ("24 hours"). */
  validFor: string;
}

/** "2026-12-06 20:18 UTC": when something happened to the account, as mails say it. */
const utcMinute = (at: Date): string => at.toISOString().replace("T", " ").slice(0, 16) + " UTC";

export function verifyEmailMail({ displayName, link, validFor }: LinkMail): MailContent {
  const subject = "Confirm your email address";
  return {
    subject,
    text: [
      `Hello ${displayName},`,
      "",
      "Please confirm that this is your email address by opening this link:",
      link,
      "",
      `The link works once, for ${validFor}. If you did not create an account, ignore this email.`,
    ].join("\n"),
    html: layout(
      subject,
      html`<p>Hello ${displayName},</p>
<p>Please confirm that this is your email address.</p>
${button(link, "Confirm my email address")}
<p>The link works once, for ${validFor}. If you did not create an account, ignore this email.</p>`,
    ),
  };
}

export function passwordResetMail({ displayName, link, validFor }: LinkMail): MailContent {
  const subject = "Reset your password";
  return {
    subject,
    text: [
      `Hello ${displayName},`,
      "",
      "Someone (hopefully you) asked to reset the password of your account. To choose a new one, open:",
      link,
      "",
      `The link works once, for ${validFor}. Resetting signs you out everywhere.`,
      "If you did not ask for this, ignore this email: your password stays as it is.",
    ].join("\n"),
    html: layout(
      subject,
      html`<p>Hello ${displayName},</p>
<p>Someone (hopefully you) asked to reset the password of your account.</p>
${button(link, "Choose a new password")}
<p>The link works once, for ${validFor}. Resetting signs you out everywhere.</p>
<p>If you did not ask for this, ignore this email: your password stays as it is.</p>`,
    ),
  };
}

export function signInLinkMail({ displayName, link, validFor }: LinkMail): MailContent {
  const subject = "Your sign-in link";
  return {
    subject,
    text: [
      `Hello ${displayName},`,
      "",
      "Open this link to sign in:",
      link,
      "",
      `The link works once, for ${validFor}. If you did not ask to sign in, ignore this email.`,
    ].join("\n"),
    html: layout(
      subject,
      html`<p>Hello ${displayName},</p>
${button(link, "Sign in")}
<p>The link works once, for ${validFor}. If you did not ask to sign in, ignore this email.</p>`,
    ),
  };
}

export function passwordChangedMail({ displayName, at, ip }: { displayName: string; at: Date; ip: string }): MailContent {
  const subject = "Your password was changed";
  const when = utcMinute(at);
  return {
    subject,
    text: [
      `Hello ${displayName},`,
      "",
      `The password of your account was reset at ${when} from ${ip}, and every session was signed out.`,
      "If this was not you, reset your password again at once and tell your administrator.",
    ].join("\n"),
    html: layout(
      subject,
      html`<p>Hello ${displayName},</p>
<p>The password of your account was reset at ${when} from ${ip}, and every session was signed out.</p>
<p>If this was not you, reset your password again at once and tell your administrator.</p>`,
    ),
  };
}

/** To an account's owner when someone registers their address again (REQUIRE_VERIFIED_EMAIL). */
export function registrationAttemptMail({ displayName, signInLink, at }: { displayName: string; signInLink: string; at: Date }): MailContent {
  const subject = "Someone tried to register with your address";
  const when = utcMinute(at);
  return {
    subject,
    text: [
      `Hello ${displayName},`,
      "",
      `At ${when} someone tried to create a new account with this email address, which already has one. No account was created.`,
      `If it was you, sign in instead (or reset your password there): ${signInLink}`,
      "If it was not you, you need not do anything.",
    ].join("\n"),
    html: layout(
      subject,
      html`<p>Hello ${displayName},</p>
<p>At ${when} someone tried to create a new account with this email address, which already has one. No account was created.</p>
<p>If it was you, sign in instead (or reset your password there):</p>
${button(signInLink, "Sign in")}
<p>If it was not you, you need not do anything.</p>`,
    ),
  };
}
