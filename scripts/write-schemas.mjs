// Writes contracts/schemas/bands.schema.json from the zod schema (contracts/src/bands-schema.ts); run after `npm run build`.
import { writeFileSync } from 'node:fs';
import { bandsJsonSchema } from '../contracts/dist/bands-schema.js';

writeFileSync(new URL('../contracts/schemas/bands.schema.json', import.meta.url), JSON.stringify(bandsJsonSchema(), null, 2) + '\n');
