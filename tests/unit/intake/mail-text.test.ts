import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import { isOurMessageId, loopReason } from "../../../src/modules/intake/mail-loops.js";
import { htmlToMarkdown, stripReply } from "../../../src/modules/intake/mail-text.js";
import { REPLY_MARKER } from "../../../src/modules/mail/ticket-mail.templates.js";

const parse = (headers: string) => simpleParser(`${headers}\r\nSubject: x\r\n\r\nbody\r\n`);

describe("stripReply", () => {
  it("keeps what is above our marker", () => {
    expect(stripReply(`Thanks!\n\n${REPLY_MARKER}\nHello Nora,\nAn agent replied`, REPLY_MARKER)).toBe("Thanks!");
  });

  it("cuts at a Gmail quote header, also wrapped over two lines", () => {
    expect(stripReply("Fixed.\n\nOn Mon, 7 Dec 2026 at 10:00, Desk <desk@example.com> wrote:\n> old", REPLY_MARKER)).toBe("Fixed.");
    expect(stripReply("Fixed.\n\nOn Mon, 7 Dec 2026 at 10:00, A Very Long Name\n<desk@example.com> wrote:\n> old", REPLY_MARKER)).toBe("Fixed.");
  });

  it("cuts at Outlook's original message and From/Sent block, and drops the signature", () => {
    expect(stripReply("Yes.\n-----Original Message-----\nFrom: x", REPLY_MARKER)).toBe("Yes.");
    expect(stripReply("Yes.\n\nFrom: Desk <desk@example.com>\nSent: Monday\nTo: me", REPLY_MARKER)).toBe("Yes.");
    expect(stripReply("Yes, see below.\n-- \nJo Bloggs\nACME", REPLY_MARKER)).toBe("Yes, see below.");
  });

  it("drops interleaved quoted lines but keeps the sender's own", () => {
    expect(stripReply("> Does it work?\nIt does.\n> Really?\nReally.", REPLY_MARKER)).toBe("It does.\nReally.");
  });
});

describe("htmlToMarkdown", () => {
  it("keeps text, emphasis and web links; drops scripts, styles, quotes, images and other links", () => {
    const md = htmlToMarkdown(
      `<style>p{color:red}</style><p>Hi <b>there</b> <a href="https://ok.example/a">docs</a> <a href="javascript:alert(1)">bad</a></p><script>alert(1)</script><img src="x" alt="pic" onerror="alert(1)"><div class="gmail_quote">old</div>`,
    );
    expect(md).toBe("Hi **there** [docs](https://ok.example/a) bad\n\npic");
    expect(md).not.toMatch(/script|style|onerror|javascript|old/);
  });
});

describe("loopReason", () => {
  it("recognises auto-replies, bulk mail, bounces and our own mail", async () => {
    expect(await parse("From: a@b.example\r\nAuto-Submitted: auto-replied").then((m) => loopReason(m, "desk.example"))).toMatch(/automatic/);
    expect(await parse("From: a@b.example\r\nAuto-Submitted: no").then((m) => loopReason(m, "desk.example"))).toBeNull();
    expect(await parse("From: a@b.example\r\nPrecedence: bulk").then((m) => loopReason(m, "desk.example"))).toMatch(/bulk/);
    expect(await parse("From: a@b.example\r\nX-Autoreply: yes").then((m) => loopReason(m, "desk.example"))).toMatch(/auto-reply/);
    expect(await parse("From: MAILER-DAEMON@mx.example").then((m) => loopReason(m, "desk.example"))).toMatch(/bounce/);
    expect(await parse("From: a@b.example\r\nReturn-Path: <>").then((m) => loopReason(m, "desk.example"))).toMatch(/bounce/);
    const ours = "<ticket-01a24d4e-5be7-7629-b584-d17782f12f47.3e37c171-c2ce-48e3-8894-f5014549c821@desk.example>";
    expect(await parse(`From: a@b.example\r\nMessage-ID: ${ours}`).then((m) => loopReason(m, "desk.example"))).toMatch(/our own/);
    expect(isOurMessageId(ours, "other.example")).toBe(false);
    expect(await parse("From: a@b.example").then((m) => loopReason(m, "desk.example"))).toBeNull();
  });
});
