#!/usr/bin/env node
// compute and report run in a child with glibc's mmap threshold fixed (src/cli/launch.ts); the rest here.
import { relaunch } from "../dist/launch.js";
const code = await relaunch(process.argv);
if (code !== null) process.exitCode = code;
else {
  const { main } = await import("../dist/cli.js");
  process.exitCode = await main(process.argv);
}
