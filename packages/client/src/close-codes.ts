/**
 * Which WebSocket closes are worth reconnecting after. A close the server meant (1000 normal,
 * 1005 no status), a refusal (1008 policy, e.g. a bad key; 1002/1003/1007/1009/1010 protocol
 * errors) or an application code (4000–4999) would only be refused again; a dropped connection
 * (1006), a server going away or restarting (1001, 1012), a server error (1011), overload
 * (1013) or a bad gateway (1014) may well not recur.
 */
const TRANSIENT_CLOSE_CODES = new Set([1001, 1006, 1011, 1012, 1013, 1014]);

export function isAbnormalClose(code: number): boolean {
  return TRANSIENT_CLOSE_CODES.has(code);
}
