import { describe, expect, it } from "vitest";
import { until } from "../integration/webhooks/receiver.js";
import { axeViolations } from "./support/axe.js";
import { useE2EApp } from "./support/e2e-app.js";
import { heading, navigate, signIn } from "./support/session.steps.js";
import { openTicket } from "./support/tickets.seed.js";

const app = useE2EApp();

describe("automation rules administration", () => {
  it("an admin writes a rule, tries it on the newest tickets, and a new customer ticket gets its priority", async () => {
    const admin = await app.t.createUser("ADMIN", "Ada Admin");
    const customer = await app.t.createUser("CUSTOMER", "Carl Customer");
    await openTicket(app.t, customer.token, "VPN drops every hour", "The tunnel closes after sixty minutes.");
    await openTicket(app.t, customer.token, "Printer jammed", "Paper stuck in tray 2.");

    const page = await app.newPage();
    await signIn(page, admin.email, admin.password);
    await navigate(page, "Automation");
    await heading(page, "Automation").waitFor();
    await page.getByText("No rules yet").waitFor();
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole("button", { name: "New rule" }).click();
    const formHeading = page.getByRole("heading", { level: 2, name: "New rule" });
    await formHeading.waitFor();
    expect(await formHeading.evaluate((el) => el === (el.ownerDocument as { activeElement: unknown }).activeElement)).toBe(true);
    // Nothing filled in: the form says what is missing beside each field, without asking the server.
    await page.getByRole("button", { name: "Create rule" }).click();
    await page.getByText("Enter a name for the rule.").waitFor();
    const action1 = page.getByRole("group", { name: "Action 1" });
    await action1.getByText("Choose a priority.").waitFor();
    expect(await page.getByLabel("Name").getAttribute("aria-invalid")).toBe("true");

    await page.getByLabel("Name").fill("VPN to network");
    await page.getByLabel("When").selectOption("TICKET_CREATED");
    await page.getByRole("button", { name: "Add condition" }).click();
    const condition1 = page.getByRole("group", { name: "Condition 1" });
    // Adding a row moves focus into it.
    expect(await condition1.getByLabel("Field").evaluate((el) => el === (el.ownerDocument as { activeElement: unknown }).activeElement)).toBe(true);
    await condition1.getByLabel("Field").selectOption("TEXT");
    await condition1.getByLabel("Operator").selectOption("CONTAINS");
    await condition1.getByLabel("Values").fill("vpn");
    await action1.getByLabel("Action", { exact: true }).selectOption("SET_PRIORITY");
    await action1.getByLabel("Priority").selectOption("HIGH");

    // The server's refusal is shown beside the field it names (extensions.field).
    await page.getByRole("button", { name: "Add action" }).click();
    const action2 = page.getByRole("group", { name: "Action 2" });
    await action2.getByLabel("Action", { exact: true }).selectOption("NOTIFY");
    await action2.getByLabel("Email address").fill("not an address");
    await page.getByRole("button", { name: "Try it" }).click();
    await action2.getByText("NOTIFY takes an email address.").waitFor();
    expect(await action2.getByLabel("Email address").getAttribute("aria-invalid")).toBe("true");
    expect(await axeViolations(page)).toEqual([]);
    await action2.getByRole("button", { name: "Remove action 2" }).click();
    expect(await page.getByRole("group", { name: "Action 2" }).count()).toBe(0);

    // Trying it shows the matching tickets and what would run, and changes nothing.
    await page.getByRole("button", { name: "Try it" }).click();
    await page.getByRole("heading", { level: 3, name: "1 of 2 tickets matches (all the tickets there are)" }).waitFor();
    const matches = page.getByRole("list", { name: "Matching tickets" });
    await matches.getByRole("link", { name: /VPN drops every hour/ }).waitFor();
    await matches.getByText("Set the priority to HIGH").waitFor();
    expect(await matches.getByText("Printer jammed").count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    // The same screen in dark mode: colour tokens only, so contrast holds there too.
    await page.emulateMedia({ colorScheme: "dark" });
    expect(await axeViolations(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: "light" });

    await page.getByRole("button", { name: "Create rule" }).click();
    await page.getByText("The rule “VPN to network” was saved.").waitFor();
    const row = page.getByRole("list", { name: "Automation rules" }).getByRole("listitem").filter({ hasText: "VPN to network" }).first();
    await row.getByText("A ticket is created").waitFor();
    await row.getByText("Subject or description contains “vpn”").waitFor();
    await row.getByText("Set the priority to High").waitFor();
    await row.getByText("Ada Admin").waitFor();
    await row.getByText("Enabled", { exact: true }).waitFor();
    expect(await axeViolations(page)).toEqual([]);

    // The rule acts on a ticket opened after it was saved.
    const vpn = await openTicket(app.t, customer.token, "VPN broken", "Cannot connect since this morning.");
    const priority = await until(
      async () => {
        const res = await app.t.gql(`query($id: ID!) { ticket(id: $id) { priority } }`, { id: vpn.id }, admin.token);
        return res.data?.ticket?.priority === "HIGH" ? "HIGH" : undefined;
      },
      "the rule to raise the ticket's priority",
      30_000,
    );
    expect(priority).toBe("HIGH");

    // Disabled, edited and deleted from the list; deleting says what it means first.
    await row.getByRole("button", { name: "Disable VPN to network" }).click();
    await page.getByText("The rule “VPN to network” is disabled.").waitFor();
    await row.getByText("Disabled", { exact: true }).waitFor();
    await row.getByRole("button", { name: "Edit VPN to network" }).click();
    await page.getByRole("heading", { level: 2, name: "Edit “VPN to network”" }).waitFor();
    expect(await page.getByRole("group", { name: "Condition 1" }).getByLabel("Values").inputValue()).toBe("vpn");
    expect(await page.getByLabel("Enabled: the rule runs on new events").isChecked()).toBe(false);
    await page.getByLabel("Name").fill("VPN to network team");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByText("The rule “VPN to network team” was saved.").waitFor();
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole("button", { name: "Delete VPN to network team" }).click();
    await page.getByText("No rules yet").waitFor();
    expect(app.log(page).dialogs.map((d) => d.message)).toEqual([
      "Delete the rule “VPN to network team”? It stops acting on tickets at once and cannot be restored; what it already did to tickets stays, and the audit trail keeps its record.",
    ]);
  });
});
