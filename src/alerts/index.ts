export { AlertsConfig, PayloadSink, alertSinksFromEnv, AlertConfigError, type EnvSink } from './config';
export { createAlertActivities, type AlertActivityDeps } from './activities';
export { alertText, webhookBody, telegramBody } from './format';
export { deliverToSink } from './sinks';
