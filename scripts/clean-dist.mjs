// prepack: build from a clean dist/, so a file whose source was deleted never ships.
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
rmSync(fileURLToPath(import.meta.resolve('../dist')), { recursive: true, force: true });
