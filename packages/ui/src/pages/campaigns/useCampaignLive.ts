// Everything the live view of one campaign needs, kept current: the campaign, its
// progress (pushed by the engine up to ten times a second, shown once per animation
// frame), and the roll-call: everyone, read once without the deliveries' histories, then
// kept current by reading only the people changed since the last answer (the engine's
// roll-call watermark) while progress keeps arriving, at most twice a second, and never more
// often than five times the last reading took (on a busy machine a reading of a few hundred
// changed people takes the engine's thread a few hundred milliseconds it needs for sending and
// for the operator's buttons; the counts above keep coming with the progress). While an action
// on the alert (Pausa, Fortsätt) waits for the engine, no roll-call read is sent: the engine
// reads the button's request first, and its answer does not queue behind a page of lines.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Campaign, CampaignProgress, CampaignReport, RecipientReport, RollCallWatermark } from '@gdial/protocol';
import type { RpcError } from '../../rpc/client';
import { useEvent, useRpc } from '../../rpc/react';
import { mergeChanged } from './rollCall';

const REPORT_PAGE = 1000;
/** The roll-call's changes are read at most this often while an alert runs. */
const CHANGES_EVERY_MS = 500;
/** …and never more often than this many times the last reading's duration. */
const CHANGES_SHARE = 5;

export interface CampaignLive {
  campaign: Campaign | undefined;
  progress: CampaignProgress | undefined;
  /** Everyone, in the order they were added; a new array whenever someone's line changed. */
  recipients: RecipientReport[];
  report: Omit<CampaignReport, 'recipients' | 'nextCursor' | 'watermark'> | undefined;
  error: RpcError | undefined;
  reload: () => void;
  setCampaign: (c: Campaign) => void;
  /**
   * The engine's answer to an action on the alert (Pausa, Fortsätt): shown at once, its status
   * over the progress shown until newer progress comes (progress read before the answer, still
   * on its way or waiting for its frame, cannot turn it back).
   */
  applyAnswer: (c: Campaign) => void;
  /** Runs an action on the alert with the roll-call's reads held until it is answered. */
  control: <T>(call: () => Promise<T>) => Promise<T>;
}

