#!/usr/bin/env node
// The fraiseql-ts command. The sources are TypeScript run through tsx (no build step), so a
// project's own schema.ts can be imported the same way.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
