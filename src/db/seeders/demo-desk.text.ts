/** Words the demo desk is written with: enough variety that lists, searches and boards look real. */

export const FIRST_NAMES = [
  "Amelia", "Arjun", "Beatriz", "Camille", "Daniel", "Dmitri", "Elena", "Emeka", "Fatima", "Felix", "Grace", "Hannah",
  "Hiroshi", "Ines", "Isaac", "Jonas", "Julia", "Kwame", "Laila", "Lars", "Lucas", "Maya", "Mateo", "Nadia",
  "Noah", "Olga", "Omar", "Priya", "Rafael", "Rosa", "Samuel", "Sofia", "Tariq", "Thea", "Tomas", "Valentina",
  "Wei", "Yara", "Yusuf", "Zoe",
] as const;

export const LAST_NAMES = [
  "Adeyemi", "Alvarez", "Andersen", "Bauer", "Bianchi", "Chen", "Costa", "Dubois", "Eriksson", "Fischer", "Garcia", "Haddad",
  "Ivanova", "Jensen", "Kowalski", "Kumar", "Larsen", "Lopez", "Moreau", "Murphy", "Nakamura", "Novak", "Okafor", "Olsen",
  "Patel", "Petrov", "Quinn", "Rossi", "Santos", "Schmidt", "Silva", "Tanaka", "Varga", "Walsh", "Weber", "Yilmaz",
] as const;

/** The desk's staff, named so screenshots and docs can refer to them. */
export const STAFF = [
  { displayName: "Alice Nguyen", email: "alice.nguyen@desk.example.com" },
  { displayName: "Bram Okafor", email: "bram.okafor@desk.example.com" },
  { displayName: "Chen Wei", email: "chen.wei@desk.example.com" },
] as const;

export const DEMO_ADMIN = { displayName: "Morgan Admin", email: "morgan.admin@desk.example.com" } as const;

export const CUSTOMER_DOMAIN = "customer.example.com";

const THINGS = [
  "Laptop", "Outlook", "VPN client", "Printer on floor 3", "Shared drive", "Teams", "Wi-Fi in meeting room B", "External monitor",
  "Docking station", "Badge reader", "Payroll portal", "Salesforce", "Desk phone", "Email signature", "Calendar invites",
  "Keyboard", "Zoom", "Excel macro", "Website contact form", "Expense app", "Password manager", "Projector in the boardroom",
] as const;

const PROBLEMS = [
  "won't start", "keeps disconnecting", "is very slow", "shows an error on startup", "cannot connect", "asks for my password again and again",
  "stopped syncing", "is missing after the update", "crashes when I open attachments", "prints blank pages", "says access denied",
  "needs a replacement", "is flickering", "does not charge", "freezes every afternoon", "lost my settings",
] as const;

const SINCE = ["this morning", "yesterday", "the last update", "Monday", "I moved desks", "the power cut", "last week"] as const;

const DETAILS = [
  "I already restarted twice.",
  "A colleague next to me has the same problem.",
  "It happens on the office network and at home.",
  "The error message says something about a certificate.",
  "I have a client presentation at 3 pm, so this is urgent for me.",
  "Nothing changed on my side as far as I know.",
  "It works for a few minutes after a reboot, then fails again.",
] as const;

export const CATEGORIES = ["Hardware", "Software", "Network", "Access", "Email", "Printing", "Telephony"] as const;

/** The category a desk files each thing under, so categories follow the text as on a real desk (triage learns it). */
const THING_CATEGORY: Record<(typeof THINGS)[number], (typeof CATEGORIES)[number]> = {
  Laptop: "Hardware",
  Outlook: "Email",
  "VPN client": "Network",
  "Printer on floor 3": "Printing",
  "Shared drive": "Access",
  Teams: "Software",
  "Wi-Fi in meeting room B": "Network",
  "External monitor": "Hardware",
  "Docking station": "Hardware",
  "Badge reader": "Access",
  "Payroll portal": "Access",
  Salesforce: "Software",
  "Desk phone": "Telephony",
  "Email signature": "Email",
  "Calendar invites": "Email",
  Keyboard: "Hardware",
  Zoom: "Telephony",
  "Excel macro": "Software",
  "Website contact form": "Software",
  "Expense app": "Software",
  "Password manager": "Access",
  "Projector in the boardroom": "Hardware",
};

