import { describe, expect, it } from "vitest";
import { useE2EApp } from "./support/e2e-app.js";
import { heading, signIn } from "./support/session.steps.js";

const app = useE2EApp();

/**
 * Live screens: GraphQL subscriptions over the same origin's WebSocket (wss://…/graphql). Each
 * person has their own browser profile; nobody reloads.
 */
describe("live screens", () => {
  it("an agent's queue shows a ticket a customer opens in another browser, and the customer sees the reply, without a reload", async () => {
    const [agent, customer] = await Promise.all([app.t.createUser("AGENT", "Avery Agent"), app.t.createUser("CUSTOMER", "Casey Customer")]);

    const desk = await app.newPage();
    await signIn(desk, agent.email, agent.password);
    await desk.goto("/#/queue");
    await heading(desk, "Queue").waitFor();
    // Marks this document: a reload or a navigation would lose it.
    await desk.evaluate(() => ((globalThis as unknown as { stillTheSamePage: boolean }).stillTheSamePage = true));
    // The queue subscribed once its socket is acknowledged.
    await expect.poll(() => app.t.server.services.subscriptionHub.subscriberCount, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);

    const home = await app.newPage();
    await signIn(home, customer.email, customer.password);
    await home.goto("/#/tickets/new");
    await heading(home, "New ticket").waitFor();
    await home.getByLabel("Subject").fill("Monitor flickers after the update");
    await home.getByLabel("Description").fill("Since this morning the second screen flickers.");
    await home.getByRole("button", { name: "Open ticket" }).click();
    await heading(home, "Monitor flickers after the update").waitFor();
    // The tab says which ticket it holds.
    await expect.poll(() => home.title()).toMatch(/^\S+ · Monitor flickers after the update · DeskQL$/);

    await desk.getByRole("link", { name: /Monitor flickers after the update/ }).waitFor({ timeout: 15_000 });
    expect(await desk.evaluate(() => (globalThis as unknown as { stillTheSamePage?: boolean }).stillTheSamePage)).toBe(true);

    // The agent answers (through the API): the customer's open ticket page shows it.
    const ticketId = home.url().split("#/tickets/")[1]!;
    const reply = await app.t.gql(`mutation($i: AddCommentInput!) { addComment(input: $i) { id } }`, { i: { subjectId: ticketId, body: "Which cable do you use?" } }, agent.token);
    expect(reply.errors).toBeUndefined();
    await home.getByText("Which cable do you use?").waitFor({ timeout: 15_000 });
    app.keep(desk);
  });
});
