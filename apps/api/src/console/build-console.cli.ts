import { ensureConsoleBuilt } from './console-build';

// `npm run build:console` (and `npm start`'s prestart): builds the review console when it is missing or
// older than its sources; `--force` rebuilds it anyway.
const built = ensureConsoleBuilt({ force: process.argv.includes('--force'), log: (line) => process.stdout.write(`${line}\n`) });
if (!built) process.stdout.write('review console build is up to date\n');
