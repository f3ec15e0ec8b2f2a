/**
 * The chat service's status, GET {apiBase}/status: whether someone can answer now (within the
 * hours, an officer on duty), the next opening, the hours in words, whether a message can be
 * left, the officers online and the wait. null when the API does not answer or answers
 * something malformed: the page then keeps its plain links (and the server still refuses a
 * conversation outside the hours, with its reasons).
 */

const TIMEOUT_MS = 5000;

function isCount(value) {
  return Number.isInteger(value) && value >= 0;
}

/** The status payload if it is well formed, else null. */
export function readStatus(status) {
  if (!status || typeof status !== "object" || typeof status.open !== "boolean") return null;
  if (!isCount(status.officers_online) || !isCount(status.estimated_wait_seconds)) return null;
  return {
    open: status.open,
    within_hours: status.within_hours !== false,
    next_opening: typeof status.next_opening === "string" ? status.next_opening : null,
    hours: Array.isArray(status.hours) ? status.hours.filter((line) => typeof line === "string") : [],
    messages: status.messages === true,
    officers_online: status.officers_online,
    estimated_wait_seconds: status.estimated_wait_seconds,
  };
}

export async function fetchStatus(apiBase) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
  try {
    const response = await fetch(`${apiBase}/status`, {
      headers: { Accept: "application/json" },
      cache: "no-store",
      signal: controller.signal,
    });
    if (!response.ok) return null;
    return readStatus(await response.json());
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}
