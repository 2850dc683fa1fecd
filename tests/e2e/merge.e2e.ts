import { describe, expect, it } from "vitest";
import { axeViolations } from "./support/axe.js";
import { useE2EApp } from "./support/e2e-app.js";
import { heading, shownTicketStatus, signIn } from "./support/session.steps.js";
import { addComment, openTicket, ticketStatus } from "./support/tickets.seed.js";

const app = useE2EApp();

describe("merging duplicates", () => {
  it("an agent merges a duplicate into the original from the ticket page; the duplicate closes and points at it", async () => {
    const agent = await app.t.createUser("AGENT", "Max Merger");
    const customer = await app.t.createUser("CUSTOMER", "Dana Double");
    const original = await openTicket(app.t, customer.token, "Quokka scanner offline", "The scanner on floor 2 is offline.");
    const duplicate = await openTicket(app.t, customer.token, "Scanner offline again", "Same scanner.");
    await addComment(app.t, customer.token, duplicate.id, "It shows error E42.");

    const page = await app.newPage();
    await signIn(page, agent.email, agent.password);
    await page.goto(`/#/tickets/${duplicate.id}`);
    await heading(page, "Scanner offline again").waitFor();
    const panel = page.getByRole("region", { name: "Duplicate" });
    await panel.getByRole("button", { name: "Merge into…" }).click();
    await panel.getByRole("combobox", { name: `Merge ${duplicate.reference} into` }).fill("Quokka");
    await page.getByRole("option", { name: /Quokka scanner offline/ }).click();
    await panel.getByText(`Merge ${duplicate.reference} into ${original.reference} Quokka scanner offline?`).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await panel.getByRole("button", { name: `Merge into ${original.reference}` }).click();

    await panel.getByRole("link", { name: `${original.reference} Quokka scanner offline` }).waitFor();
    await expect.poll(() => shownTicketStatus(page)).toBe("Closed");
    expect(await ticketStatus(app.t, agent.token, duplicate.id)).toBe("CLOSED");
    expect(await axeViolations(page)).toEqual([]);

    await panel.getByRole("link", { name: `${original.reference} Quokka scanner offline` }).click();
    await heading(page, "Quokka scanner offline").waitFor();
    await page.getByText("It shows error E42.").waitFor();
  });
});
