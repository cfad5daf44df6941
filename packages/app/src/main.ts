import { startApp } from './App.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';

const main = async () => {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  const logger = createLogger(config.logLevel);
  const app = await startApp(config, logger);
  const shutdown = async () => {
    await app.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
};

void main();
