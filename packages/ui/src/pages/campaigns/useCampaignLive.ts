// Everything the live view of one campaign needs, kept current: the campaign, its
// progress (pushed by the engine up to ten times a second), and the
// per-recipient report, re-read while progress keeps arriving: at most once a second, and
// for big campaigns no more often than every third reading's duration, so the roll-call
// never keeps the engine busy with itself.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Campaign, CampaignProgress, CampaignReport, RecipientReport } from '@gdial/protocol';
import type { RpcError } from '../../rpc/client';
import { useEvent, useRpc } from '../../rpc/react';

const REPORT_PAGE = 1000;
/** More recipients than this are not all held in the page; the CSV export has everyone. */
export const ROLL_CALL_LIMIT = 20_000;

export interface CampaignLive {
  campaign: Campaign | undefined;
  progress: CampaignProgress | undefined;
  recipients: RecipientReport[];
  truncated: boolean;
  report: Omit<CampaignReport, 'recipients' | 'nextCursor'> | undefined;
  error: RpcError | undefined;
  reload: () => void;
  setCampaign: (c: Campaign) => void;
}

export function useCampaignLive(id: number): CampaignLive {
  const rpc = useRpc();
  const [campaign, setCampaign] = useState<Campaign>();
  const [progress, setProgress] = useState<CampaignProgress>();
  const [recipients, setRecipients] = useState<RecipientReport[]>([]);
  const [report, setReport] = useState<CampaignLive['report']>();
  const [truncated, setTruncated] = useState(false);
  const [error, setError] = useState<RpcError>();
  const loading = useRef(false);
  const again = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastLoadMs = useRef(0);

  const loadReport = useCallback(async () => {
    if (loading.current) {
      again.current = true;
      return;
    }
    loading.current = true;
    const started = performance.now();
    try {
      do {
        again.current = false;
        const all: RecipientReport[] = [];
        let cursor: number | null = null;
        let head: CampaignReport | undefined;
        do {
          const page: CampaignReport = await rpc.call('campaigns.report', {
            id,
            limit: REPORT_PAGE,
            ...(cursor !== null ? { cursor } : {}),
          });
          head ??= page;
          all.push(...page.recipients);
          cursor = page.nextCursor;
        } while (cursor !== null && all.length < ROLL_CALL_LIMIT);
        if (head) {
          const { recipients: _r, nextCursor: _n, ...rest } = head;
          setReport(rest);
          setProgress((p) => (p && Date.parse(p.at) > Date.parse(rest.progress.at) ? p : rest.progress));
        }
        setRecipients(all);
        setTruncated(cursor !== null);
        setError(undefined);
      } while (again.current);
    } catch (e) {
      setError(e as RpcError);
    } finally {
      loading.current = false;
      lastLoadMs.current = performance.now() - started;
    }
  }, [rpc, id]);

  const scheduleReport = useCallback(() => {
    if (timer.current) return;
    timer.current = setTimeout(
      () => {
        timer.current = null;
        void loadReport();
      },
      Math.max(1000, 3 * lastLoadMs.current),
    );
  }, [loadReport]);

  const reload = useCallback(() => {
    rpc.call('campaigns.get', { id }).then(setCampaign, (e: RpcError) => setError(e));
    rpc.call('campaigns.progress', { id }).then(setProgress, (e: RpcError) => setError(e));
    void loadReport();
  }, [rpc, id, loadReport]);

  useEffect(() => {
    reload();
    return () => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
    };
  }, [reload]);

  useEvent('campaigns.progress', (p) => {
    if (p.campaignId !== id) return;
    setProgress(p);
    // The final numbers and the roll-call must agree at once, not a throttle period later.
    if (p.status === 'completed' || p.status === 'cancelled') void loadReport();
    else scheduleReport();
  });
  useEvent('campaigns.changed', (c) => {
    if (c.id !== id) return;
    rpc.call('campaigns.get', { id }).then(setCampaign, (e: RpcError) => setError(e));
    void loadReport();
  });

  return { campaign, progress, recipients, truncated, report, error, reload, setCampaign };
}
