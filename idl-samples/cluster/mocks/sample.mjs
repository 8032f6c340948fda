// The back end of the TCE cluster example (test.idl), as a mock script: the console's sandbox
// and `tce-mock` answer test.Server with it. It behaves as tce-sample-server's servant
// (electron/sample-server/servant.ts); test/integration/mock-sample.test.ts holds them to that.
// Handlers get the arguments by parameter name and a ctx (see electron/mock/README.md).
export default {
  'test.Server': {
    echo: ({ text }) => 'Yah! ' + text,
    // Sleeps secs seconds (at most an hour) before answering.
    timeout: ({ secs }, ctx) => ctx.delay(secs * 1000),
    heartbeat: () => undefined,
    // Pushes ITerminal.onMessage one-way to the caller, through the gateway it called from.
    bidirection: (_args, ctx) => ctx.push('test.ITerminal.onMessage', { message: 'server push message!' }),
  },
  'test.BaseServer.datetime': () => new Date().toISOString(),
};
