// Placeholder replaced by the IDL toolchain work.
console.error('tce2ts: not built yet');
process.exit(1);
