import { describe, expect, it } from "vitest";
import { ATTACHMENT_REF, describeType, formatSize } from "./attachment-files.ts";

describe("attachment files", () => {
  it("shows sizes as people read them", () => {
    expect(formatSize(512)).toBe("512 B");
    expect(formatSize(12_345)).toBe("12 KB");
    expect(formatSize(4_500_000)).toBe("4.5 MB");
    expect(formatSize(26_214_400)).toBe("26 MB");
  });

  it("names common types in words and leaves the rest as they are", () => {
    expect(describeType("image/png")).toBe("PNG image");
    expect(describeType("application/pdf")).toBe("PDF document");
    expect(describeType("application/x-7z-compressed")).toBe("application/x-7z-compressed");
  });

  it("recognises only our own attachment references", () => {
    const id = "0190f0f0-0000-7000-8000-0000000000ab";
    expect(ATTACHMENT_REF.exec(`attachment:${id}`)?.[1]).toBe(id);
    expect(ATTACHMENT_REF.exec(`/attachments/${id}`)?.[1]).toBe(id);
    expect(ATTACHMENT_REF.test(`https://evil.test/attachments/${id}`)).toBe(false);
    expect(ATTACHMENT_REF.test(`/attachments/${id}/../../avatar.png`)).toBe(false);
  });
});
