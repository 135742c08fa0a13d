// The real twilio SDK pointed at the simulator the way PROVIDERS.md describes: a
// RequestClient subclass that keeps path and query and swaps scheme/host/port.
import twilio from 'twilio';
import type IRequestClient from 'twilio/lib/base/RequestClient';
import type TwilioResponse from 'twilio/lib/http/response';

export function simTwilio(baseUrl: string, accountSid: string, authToken: string) {
  const base = new URL(baseUrl);
  class LoopbackClient extends twilio.RequestClient {
    override request<TData>(opts: IRequestClient.RequestOptions<TData>): Promise<TwilioResponse<TData>> {
      const uri = new URL(opts.uri);
      uri.protocol = base.protocol;
      uri.host = base.host;
      return super.request<TData>({ ...opts, uri: uri.toString() });
    }
  }
  return twilio(accountSid, authToken, { httpClient: new LoopbackClient() });
}
