import { button, html, layout, type MailContent } from "../mail/mail.html.js";

/** The invitation and reactivation emails: subject and both bodies from the same facts. */

export function invitationMail({ inviter, link, validFor, role }: { inviter: string; link: string; validFor: string; role: string }): MailContent {
  const subject = "You are invited to DeskQL";
  const what = role === "CUSTOMER" ? "to open and follow support tickets" : `as ${role === "ADMIN" ? "an admin" : "an agent"}`;
  return {
    subject,
    text: [
      "Hello,",
      "",
      `${inviter} invited you to join the help desk ${what}. To accept, choose your name and password (or sign in with your organisation's single sign-on) here:`,
      link,
      "",
      `The link works once, for ${validFor}. If you did not expect this, ignore this email.`,
    ].join("\n"),
    html: layout(
      subject,
      html`<p>Hello,</p>
<p>${inviter} invited you to join the help desk ${what}.</p>
${button(link, "Accept the invitation")}
<p>The link works once, for ${validFor}. If you did not expect this, ignore this email.</p>`,
    ),
  };
}

export function reactivatedMail({ displayName, signInLink }: { displayName: string; signInLink: string }): MailContent {
  const subject = "Your account was reactivated";
  return {
    subject,
    text: [
      `Hello ${displayName},`,
      "",
      "An administrator reactivated your help desk account. You can sign in again:",
      signInLink,
      "",
      "If you forgot your password, use \"Forgot your password?\" on the sign-in page.",
    ].join("\n"),
    html: layout(
      subject,
      html`<p>Hello ${displayName},</p>
<p>An administrator reactivated your help desk account. You can sign in again.</p>
${button(signInLink, "Sign in")}
<p>If you forgot your password, use "Forgot your password?" on the sign-in page.</p>`,
    ),
  };
}
