'use strict';
// The real Unleash server for ./stack and the flag tests. Unleash reads its settings from the
// environment: DATABASE_URL, HTTP_HOST, HTTP_PORT, INIT_ADMIN_API_TOKENS, INIT_BACKEND_API_TOKENS.
// With EXIT_WITH_PARENT=true it exits when its standard input closes, so a test JVM's server never
// outlives the JVM, even when that JVM is killed.
const unleash = require('unleash-server');

if (process.env.EXIT_WITH_PARENT === 'true') {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}

// Unleash records a flag's lifecycle in the background. A flag deleted right after it is archived
// (./stack flag delete, the tests) makes that record fail on a foreign key to the deleted flag, and as
// an unhandled rejection it would end the whole server: logged instead, the flag is gone either way.
process.on('unhandledRejection', (reason) => {
  console.error('Unleash background task failed:', (reason && reason.message) || reason);
});

// This machine reaches no outside service: no version check, no telemetry.
process.env.CHECK_VERSION = process.env.CHECK_VERSION || 'false';
process.env.SEND_TELEMETRY = process.env.SEND_TELEMETRY || 'false';

unleash
  .start({ db: { ssl: false }, server: { host: process.env.HTTP_HOST || '127.0.0.1' } })
  .catch((err) => {
    console.error('Unleash failed to start:', err.message || err);
    process.exit(1);
  });