/** The category of a subject written by ticketSubject(). */
export function subjectCategory(subject: string): (typeof CATEGORIES)[number] | null {
  const thing = (Object.keys(THING_CATEGORY) as (typeof THINGS)[number][]).find((t) => subject.startsWith(`${t} `));
  return thing ? THING_CATEGORY[thing] : null;
}

export function ticketSubject(pick: <T>(items: readonly T[]) => T): string {
  return `${pick(THINGS)} ${pick(PROBLEMS)}`;
}

export function ticketDescription(subject: string, pick: <T>(items: readonly T[]) => T): string {
  return `Since ${pick(SINCE)}, the **${subject.toLowerCase()}** problem keeps coming back.\n\n${pick(DETAILS)} ${pick(DETAILS)}\n\nThanks for your help!`;
}

export const CUSTOMER_REPLIES = [
  "Thanks, I'll try that and let you know.",
  "Still happening this morning, unfortunately.",
  "Here is what the error says: *connection reset by peer*.",
  "That worked, thank you so much!",
  "I restarted as you suggested, no change.",
  "Could someone come by my desk? I'm on the 3rd floor.",
  "Any news on this? It's blocking my work.",
  "It seems fine now, but I'll keep an eye on it.",
] as const;

export const AGENT_REPLIES = [
  "Thanks for reporting this. Could you restart and tell me whether it persists?",
  "I've reset your account; please sign in again and let me know.",
  "We're aware of a wider problem and are working on it.",
  "I've pushed a new configuration to your device. It should apply within 15 minutes.",
  "Could you send a screenshot of the error message?",
  "A replacement is on its way; it should arrive tomorrow.",
  "I've escalated this to the network team.",
  "This should be fixed now. Please confirm on your side.",
] as const;

export const INTERNAL_NOTES = [
  "Looks related to the certificate rollout from last week.",
  "Same symptom as three other tickets today; probably the proxy.",
  "Customer is a VIP, keep them posted.",
  "Checked the logs: the account was locked after failed sign-ins.",
  "Waiting on the vendor's RMA number.",
  "Firmware on this model is two versions behind.",
] as const;

const ISSUE_VERBS = ["Upgrade", "Investigate", "Automate", "Replace", "Document", "Migrate", "Monitor", "Patch", "Decommission", "Harden"] as const;

const ISSUE_OBJECTS = [
  "VPN concentrator firmware", "print server", "nightly backup jobs", "mail relay", "SSO certificates", "laptop imaging",
  "Wi-Fi controllers", "asset inventory", "ticket auto-triage", "database replicas", "firewall rules", "log retention",
  "badge system integration", "meeting room displays", "MDM enrollment", "password reset flow",
] as const;

export function issueTitle(pick: <T>(items: readonly T[]) => T): string {
  return `${pick(ISSUE_VERBS)} ${pick(ISSUE_OBJECTS)}`;
}

export function issueDescription(title: string, pick: <T>(items: readonly T[]) => T): string {
  return `## Goal\n\n${title}.\n\n## Notes\n\n- ${pick(DETAILS)}\n- Check with the team before the change window.\n`;
}

export const ISSUE_COMMENTS = [
  "I can take this one next sprint.",
  "Vendor confirmed the fix is in the next release.",
  "Tested on staging, looks good.",
  "Blocked on the change advisory board.",
  "Rolled out to 10% of devices so far.",
  "Let's pair on this tomorrow.",
  "Added the runbook to the wiki.",
] as const;

export const CANCEL_REASONS = ["Duplicate of another issue.", "No longer needed after the migration.", "Vendor dropped the product.", "Out of scope for this quarter."] as const;

export const PROJECTS = [
  { key: "OPS", name: "Operations", description: "Keeping the desk's infrastructure running: servers, backups, monitoring." },
  { key: "NET", name: "Network", description: "Wi-Fi, VPN, firewalls and everything in between." },
  { key: "APP", name: "Business Apps", description: "Payroll, CRM and the other applications the company relies on." },
  { key: "SEC", name: "Security", description: "Identity, certificates and hardening." },
  { key: "DATA", name: "Data Platform", description: "Databases, reporting and retention." },
] as const;