export function useCampaignLive(id: number): CampaignLive {
  const rpc = useRpc();
  const [campaign, setCampaign] = useState<Campaign>();
  const [progress, setProgress] = useState<CampaignProgress>();
  const [recipients, setRecipients] = useState<RecipientReport[]>([]);
  const [report, setReport] = useState<CampaignLive['report']>();
  const [error, setError] = useState<RpcError>();
  /** Everyone in id order, where each is in that list, and where the roll-call stood at the last answer. */
  const people = useRef<RecipientReport[]>([]);
  const place = useRef<ReadonlyMap<number, number>>(new Map());
  const watermark = useRef<RollCallWatermark | null>(null);
  const loading = useRef(false);
  /** How long the last reading of the changes took (ms), from its first request to its last answer. */
  const lastReadMs = useRef(0);
  const again = useRef<'all' | 'changes' | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const frame = useRef<number | null>(null);
  const pendingProgress = useRef<CampaignProgress | null>(null);
  /** How many action answers have been applied: progress asked for before the last one is older than it. */
  const answers = useRef(0);
  /** Actions waiting for the engine's answer: reads wait for them. */
  const controls = useRef(0);

  /** Reads everyone ('all') or those changed since the watermark ('changes'), page by page. */
  const read = useCallback(
    async (what: 'all' | 'changes') => {
      if (loading.current || controls.current > 0) {
        if (again.current !== 'all') again.current = what;
        return;
      }
      loading.current = true;
      try {
        let next: 'all' | 'changes' | null = what;
        while (next) {
          again.current = null;
          const since = next === 'changes' ? watermark.current : null;
          const changed: RecipientReport[] = [];
          let cursor: number | null = null;
          let head: CampaignReport | undefined;
          const answersBefore = answers.current;
          const started = performance.now();
          do {
            const page: CampaignReport = await rpc.call('campaigns.report', {
              id,
              events: false,
              limit: REPORT_PAGE,
              ...(since ? { changedSince: since } : {}),
              ...(cursor !== null ? { cursor } : {}),
            });
            head ??= page;
            changed.push(...page.recipients);
            cursor = page.nextCursor;
          } while (cursor !== null);
          if (since) lastReadMs.current = performance.now() - started;
          if (head) {
            const { recipients: _r, nextCursor: _n, watermark: w, ...rest } = head;
            watermark.current = w ?? null;
            setReport(rest);
            // Progress asked for before an action's answer keeps the answer's status.
            setProgress((p) =>
              p && Date.parse(p.at) > Date.parse(rest.progress.at)
                ? p
                : answersBefore !== answers.current && p
                  ? { ...rest.progress, status: p.status }
                  : rest.progress,
            );
          }
          if (!since || changed.length > 0) {
            const merged = mergeChanged(since ? people.current : [], since ? place.current : new Map(), changed);
            people.current = merged.list;
            place.current = merged.place;
            setRecipients(merged.list);
          }
          setError(undefined);
          // Asked for again meanwhile: read now, or after the action's answer (control).
          next = controls.current > 0 ? null : again.current;
        }
      } catch (e) {
        setError(e as RpcError);
      } finally {
        loading.current = false;
      }
    },
    [rpc, id],
  );

  const scheduleChanges = useCallback(() => {
    if (timer.current) return;
    timer.current = setTimeout(
      () => {
        timer.current = null;
        void read(watermark.current ? 'changes' : 'all');
      },
      Math.max(CHANGES_EVERY_MS, CHANGES_SHARE * lastReadMs.current),
    );
  }, [read]);

  const reload = useCallback(() => {
    rpc.call('campaigns.get', { id }).then(setCampaign, (e: RpcError) => setError(e));
    rpc.call('campaigns.progress', { id }).then(setProgress, (e: RpcError) => setError(e));
    void read('all');
  }, [rpc, id, read]);

  useEffect(() => {
    reload();
    return () => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = null;
      if (frame.current !== null) cancelAnimationFrame(frame.current);
      frame.current = null;
    };
  }, [reload]);

  useEvent('campaigns.progress', (p) => {
    if (p.campaignId !== id) return;
    // However often progress comes, the page redraws it once per frame.
    pendingProgress.current = p;
    frame.current ??= requestAnimationFrame(() => {
      frame.current = null;
      const latest = pendingProgress.current;
      pendingProgress.current = null;
      if (latest) setProgress(latest);
    });
    // The final numbers and the roll-call must agree at once, not a throttle period later.
    if (p.status === 'completed' || p.status === 'cancelled') void read(watermark.current ? 'changes' : 'all');
    else scheduleChanges();
  });
  useEvent('campaigns.changed', (c) => {
    if (c.id !== id) return;
    rpc.call('campaigns.get', { id }).then(setCampaign, (e: RpcError) => setError(e));
    void read(watermark.current ? 'changes' : 'all');
  });

  const applyAnswer = useCallback((c: Campaign) => {
    answers.current++;
    // Pushed before the answer (the engine's messages arrive in order): older than it.
    pendingProgress.current = null;
    setCampaign(c);
    setProgress((p) => (p ? { ...p, status: c.status } : p));
  }, []);

  const control = useCallback(
    async <T>(call: () => Promise<T>): Promise<T> => {
      controls.current++;
      try {
        return await call();
      } finally {
        controls.current--;
        const held = again.current;
        if (controls.current === 0 && held && !loading.current) {
          again.current = null;
          void read(held);
        }
      }
    },
    [read],
  );

  return { campaign, progress, recipients, report, error, reload, setCampaign, applyAnswer, control };
}
