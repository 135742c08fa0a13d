// A prepared SMS alert to N imported people ("Person 00001" … with numbers 070…), started
// through the engine's RPC the way the console would: the setup the roll-call's browser
// test and the ui-rollcall benchmark share. Returns the started alert's id.
export type RpcCall = <T>(method: string, params: unknown) => Promise<T>;

export async function startAlertToImportedPeople(call: RpcCall, people: number): Promise<number> {
  const lines = ['Förnamn;Efternamn;Mobil;Grupp'];
  for (let i = 1; i <= people; i++) lines.push(`Person;${String(i).padStart(5, '0')};070${String(i).padStart(7, '0')};Alla`);
  const preview = await call<{ importId: string }>('contacts.import.preview', {
    source: { kind: 'inline', fileName: 'kontakter.csv', dataBase64: Buffer.from(lines.join('\r\n'), 'utf8').toString('base64') },
  });
  await call('contacts.import.run', { importId: preview.importId, onDuplicate: 'update' });
  const { groups } = await call<{ groups: { id: number; name: string }[] }>('groups.list', {});
  const group = groups.find((g) => g.name === 'Alla')!;
  const template = await call<{ id: number }>('templates.create', { name: 'Larm', variants: { sv: { sms: 'Larm. Svara 1.' } } });
  await call('templates.approve', { id: template.id });
  const prepared = await call<{ id: string }>('preparedAlerts.save', {
    fields: { name: 'Alla – larm', templateId: template.id, audience: { groupIds: [group.id] }, steps: [{ channel: 'sms' }] },
  });
  return (await call<{ id: number }>('preparedAlerts.use', { id: prepared.id })).id;
}
