import { describe, expect, it } from "vitest";
import { neutraliseFormula } from "../../../src/modules/tickets/ticket-csv.js";
import { likePattern, planSearch } from "../../../src/modules/tickets/ticket.search.js";

describe("ticket search planning", () => {
  it("requires every indexable word as a prefix and drops what the user meant as operators", () => {
    expect(planSearch('VPN +"down" -again*')).toEqual({ words: ["vpn", "down", "again"], fulltext: "+vpn* +down* +again*" });
  });

  it("leaves short words and InnoDB stopwords out of the FULLTEXT query", () => {
    expect(planSearch("is the PC on fire")).toEqual({ words: ["is", "the", "pc", "on", "fire"], fulltext: "+fire*" });
    expect(planSearch("an ox").fulltext).toBeNull();
  });

  it("escapes LIKE wildcards", () => {
    expect(likePattern("50%_off!")).toBe("%50!%!_off!!%");
  });
});

describe("CSV formula neutralisation", () => {
  it("prefixes cells a spreadsheet would evaluate with an apostrophe", () => {
    for (const cell of ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"]) expect(neutraliseFormula(cell)).toBe(`'${cell}`);
  });

  it("leaves ordinary text alone", () => {
    for (const cell of ["Printer jam", "1+1=2", " =not first", ""]) expect(neutraliseFormula(cell)).toBe(cell);
  });
});
