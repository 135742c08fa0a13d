import { describe, expect, it } from 'vitest';
import { translate } from '../src/i18n';

const dict = {
  sv: { members: '{n} {n|medlem|medlemmar}', start: 'Starta larm till {n} {n|person|personer}', plain: 'Hej {name}' },
  en: { members: '{n} {n|member|members}', start: 'Start alert to {n} {n|person|people}', plain: 'Hi {name}' },
};

describe('plural forms in the dictionaries', () => {
  it('says "1 medlem" and "3 medlemmar", also for formatted numbers', () => {
    const t = translate(dict, 'sv');
    expect(t('members', { n: 1 })).toBe('1 medlem');
    expect(t('members', { n: 3 })).toBe('3 medlemmar');
    expect(t('members', { n: 0 })).toBe('0 medlemmar');
    expect(t('start', { n: '1 234' })).toBe('Starta larm till 1 234 personer');
    expect(t('start', { n: '1' })).toBe('Starta larm till 1 person');
    expect(translate(dict, 'en')('start', { n: 1 })).toBe('Start alert to 1 person');
  });

  it('leaves a plural whose value is not given, and plain placeholders work as before', () => {
    const t = translate(dict, 'sv');
    expect(t('members', {})).toBe('{n} {n|medlem|medlemmar}');
    expect(t('plain', { name: 'Anna' })).toBe('Hej Anna');
    expect(t('plain')).toBe('Hej {name}');
  });
});
