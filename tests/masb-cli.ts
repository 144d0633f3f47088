/**
 * The CLI from the TypeScript sources, as bin/masb.js runs it (the launcher first), for tests
 * that need a real process (pipes, signals): `node --import tsx tests/masb-cli.ts …`.
 */
import { relaunch } from "../src/cli/launch.js";

const code = await relaunch(process.argv);
if (code !== null) process.exitCode = code;
else {
  const { main } = await import("../src/cli/main.js");
  process.exitCode = await main(process.argv);
}
