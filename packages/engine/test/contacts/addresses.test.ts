// Addresses and consent on contacts: stored and read back, validated with the field named,
// consent recorded by the signed-in user and audited, exported with the GDPR export; and the
// SWEREF 99 TM → WGS 84 conversion import files need, against published reference points.
import { describe, expect, it } from 'vitest';
import { distanceMetres } from '@gdial/protocol';
import { isSwerefInSweden, swerefToWgs84 } from '../../src/contacts/sweref';
import { DomainError } from '../../src/errors';
import { testContext } from './helpers';

const refusal = (fn: () => unknown): DomainError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
};

describe('addresses', () => {
  it('stores street, postcode, town, municipality and coordinates, and clears them', () => {
    const t = testContext();
    const c = t.contacts.create({
      firstName: 'Åsa',
      address: { street: 'Storgatan 1', postcode: '411 01', town: 'Göteborg', municipality: 'Göteborg', lat: 57.7072, lon: 11.9668 },
    });
    expect(c.address).toEqual({
      street: 'Storgatan 1',
      postcode: '41101',
      town: 'Göteborg',
      municipality: 'Göteborg',
      lat: 57.7072,
      lon: 11.9668,
    });
    const box = t.store.sqlite.prepare('SELECT min_lat, min_lon FROM contacts_geo WHERE id = ?').get(c.id) as {
      min_lat: number;
      min_lon: number;
    };
    // The R*Tree keeps 32-bit floats: within a few centimetres.
    expect(box.min_lat).toBeCloseTo(57.7072, 4);
    expect(box.min_lon).toBeCloseTo(11.9668, 4);
    const moved = t.contacts.update(c.id, { address: { street: 'Nygatan 2', postcode: '', town: 'Mölndal' } });
    expect(moved.address).toEqual({ street: 'Nygatan 2', postcode: null, town: 'Mölndal', municipality: null, lat: null, lon: null });
    expect(t.store.sqlite.prepare('SELECT count(*) FROM contacts_geo').pluck().get()).toBe(0);
    expect(t.contacts.update(c.id, { role: 'Chef' }).address.street).toBe('Nygatan 2');
    t.contacts.delete([c.id]);
    expect(t.store.sqlite.prepare('SELECT count(*) FROM contacts_geo').pluck().get()).toBe(0);
  });

  it('refuses a bad postcode or half a coordinate, naming the field, and writes nothing', () => {
    const t = testContext();
    const postcode = refusal(() => t.contacts.create({ firstName: 'A', address: { postcode: '4110' } }));
    expect((postcode.details as { path: string }[]).map((i) => i.path)).toEqual(['address.postcode']);
    const half = refusal(() => t.contacts.create({ firstName: 'A', address: { lat: 57.7 } }));
    expect((half.details as { path: string }[]).map((i) => i.path)).toEqual(['address.lon']);
    expect(t.store.sqlite.prepare('SELECT count(*) FROM contacts').pluck().get()).toBe(0);
  });
});

describe('consent', () => {
  it('records when and how consent was given and who recorded it, audited and in the GDPR export', () => {
    const t = testContext();
    const c = t.contacts.create({ firstName: 'Bo', consents: [{ channel: 'sms', givenAt: '2026-03-01', method: 'form' }] });
    expect(c.consents).toEqual([{ channel: 'sms', givenAt: '2026-03-01', method: 'form', note: null, recordedBy: 'Testoperatör' }]);
    // Someone else adds a verbal consent for e-mail; the SMS consent keeps who recorded it.
    t.ctx.operator = () => 'Annan operatör';
    const updated = t.contacts.update(c.id, {
      consents: [
        { channel: 'email', givenAt: '2026-04-02', method: 'verbal', note: 'i telefon' },
        { channel: 'sms', givenAt: '2026-03-01', method: 'form' },
      ],
    });
    expect(updated.consents).toEqual([
      { channel: 'sms', givenAt: '2026-03-01', method: 'form', note: null, recordedBy: 'Testoperatör' },
      { channel: 'email', givenAt: '2026-04-02', method: 'verbal', note: 'i telefon', recordedBy: 'Annan operatör' },
    ]);
    const audit = t.store.sqlite.prepare("SELECT actor, summary FROM audit_log WHERE action = 'contact.updated' ORDER BY id").all() as {
      actor: string;
      summary: string;
    }[];
    expect(audit).toEqual([{ actor: 'Annan operatör', summary: `Updated contact #${c.id}: consents` }]);
    const out = t.contacts.exportPersonalData(c.id);
    expect(out.contact.consents.map((x) => `${x.channel} ${x.method} ${x.recordedBy}`)).toEqual([
      'sms form Testoperatör',
      'email verbal Annan operatör',
    ]);
    // Withdrawn: the list without it.
    expect(t.contacts.update(c.id, { consents: [] }).consents).toEqual([]);
  });

  it('refuses two consents for one channel and a date that is not one', () => {
    const t = testContext();
    const twice = refusal(() =>
      t.contacts.create({
        firstName: 'C',
        consents: [
          { channel: 'sms', givenAt: '2026-03-01', method: 'form' },
          { channel: 'sms', givenAt: '2026-03-02', method: 'verbal' },
        ],
      }),
    );
    expect((twice.details as { path: string }[]).map((i) => i.path)).toEqual(['consents']);
    const date = refusal(() => t.contacts.create({ firstName: 'C', consents: [{ channel: 'sms', givenAt: 'igår', method: 'form' }] }));
    expect((date.details as { path: string }[]).map((i) => i.path)).toEqual(['consents.0.givenAt']);
  });
});

