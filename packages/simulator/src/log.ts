// The simulator's logger. Quiet by default (warn) so test output stays readable; set
// SIM_LOG_LEVEL=debug to watch every request.
import pino from 'pino';

export const log = pino({ name: 'simulator', level: process.env.SIM_LOG_LEVEL ?? 'warn' });
