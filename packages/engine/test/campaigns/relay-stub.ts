// Stands in for the relay in campaign tests: receives the simulator's callbacks, wraps
// each in the RawWebhook envelope the relay would commit, parses it with the providers
// layer and hands the events to the campaign engine's entry point before answering 2xx.
// It also serves registered call flows as the relay does: the start document with the
// gather URL filled in, then confirmed / retry / goodbye depending on the key pressed.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { callFlowPlaceholders, type CallFlowRegistration, type RawWebhook, type WebhookKind } from '@gdial/protocol';
import type { CallFlowBackend } from '../../src/campaigns/call-flows';

const KINDS: Record<string, WebhookKind> = {
  '/hooks/twilio/message-status': 'twilio.message-status',
  '/hooks/twilio/call-status': 'twilio.call-status',
  '/hooks/twilio/inbound': 'twilio.inbound-message',
  '/hooks/twilio/gather': 'twilio.gather',
  '/hooks/elks/sms-status': 'elks.sms-status',
  '/hooks/elks/inbound': 'elks.inbound-sms',
  '/hooks/elks/call-hangup': 'elks.call-hangup',
  '/hooks/telegram': 'telegram.update',
};

export interface RelayStub extends CallFlowBackend {
  url: string;
  urls: {
    messageStatusUrl: string;
    callStatusUrl: string;
    inboundUrl: string;
    elksDeliveryReportUrl: string;
    elksInboundUrl: string;
    elksCallHangupUrl: string;
    telegramUrl: string;
  };
  received: number;
  close(): Promise<void>;
}

export async function startRelayStub(apply: (raw: RawWebhook) => void): Promise<RelayStub> {
  const flows = new Map<string, CallFlowRegistration>();
  let base = '';
  const stub = { received: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const u = new URL(req.url ?? '/', base);
      const form: Record<string, string | string[]> = {};
      for (const [k, v] of new URLSearchParams(raw)) {
        const prev = form[k];
        form[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
      }
      const query = Object.fromEntries(u.searchParams);
      const token = query.d ?? '';
      const xml = (body: string) => {
        res.writeHead(200, { 'content-type': 'text/xml' });
        res.end(body);
      };
      const gatherUrl = (flowId: string, attempt: number) =>
        `${base}/hooks/twilio/gather?d=${encodeURIComponent(token)}&f=${encodeURIComponent(flowId)}&a=${attempt}`.replace(/&/g, '&amp;');
      if (u.pathname.startsWith('/twiml/')) {
        const flowId = decodeURIComponent(u.pathname.slice('/twiml/'.length));
        const flow = flows.get(flowId);
        if (!flow) {
          res.writeHead(404).end();
          return;
        }
        xml(flow.documents.start.replaceAll(callFlowPlaceholders.gatherUrl, gatherUrl(flowId, 1)));
        return;
      }
      const kind = KINDS[u.pathname];
      if (!kind) {
        res.writeHead(404).end();
        return;
      }
      const webhook: RawWebhook = {
        kind,
        // Same callback delivered twice → same key, as the relay keys on the provider's event.
        eventKey: createHash('sha1')
          .update(`${req.url ?? ''}|${raw}`)
          .digest('hex'),
        receivedAt: new Date().toISOString(),
        query,
        // Telegram posts its updates as JSON; the others post forms.
        body: kind === 'telegram.update' ? (JSON.parse(raw) as Record<string, unknown>) : form,
      };
      try {
        apply(webhook);
        stub.received++;
      } catch (err) {
        res.writeHead(500).end((err as Error).message);
        return;
      }
      if (kind === 'twilio.gather') {
        const flow = flows.get(query.f ?? '');
        const attempt = Number(query.a ?? '1');
        const digits = typeof form.Digits === 'string' ? form.Digits : '';
        if (!flow) return xml('<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>');
        if (digits && flow.confirmDigits.includes(digits.slice(0, 1))) return xml(flow.documents.confirmed);
        if (attempt < flow.maxAttempts)
          return xml(flow.documents.retry.replaceAll(callFlowPlaceholders.gatherUrl, gatherUrl(query.f ?? '', attempt + 1)));
        return xml(flow.documents.goodbye);
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(stub, {
    url: base,
    urls: {
      messageStatusUrl: `${base}/hooks/twilio/message-status`,
      callStatusUrl: `${base}/hooks/twilio/call-status`,
      inboundUrl: `${base}/hooks/twilio/inbound`,
      elksDeliveryReportUrl: `${base}/hooks/elks/sms-status?s=stub-secret`,
      elksInboundUrl: `${base}/hooks/elks/inbound?s=stub-secret`,
      elksCallHangupUrl: `${base}/hooks/elks/call-hangup?s=stub-secret`,
      telegramUrl: `${base}/hooks/telegram`,
    },
    async registerFlow(flow: CallFlowRegistration) {
      flows.set(flow.flowId, flow);
      return { url: `${base}/twiml/${encodeURIComponent(flow.flowId)}` };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}
