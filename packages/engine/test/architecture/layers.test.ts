// The layer rules of eslint.layers.js refuse what they should: each case lints a small
// source text placed (virtually) in one layer that imports a real module of a layer above
// it, with the same zones the workspace lint uses (scripts/layer-violations.mjs), and
// expects the rule to fire; the allowed direction is linted too and must pass.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type Case = [what: string, file: string, module: string, name: string];
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const { layerCases } = (await import(pathToFileURL(path.join(root, 'scripts/layer-violations.mjs')).href)) as {
  layerCases: (title: string, cases: { refused: Case[]; allowed: Case[] }) => void;
};

const src = (file: string) => `packages/engine/src/${file}`;

layerCases('engine layers', {
  refused: [
    ['store imports a domain', src('store/fixture.ts'), '../campaigns/service', 'CampaignService'],
    ['store imports a service', src('store/fixture.ts'), '../services/system', 'SystemService'],
    ['a domain imports an RPC handler', src('contacts/fixture.ts'), '../rpc/handlers', 'createHandlers'],
    ['a domain imports the composition root', src('campaigns/fixture.ts'), '../services', 'buildServices'],
    ['a service imports an RPC handler', src('services/fixture.ts'), '../rpc/handlers', 'createHandlers'],
    ['an RPC handler imports the engine entry', src('rpc/fixture.ts'), '../engine', 'startEngine'],
  ],
  allowed: [
    ['an RPC handler imports the composition root', src('rpc/fixture.ts'), '../services', 'buildServices'],
    ['a service imports a domain', src('services/fixture.ts'), '../campaigns/service', 'CampaignService'],
    ['a domain imports the store', src('campaigns/fixture.ts'), '../store/db', 'openStore'],
  ],
});
