/** A backend request that cannot be met. The message says what to install or change. */
export class BackendUnavailableError extends Error {
  override readonly name = 'BackendUnavailableError';
}
