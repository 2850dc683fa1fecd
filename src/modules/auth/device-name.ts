import { UAParser } from "ua-parser-js";

export interface DeviceDescription {
  /** "Firefox 120 on Ubuntu", "Safari 17 on iOS 17.1 (iPhone)", or the raw client name for API tools. */
  label: string;
  browser: string | null;
  os: string | null;
  /** mobile, tablet, ... ; null for desktops and tools (ua-parser-js reports no type for them). */
  type: string | null;
}

/** A person-readable device from a User-Agent header, for "where am I signed in?". */
export function describeDevice(userAgent: string | null): DeviceDescription {
  if (!userAgent) return { label: "Unknown device", browser: null, os: null, type: null };
  const { browser, os, device } = new UAParser(userAgent).getResult();
  const browserName = browser.name ? [browser.name, browser.major].filter(Boolean).join(" ") : null;
  const osName = os.name ? [os.name, os.version].filter(Boolean).join(" ") : null;
  const model = device.model ? ` (${device.model})` : "";
  let label: string;
  if (browserName && osName) label = `${browserName} on ${osName}${model}`;
  else if (browserName || osName) label = `${browserName ?? osName}${model}`;
  else label = userAgent.split(/[\s(]/)[0]!.slice(0, 60) || "Unknown device"; // curl/8.5, python-requests/2.31, ...
  return { label, browser: browserName, os: osName, type: device.type ?? null };
}