describe('SWEREF 99 TM to WGS 84', () => {
  it('converts Stockholm Central Station to its published coordinates', () => {
    // Stockholm Central Station: SWEREF 99 TM N 6 580 822, E 674 032 ↔ WGS 84 59.330231 N,
    // 18.059196 E, as read from Eniro's map (kartor.eniro.se) and used as the reference point
    // of the MightyLittleGeodesy project's Gauss–Krüger tests. Given in whole metres: within a
    // metre, 1e-5° of latitude and 2e-5° of longitude there.
    const p = swerefToWgs84(6_580_822, 674_032);
    expect(Math.abs(p.lat - 59.330231)).toBeLessThan(1e-5);
    expect(Math.abs(p.lon - 18.059196)).toBeLessThan(2e-5);
  });

  it('puts the false easting on the central meridian, 15° E, by the definition of EPSG:3006', () => {
    expect(swerefToWgs84(6_650_000, 500_000).lon).toBeCloseTo(15, 9);
    // Symmetric about it: 100 km east and west are as far from 15° E.
    const east = swerefToWgs84(6_650_000, 600_000);
    const west = swerefToWgs84(6_650_000, 400_000);
    expect(east.lon - 15).toBeCloseTo(15 - west.lon, 6);
    expect(east.lat).toBeCloseTo(west.lat, 6);
  });

  it('knows a pair in Sweden from swapped axes or WGS 84 degrees', () => {
    expect(isSwerefInSweden(6_580_822, 674_032)).toBe(true);
    expect(isSwerefInSweden(674_032, 6_580_822)).toBe(false);
    expect(isSwerefInSweden(59.33, 18.06)).toBe(false);
  });
});

describe('areas as an audience', () => {
  it('counts a contact on the polygon edge or corner, or exactly on the circle, as inside', () => {
    const t = testContext();
    const at = (name: string, lon: number | null, lat: number | null, extra: object = {}) =>
      t.contacts.create({ firstName: name, address: { lon, lat, ...extra } }).id;
    const corner = at('Hörn', 11.96, 57.7);
    const edge = at('Kant', 11.9625, 57.7);
    const inside = at('Inne', 11.962, 57.702);
    const outside = at('Ute', 11.966, 57.702);
    const none = at('Utan', null, null, { municipality: 'Göteborg', postcode: '41101' });
    const square = {
      shape: 'polygon' as const,
      ring: [
        [11.96, 57.7],
        [11.965, 57.7],
        [11.965, 57.705],
        [11.96, 57.705],
      ] as [number, number][],
    };
    const members = (area: object, negate = false) =>
      t.segments
        .preview({ match: 'all', rules: [{ kind: 'area', area, negate } as never] }, 50)
        .members.map((m) => m.id)
        .sort((a, b) => a - b);
    expect(members(square)).toEqual([corner, edge, inside]);
    // Outside: everyone else, those without coordinates too.
    expect(members(square, true)).toEqual([outside, none]);
    // The circle through the edge point: exactly on it is inside.
    const metres = distanceMetres([11.96, 57.7], [11.9625, 57.7]);
    expect(members({ shape: 'radius', centre: [11.96, 57.7], metres, label: null })).toEqual([corner, edge]);
    expect(members({ shape: 'radius', centre: [11.96, 57.7], metres: metres - 0.01, label: null })).toEqual([corner]);
    expect(members({ shape: 'municipality', municipalities: [' göteborg'] })).toEqual([none]);
    expect(members({ shape: 'postcode', postcodes: ['411 01'] })).toEqual([none]);
  });
});
