import { describe, expect, it } from "vitest";
import { domainList, formFieldOf } from "./organisation-form.ts";

describe("organisation form", () => {
  it("reads domains separated by commas, spaces or lines", () => {
    expect(domainList(" acme.com, @acme.eu\nacme.org;;")).toEqual(["acme.com", "@acme.eu", "acme.org"]);
    expect(domainList("  ")).toEqual([]);
  });

  it("places an error beside the field the server named", () => {
    expect(formFieldOf("input.emailDomains.1")).toBe("domains");
    expect(formFieldOf("input.name")).toBe("name");
    expect(formFieldOf("userId")).toBeNull();
    expect(formFieldOf(undefined)).toBeNull();
  });
});
