import { html, layout, type MailContent } from "../mail/mail.html.js";

/** Tells an account's owner that an admin removed its second factors. */
export function secondFactorResetMail({ displayName, at }: { displayName: string; at: Date }): MailContent {
  const subject = "Your two-factor authentication was reset";
  const when = at.toISOString().replace("T", " ").slice(0, 16) + " UTC";
  const lines = [
    `An administrator removed the two-factor authentication of your account on ${when}: its authenticator app, recovery codes and passkeys no longer sign in.`,
    "Set up a second factor again from your account page after you sign in.",
    "If you did not ask for this, tell your administrator at once.",
  ];
  return {
    subject,
    text: [`Hello ${displayName},`, "", ...lines].join("\n"),
    html: layout(subject, html`<p>Hello ${displayName},</p><p>${lines[0]}</p><p>${lines[1]}</p><p>${lines[2]}</p>`),
  };
}
