/** Why bytes could not be read as TCE data. Thrown by readers and decoders; never by writers. */
export class WireError extends Error {
  override readonly name = 'WireError';
  constructor(
    readonly reason:
      | 'truncated'
      | 'bad-magic'
      | 'frame-too-large'
      | 'frame-too-small'
      | 'unsupported-compression'
      | 'inflate-failed'
      | 'invalid-value',
    message: string,
  ) {
    super(message);
  }
}

/**
 * A value that does not fit its IDL type. Thrown by the model-driven encoder; `path` names
 * the place, e.g. `param msg.tick.tick1`, and `problem` what is wrong there.
 */
export class CodecError extends Error {
  override readonly name = 'CodecError';
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(path ? `${path}: ${problem}` : problem);
  }
}
