import { describe, expect, it } from "vitest";
import { passwordResetMail } from "../../../src/modules/mail/account-mail.templates.js";
import { retryDelayMs } from "../../../src/modules/mail/mail.backoff.js";
import { escapeHtml, html } from "../../../src/modules/mail/mail.html.js";
import { replyMail } from "../../../src/modules/mail/ticket-mail.templates.js";
import { describeDevice } from "../../../src/modules/auth/device-name.js";

describe("email HTML", () => {
  it("escapes the five characters that matter in text and attributes", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  });

  it("escapes interpolated values but not nested templates", () => {
    const name = "<script>alert(1)</script>";
    const inner = html`<b>${name}</b>`;
    expect(html`<p>${inner} ${[html`<i>1</i>`, "<2>"]} ${null}${undefined}${false}</p>`.value).toBe(
      "<p><b>&lt;script&gt;alert(1)&lt;/script&gt;</b> <i>1</i>&lt;2&gt; </p>",
    );
  });

  it("renders a template with user input as text in the HTML and as is in the plain text", () => {
    const mail = passwordResetMail({ displayName: `"Bobby" <b>Tables</b>`, link: "https://desk.example/#/reset-password/hd_pr_x", validFor: "1 hour" });
    expect(mail.html).toContain("Hello &quot;Bobby&quot; &lt;b&gt;Tables&lt;/b&gt;,");
    expect(mail.html).toContain('href="https://desk.example/#/reset-password/hd_pr_x"');
    expect(mail.text).toContain(`Hello "Bobby" <b>Tables</b>,`);
  });

  it("keeps line breaks out of subjects and cuts long replies at a word", () => {
    const mail = replyMail({ number: 7, subject: "Line one\r\nBcc: evil@example.test", link: "https://x/#/tickets/1", recipientName: "Ann", authorName: "Agent <Smith>", body: "word ".repeat(400), toAssignee: false });
    expect(mail.subject).toBe("[#7] Re: Line one Bcc: evil@example.test");
    expect(mail.text.length).toBeLessThan(1200);
    expect(mail.text).toMatch(/word…/);
    expect(mail.html).toContain("Agent &lt;Smith&gt; replied");
  });
});

describe("retry backoff", () => {
  it("doubles from the base up to the cap, with at most 10% jitter taken off", () => {
    const none = () => 0;
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, 1000, 10_000, none))).toEqual([1000, 2000, 4000, 8000, 10_000]);
    expect(retryDelayMs(1, 1000, 10_000, () => 1)).toBe(900);
    expect(retryDelayMs(100, 1000, 3_600_000, none)).toBe(3_600_000);
  });
});

describe("device names", () => {
  it("reads browsers, systems and tools from user agents", () => {
    expect(describeDevice("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36").label).toBe("Chrome 120 on Windows 10");
    expect(describeDevice("curl/8.5.0").label).toBe("curl/8.5.0");
    expect(describeDevice(null).label).toBe("Unknown device");
  });
});
