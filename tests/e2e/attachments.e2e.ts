import { describe, expect, it } from "vitest";
import { png } from "../integration/attachments/attachment-helpers.js";
import { axeViolations } from "./support/axe.js";
import { useE2EApp } from "./support/e2e-app.js";
import { heading, signIn } from "./support/session.steps.js";

const app = useE2EApp();

describe("attachments", () => {
  it("a customer attaches a screenshot to a new ticket and the agent sees it inline", async () => {
    const customer = await app.t.createUser("CUSTOMER", "Pat Pictures");
    const agent = await app.t.createUser("AGENT", "Avery Agent");
    const screenshot = png(240, 160, [30, 120, 200]);

    const page = await app.newPage();
    await signIn(page, customer.email, customer.password);
    await page.goto("/#/tickets/new");
    await heading(page, "New ticket").waitFor();
    await page.getByLabel("Subject").fill("The dashboard shows an error");
    await page.getByLabel("Description").fill("It looks like this:");
    // The real file input behind the drop zone, as a keyboard or screen-reader user reaches it.
    await page.getByLabel("choose files").setInputFiles({ name: "error-dialog.png", mimeType: "image/png", buffer: screenshot });
    const picker = page.getByRole("group", { name: "Attachments" });
    await picker.getByText("Uploaded").waitFor();
    await picker.getByRole("img", { name: "Preview of error-dialog.png" }).waitFor();
    // The image is referenced in the text, so it shows inline.
    await expect.poll(() => page.getByLabel("Description").inputValue()).toMatch(/!\[error-dialog\.png\]\(attachment:[0-9a-f-]{36}\)/);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole("button", { name: "Open ticket" }).click();
    await heading(page, "The dashboard shows an error").waitFor();
    const ticketId = page.url().split("#/tickets/")[1]!;

    const desk = await app.newPage();
    await signIn(desk, agent.email, agent.password);
    await desk.goto(`/#/tickets/${ticketId}`);
    await heading(desk, "The dashboard shows an error").waitFor();
    // Inline in the description, fetched with the agent's token and shown from a blob: URL.
    const inline = desk.locator(".markdown img[data-attachment-id]");
    await expect.poll(() => inline.evaluate((img: { naturalWidth: number }) => img.naturalWidth)).toBe(240);
    expect(await inline.getAttribute("src")).toMatch(/^blob:/);
    // Listed with its size and type, with a thumbnail.
    const list = desk.getByRole("region", { name: "Attachments of the ticket" });
    await list.getByRole("button", { name: "error-dialog.png" }).waitFor();
    await list.getByText(/PNG image/).waitFor();
    await expect.poll(() => list.getByRole("img", { name: "Preview of error-dialog.png" }).evaluate((img: { naturalWidth: number }) => img.naturalWidth)).toBeGreaterThan(0);
    expect(await axeViolations(desk)).toEqual([]);
    expect(app.log(desk).errors).toEqual([]);
  });
});
