import { describe, expect, it } from 'vitest';
import { templateFieldsSchema, type Template } from '@gdial/protocol';
import {
  emptyForm,
  fieldsFromForm,
  fillWithSamples,
  formFromTemplate,
  htmlFromText,
  insertVariable,
  usedVariables,
  usedVariablesInForm,
} from '../src/pages/templates/templateForm';

describe('template form', () => {
  it('inserts a variable in place of the selection and puts the cursor after it', () => {
    expect(insertVariable('Hej !', 4, 4, 'first_name')).toEqual({ text: 'Hej {{first_name}}!', cursor: 18 });
    expect(insertVariable('Hej NAMN!', 4, 8, 'first_name').text).toBe('Hej {{first_name}}!');
    expect(insertVariable('abc', 99, 200, 'date')).toEqual({ text: 'abc{{date}}', cursor: 11 });
  });

  it('lists variables in order of first use, including custom fields', () => {
    expect(usedVariables('{{ first_name }}, {{custom.unit}} – {{first_name}} {{date}}')).toEqual(['first_name', 'custom.unit', 'date']);
    expect(usedVariables('no variables {here}')).toEqual([]);
  });

  it('leaves out empty channels and languages and keeps only fallbacks still in use', () => {
    const f = emptyForm();
    f.name = 'Brandlarm';
    f.sv.sms = 'Hej {{first_name}}, svara 1.';
    f.sv.voiceMode = 'tts';
    f.sv.voiceScript = 'Hej. Tryck 1.';
    f.fallbacks = { first_name: 'du', role: 'x', organisation: '' };
    const fields = fieldsFromForm(f);
    expect(fields.variants.en).toBeUndefined();
    expect(fields.variants.sv).toEqual({ sms: 'Hej {{first_name}}, svara 1.', voice: { kind: 'tts', script: 'Hej. Tryck 1.' } });
    expect(fields.fallbacks).toEqual({ first_name: 'du' });
    expect(templateFieldsSchema.safeParse(fields).success).toBe(true);
  });

  it('makes the e-mail HTML from the text, escaped', () => {
    expect(htmlFromText('Hej <Anna>\nrad två\n\nStycke & mer')).toBe('<p>Hej &lt;Anna&gt;<br>rad två</p>\n<p>Stycke &amp; mer</p>');
  });

  it('round-trips a stored template', () => {
    const t: Template = {
      id: 1,
      name: 'T',
      description: null,
      status: 'approved',
      approvedBy: 'K',
      approvedAt: '2026-01-01T00:00:00Z',
      variables: [],
      channels: ['voice', 'email'],
      createdAt: '',
      updatedAt: '',
      fallbacks: {},
      variants: { sv: { voice: { kind: 'audio', audioId: 'rec-1' }, email: { subject: 'S', text: 'T', html: '<p>T</p>' } } },
    };
    const f = formFromTemplate(t);
    expect(f.sv.voiceMode).toBe('audio');
    expect(fieldsFromForm(f).variants.sv).toEqual({
      voice: { kind: 'audio', audioId: 'rec-1' },
      email: { subject: 'S', text: 'T', html: '<p>T</p>' },
    });
    expect(usedVariablesInForm(f)).toEqual([]);
  });

  it('fills a script with fallbacks first, then examples, for listening', () => {
    const now = new Date('2026-06-14T14:05:00');
    expect(
      fillWithSamples('Hej {{first_name}} på {{organisation}}, {{custom.enhet}} kl {{time}}', { organisation: 'kommunen' }, 'sv', now),
    ).toBe('Hej Anna på kommunen, enhet kl 14:05');
  });
});
