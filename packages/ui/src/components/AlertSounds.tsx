// Plays the start cue (see alertSound.ts) when an alert starts — started here, or on another
// desktop of the organisation, or by a second operator's approval — and offers the switch
// that turns the cues off on this desktop. Statuses are known from the alert list when the
// console opens, so only a change seen meanwhile counts as a start.
import { Button } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import type { CampaignStatus } from '@gdial/protocol';
import { useT } from '../i18n';
import { useEvent, useRpc } from '../rpc/react';
import { isStart, playCue, setSoundsOn, soundsOn } from './alertSound';

const dict = {
  sv: { on: 'Ljud på', off: 'Ljud av', label: 'Ljud när ett larm startar (olika för skarpt larm och TEST)' },
  en: { on: 'Sound on', off: 'Sound off', label: 'Sound when an alert starts (different for a live alert and a TEST)' },
};

const JUST_STARTED_MS = 15_000;

let shared: AudioContext | null = null;
const audio = (): AudioContext | null => {
  if (typeof AudioContext === 'undefined') return null;
  shared ??= new AudioContext();
  // A context made before the operator touched the page starts suspended (autoplay rules).
  if (shared.state === 'suspended') void shared.resume().catch(() => {});
  return shared;
};

export function AlertSounds() {
  const t = useT(dict);
  const rpc = useRpc();
  const [on, setOn] = useState(soundsOn);
  const statuses = useRef(new Map<number, CampaignStatus>());

  useEffect(() => {
    let live = true;
    rpc.call('campaigns.list', {}).then(
      ({ campaigns }) => {
        if (!live) return;
        for (const c of campaigns) if (!statuses.current.has(c.id)) statuses.current.set(c.id, c.status);
      },
      () => {},
    );
    return () => {
      live = false;
    };
  }, [rpc]);

  useEvent('campaigns.changed', ({ id, status }) => {
    const before = statuses.current.get(id);
    statuses.current.set(id, status);
    // An alert not seen before (made and started at once, as a test run is) counts when it started just now.
    if (status !== 'running' || (before !== undefined && !isStart(before, status)) || !soundsOn()) return;
    rpc.call('campaigns.get', { id }).then(
      (c) => {
        const fresh = c.startedAt !== null && Date.now() - Date.parse(c.startedAt) < JUST_STARTED_MS;
        if (before === undefined && !fresh) return;
        const ctx = audio();
        if (ctx) playCue(c.testMode ? 'test' : 'live', ctx);
      },
      () => {},
    );
  });

  return (
    <Button
      variant="default"
      size="compact-sm"
      aria-pressed={on}
      aria-label={t('label')}
      title={t('label')}
      onClick={() => {
        setSoundsOn(!on);
        setOn(!on);
      }}
    >
      {t(on ? 'on' : 'off')}
    </Button>
  );
}
