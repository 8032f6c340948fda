/**
 * Resolves with the first SIGINT or SIGTERM; a second one exits the process at once (130).
 * Call it before printing a ready line: a supervisor may signal the moment it reads that
 * line, and a signal with no handler installed yet kills the process uncleanly.
 */
export function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (received) process.exit(130);
      received = true;
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
