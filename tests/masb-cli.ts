/** The CLI from the TypeScript sources, for tests that need a real process (pipes, signals): `node --import tsx tests/masb-cli.ts …`. */
import { main } from "../src/cli/main.js";

main(process.argv).then((code) => {
  process.exitCode = code;
});
