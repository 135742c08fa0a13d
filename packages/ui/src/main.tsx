// Entry of the console in a browser or an Electron window. Small and without React, so it runs
// as soon as it arrives: it connects to the engine, asks for the opening page's first data and
// fetches that page's code, then loads the console itself (React, Mantine, the frame:
// console.tsx), which renders with the same connection. The code, the connection and the
// data travel at once instead of one after the other.
import { pageOf } from './pages/pageList';
import { parseHash } from './route';
import { RpcClient, messagePortChannel, webSocketChannel, type ChannelFactory } from './rpc/client';

async function channel(): Promise<ChannelFactory> {
  if (window.gdial) return messagePortChannel(await window.gdial.enginePort());
  const proto = location.protocol === 'https:' ? 'wss' : 'ws';
  return webSocketChannel(`${proto}://${location.host}/rpc`);
}

const client = new RpcClient(await channel());
const route = parseHash(window.location.hash);
const opening = pageOf(route);
opening.prefetch?.(client, route);
// A page whose code cannot load says so when shown (registry.tsx); nothing to add here.
opening.preload().catch(() => {});
const { startConsole } = await import('./console');
startConsole(client);
