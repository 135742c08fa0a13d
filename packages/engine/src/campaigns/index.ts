// The campaign engine's public entry, for the engine wiring, the relay client (which
// applies provider events inside its own transaction) and the benchmarks.
export { CampaignService, type CampaignServiceOptions } from './service';
export { ApprovalService } from './approvals';
export { alertAnalytics } from './analytics';
export { validateCron, nextRunOf, TIME_ZONE } from './scheduler';
export { applyProviderEvents, normalizeReply, type AppliedEvents } from './events';
export { sendersFromProviders, type ProviderSet } from './senders';
export { callFlowHost, type CallFlowBackend } from './call-flows';
export { Dispatcher, defaultRateLimits, type DispatcherOptions, type RateLimit } from './dispatcher';
export type {
  ChannelSender,
  ChannelSenders,
  CallFlowHost,
  CallFlowSpec,
  OutboundDelivery,
  SendResult,
  SendError,
  LookupOutcome,
} from './ports';
