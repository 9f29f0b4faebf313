import { replayRecordings } from '../helpers/replay.js';

// Run by `npm run replay -- DIR` (scripts/replay.mjs), not by `npm test`: the recording to replay is REPLAY_DIR.
const dir = process.env.REPLAY_DIR;
if (!dir) throw new Error('REPLAY_DIR is not set: run `npm run replay -- DIR`');
describe(`replay: ${dir}`, () => replayRecordings(dir));
