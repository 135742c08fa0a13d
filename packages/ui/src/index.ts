// The console as a library, for hosts that embed it and for tests.
export { RpcClient, RpcError, type ChannelFactory } from './rpc/client';
export { translate, type Dictionary, type Language } from './i18n';
