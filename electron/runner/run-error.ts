/** A run that cannot start (an unknown call or folder): the caller's mistake, said plainly. */
export class RunError extends Error {}
