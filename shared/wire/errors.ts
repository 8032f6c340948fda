/** Why bytes could not be read as TCE data. Thrown by readers and decoders; never by writers. */
export class WireError extends Error {
  override readonly name = 'WireError';
  constructor(
    readonly reason: 'truncated' | 'bad-magic' | 'frame-too-large' | 'frame-too-small' | 'unsupported-compression' | 'inflate-failed' | 'invalid-value',
    message: string,
  ) {
    super(message);
  }
}
