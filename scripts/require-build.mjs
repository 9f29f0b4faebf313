// npm's prestart hook. `npm start` runs the compiled server; before `npm run build` Node would print a
// module-not-found stack that does not say what to do, so this says it in one line instead.
import console from 'node:console';
import { existsSync } from 'node:fs';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';

const server = fileURLToPath(new URL('../dist/src/server.js', import.meta.url));
if (!existsSync(server)) {
  console.error(
    'jumpcloud-scim-bridge is not built yet: run `npm run build` first, then `npm start` (or `npm run sandbox` to try it on the emulator).',
  );
  process.exit(1);
}
