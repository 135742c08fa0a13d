// The engine's view of the outside world (relay stream, configured providers), kept live
// by the engine's connectivity events, for the dashboard and the settings page.
import { useState } from 'react';
import type { ConnectivityStatus } from '@gdial/protocol';
import type { RpcError } from '../rpc/client';
import { useEvent, useQuery } from '../rpc/react';

export function useConnectivity(): { status: ConnectivityStatus | undefined; error: RpcError | undefined } {
  const q = useQuery('connectivity.status', {});
  const [pushed, setPushed] = useState<ConnectivityStatus>();
  useEvent('connectivity.changed', setPushed);
  return { status: pushed ?? q.data, error: q.error };
}
