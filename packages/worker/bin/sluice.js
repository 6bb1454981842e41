#!/usr/bin/env node
import { main } from '../dist/cli/main.js';

// Exit explicitly: a client library may leave a timer behind after a clean shutdown.
process.exit(await main(process.argv.slice(2)));
