/**
 * Errors as the page sees them: an `Error` with a stable `code` string.
 *
 * Codes: `bad_token`, `token_expired`, `auth_failed`, `registration_failed`,
 * `transport_failed`, `timeout`, `bad_target`, `bad_options`, `invalid_state`, `media_failed`,
 * `logged_out`, `message_failed`. The core's own refusals already come as such errors
 * (`invalid_state`, or `transport_failed` when the transport is the cause).
 * @module errors
 */

/**
 * An `Error(message)` with `error.code = code`.
 * @param {string} code
 * @param {string} message
 * @returns {Error & {code: string}}
 */
export function error(code, message) {
  const e = new Error(message);
  e.code = code;
  return e;
}

/**
 * The error code for a failed REGISTER status (RFC 3261 §21.4: 401/403/407 refuse the
 * credentials, 408 is a timeout, 503 a transport failure, §8.1.3.1).
 * @param {number} status
 * @param {boolean} tokenExpired
 * @returns {string}
 */
export function registrationCode(status, tokenExpired) {
  if (tokenExpired) return 'token_expired';
  if (status === 401 || status === 403 || status === 407) return 'auth_failed';
  if (status === 408) return 'timeout';
  return status === 503 ? 'transport_failed' : 'registration_failed';
}
