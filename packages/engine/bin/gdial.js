#!/usr/bin/env node
// The `gdial` admin command. Node packages here run from their TypeScript source (no build
// step), so this registers tsx and hands over to src/cli/main.ts.
import { register } from 'tsx/esm/api';

register();
process.env.GDIAL_CLI_MAIN = '1';
await import('../src/cli/main.ts');
