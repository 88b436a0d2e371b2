/**
 * Installs the pinned apko and melange (tools.json) for the conformance
 * suite: `npx vite-node e2e/conformance/install.ts`. .ci/run calls it before
 * the tests, so the minutes a cold Go build takes are not spent inside a test
 * timeout. Exits 1 with go's own message when a tool cannot be had; the suite
 * then fails under CI=true with the same message.
 */
import { installReferenceTools, toolsDir } from './reference-tools';

installReferenceTools().then(
  (tools) => {
    for (const t of Object.values(tools)) process.stdout.write(`${t.name} ${t.version}: ${t.path}\n`);
  },
  (err: Error & { hint?: string }) => {
    process.stderr.write(`conformance tools not installed in ${toolsDir()}: ${err.message}\n${err.hint ? `hint: ${err.hint}\n` : ''}`);
    process.exitCode = 1;
  },
);
