// Test support: runs `gatepost <command>` by loading bin/<command>.ts directly,
// so the tests need no registration in bin/main.ts (booking and station may not
// be registered yet when these tests run).
const [command, ...rest] = process.argv.slice(2);
if (!command || !/^[a-z]+$/.test(command)) {
  console.error('usage: gatepost-cli COMMAND [args…]');
  process.exit(2);
}
const mod = (await import(`../../bin/${command}.ts`)) as { run(argv: string[]): Promise<void> };
await mod.run(rest);
