import { registerEnumType } from "type-graphql";
import { Priority } from "../core/priority.js";

export { Priority } from "../core/priority.js";

registerEnumType(Priority, {
  name: "Priority",
  description: "How urgent a ticket or an issue is. A ticket's priority sets its SLA targets; lists order by it from LOW to URGENT.",
  valuesConfig: {
    LOW: { description: "Can wait; a ticket gets the longest SLA targets." },
    NORMAL: { description: "The default." },
    HIGH: { description: "Hurts someone's work or should be next; a ticket gets shorter targets." },
    URGENT: { description: "Something important is down: drop other work; a ticket gets the shortest targets." },
  },
});
