// Message templates: templates (name, fallbacks, approval) and template_contents (one row
// per language × channel). The row types, the converter from a template's rows to its
// stored form (TemplateData), and every write; writes take the service's transaction and
// record exactly the rows they changed, the contents a template's deletion removes with
// it included. Prepared statements only.
import type { Channel, ContactLanguage, TemplateContent } from '@gdial/protocol';
import type { Reader, Tx } from './db';

/** A row of templates as SQLite returns it. */
export interface TemplateRow {
  id: number;
  name: string;
  description: string | null;
  /** JSON: variable → text used when a contact has no value. */
  fallbacks: string;
  status: 'draft' | 'approved';
  approved_by: string | null;
  approved_at: string | null;
  /** The user id of who wrote the current text (created or last changed it). */
  written_by: string | null;
  created_at: string;
  updated_at: string;
}

/** A row of template_contents as SQLite returns it. */
export interface TemplateContentRow {
  template_id: number;
  language: ContactLanguage;
  channel: Channel;
  text: string | null;
  subject: string | null;
  html: string | null;
  audio_id: string | null;
  voice_id: string | null;
  content_sid: string | null;
  content_name: string | null;
  /** JSON: numbered content variable → GDial text. */
  content_variables: string | null;
}

/** A template as the campaign engine uses it: its rows read into one value. */
export interface TemplateData {
  id: number;
  name: string;
  status: 'draft' | 'approved';
  fallbacks: Record<string, string>;
  variants: { sv?: TemplateContent; en?: TemplateContent };
}

/** A template with the columns only the console shows. */
export interface StoredTemplate extends TemplateData {
  description: string | null;
  approvedBy: string | null;
  approvedAt: string | null;
  /** The user id of who wrote the current text: they cannot approve it (two-person rule). */
  writtenBy: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A template's editable fields, validated. */
export interface TemplateValues {
  name: string;
  description: string | null;
  fallbacks: Record<string, string>;
  variants: { sv?: TemplateContent; en?: TemplateContent };
}

/** The converter: a template's row and its content rows to the stored template. */
export function toStoredTemplate(row: TemplateRow, parts: readonly TemplateContentRow[]): StoredTemplate {
  const variants: TemplateData['variants'] = {};
  for (const p of parts) {
    const c: TemplateContent = (variants[p.language] ??= {});
    switch (p.channel) {
      case 'sms':
        c.sms = p.text ?? '';
        break;
      case 'whatsapp':
        if (p.text !== null) c.whatsapp = p.text;
        if (p.content_sid !== null)
          c.whatsappContent = {
            contentSid: p.content_sid,
            name: p.content_name ?? p.content_sid,
            variables: p.content_variables ? (JSON.parse(p.content_variables) as Record<string, string>) : {},
          };
        break;
      case 'telegram':
        c.telegram = p.text ?? '';
        break;
      case 'email':
        c.email = { subject: p.subject ?? '', html: p.html ?? '', text: p.text ?? '' };
        break;
      case 'voice':
        c.voice = p.audio_id
          ? { kind: 'audio', audioId: p.audio_id }
          : { kind: 'tts', script: p.text ?? '', ...(p.voice_id ? { voiceId: p.voice_id } : {}) };
        break;
      default: {
        const never: never = p.channel;
        throw new Error(`unknown channel ${String(never)}`);
      }
    }
  }
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    fallbacks: JSON.parse(row.fallbacks) as Record<string, string>,
    variants,
    description: row.description,
    approvedBy: row.approved_by,
    approvedAt: row.approved_at,
    writtenBy: row.written_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const ONE = 'SELECT * FROM templates WHERE id = ?';
const CONTENTS = 'SELECT * FROM template_contents WHERE template_id = ? ORDER BY rowid';

// ── reads ──

export function getTemplate(r: Reader, id: number): StoredTemplate | null {
  const row = r.statements.get<[number], TemplateRow>(ONE).get(id);
  if (!row) return null;
  return toStoredTemplate(row, r.statements.get<[number], TemplateContentRow>(CONTENTS).all(id));
}

/** Every template id, by name. */
export function listTemplateIds(r: Reader): number[] {
  return r.statements.pluck<[], number>('SELECT id FROM templates ORDER BY name').all();
}

export function templateExists(r: Reader, id: number): boolean {
  return r.statements.pluck<[number], number>('SELECT 1 FROM templates WHERE id = ?').get(id) !== undefined;
}

// ── writes ──

const CONTENT_COLUMNS = ['text', 'subject', 'html', 'audio_id', 'voice_id', 'content_sid', 'content_name', 'content_variables'] as const;
type ContentValues = Pick<TemplateContentRow, (typeof CONTENT_COLUMNS)[number]>;

/** The content rows of a template's variants, by language and channel. */
function contentRows(variants: TemplateValues['variants']): Map<string, ContentValues> {
  const rows = new Map<string, ContentValues>();
  const put = (language: ContactLanguage, channel: Channel, v: Partial<ContentValues>) =>
    rows.set(`${language}\u0000${channel}`, {
      text: null,
      subject: null,
      html: null,
      audio_id: null,
      voice_id: null,
      content_sid: null,
      content_name: null,
      content_variables: null,
      ...v,
    });
  for (const language of ['sv', 'en'] as const) {
    const c = variants[language];
    if (!c) continue;
    if (c.sms !== undefined) put(language, 'sms', { text: c.sms });
    if (c.whatsapp !== undefined || c.whatsappContent)
      put(language, 'whatsapp', {
        text: c.whatsapp ?? null,
        ...(c.whatsappContent
          ? {
              content_sid: c.whatsappContent.contentSid,
              content_name: c.whatsappContent.name,
              content_variables: JSON.stringify(c.whatsappContent.variables),
            }
          : {}),
      });
    if (c.telegram !== undefined) put(language, 'telegram', { text: c.telegram });
    if (c.email) put(language, 'email', { text: c.email.text, subject: c.email.subject, html: c.email.html });
    if (c.voice?.kind === 'tts') put(language, 'voice', { text: c.voice.script, voice_id: c.voice.voiceId ?? null });
    if (c.voice?.kind === 'audio') put(language, 'voice', { audio_id: c.voice.audioId });
  }
  return rows;
}

/** Makes a template's contents exactly these variants: rows that stay the same are left alone. */
function writeContents(tx: Tx, templateId: number, variants: TemplateValues['variants']): void {
  const st = tx.statements;
  const want = contentRows(variants);
  const have = new Map(
    st
      .get<[number], TemplateContentRow>(CONTENTS)
      .all(templateId)
      .map((r) => [`${r.language}\u0000${r.channel}`, r]),
  );
  for (const [k, old] of have) {
    if (want.has(k)) continue;
    st.get('DELETE FROM template_contents WHERE template_id = ? AND language = ? AND channel = ?').run(
      templateId,
      old.language,
      old.channel,
    );
    tx.changes.record('template_contents', [templateId, old.language, old.channel], 'delete');
  }
  for (const [k, v] of want) {
    const [language, channel] = k.split('\u0000') as [ContactLanguage, Channel];
    const old = have.get(k);
    const values = { template_id: templateId, language, channel, ...v };
    if (!old) {
      st.get(
        `INSERT INTO template_contents (template_id, language, channel, text, subject, html, audio_id, voice_id, content_sid, content_name, content_variables)
         VALUES (@template_id, @language, @channel, @text, @subject, @html, @audio_id, @voice_id, @content_sid, @content_name, @content_variables)`,
      ).run(values);
      tx.changes.record('template_contents', [templateId, language, channel], 'insert');
    } else if (CONTENT_COLUMNS.some((c) => old[c] !== v[c])) {
      st.get(
        `UPDATE template_contents SET text = @text, subject = @subject, html = @html, audio_id = @audio_id, voice_id = @voice_id,
                content_sid = @content_sid, content_name = @content_name, content_variables = @content_variables
          WHERE template_id = @template_id AND language = @language AND channel = @channel`,
      ).run(values);
      tx.changes.record('template_contents', [templateId, language, channel], 'update', CONTENT_COLUMNS);
    }
  }
}

export function insertTemplate(tx: Tx, v: TemplateValues): number {
  const id = Number(
    tx.statements
      .get<[string, string | null, string]>('INSERT INTO templates (name, description, fallbacks) VALUES (?, ?, ?)')
      .run(v.name, v.description, JSON.stringify(v.fallbacks)).lastInsertRowid,
  );
  tx.changes.record('templates', [id], 'insert');
  writeContents(tx, id, v.variants);
  return id;
}

/** Any edit returns the template to draft: what was approved is no longer what would be sent. False when it does not exist. */
export function updateTemplate(tx: Tx, id: number, v: TemplateValues, now: string): boolean {
  const changed = tx.statements
    .get<[string, string | null, string, string, number]>(
      "UPDATE templates SET name = ?, description = ?, fallbacks = ?, status = 'draft', approved_by = NULL, approved_at = NULL, updated_at = ? WHERE id = ?",
    )
    .run(v.name, v.description, JSON.stringify(v.fallbacks), now, id).changes;
  if (changed === 0) return false;
  tx.changes.record('templates', [id], 'update', [
    'name',
    'description',
    'fallbacks',
    'status',
    'approved_by',
    'approved_at',
    'updated_at',
  ]);
  writeContents(tx, id, v.variants);
  return true;
}

/** Names who wrote the template's current text (after a create or an edit, here or on another desktop). */
export function setTemplateWriter(tx: Tx, id: number, userId: string | null): void {
  const changed = tx.statements
    .get<[string | null, number, string | null]>('UPDATE templates SET written_by = ? WHERE id = ? AND written_by IS NOT ?')
    .run(userId, id, userId).changes;
  if (changed > 0) tx.changes.record('templates', [id], 'update', ['written_by']);
}

/** False when it does not exist. */
export function approveTemplate(tx: Tx, id: number, by: string, now: string): boolean {
  const changed = tx.statements
    .get<[string, string, string, number]>(
      "UPDATE templates SET status = 'approved', approved_by = ?, approved_at = ?, updated_at = ? WHERE id = ?",
    )
    .run(by, now, now, id).changes;
  if (changed > 0) tx.changes.record('templates', [id], 'update', ['status', 'approved_by', 'approved_at', 'updated_at']);
  return changed > 0;
}

/** Deletes a template and its contents; false when it does not exist. */
export function deleteTemplate(tx: Tx, id: number): boolean {
  const st = tx.statements;
  for (const c of st
    .get<[number], { language: string; channel: string }>('DELETE FROM template_contents WHERE template_id = ? RETURNING language, channel')
    .all(id))
    tx.changes.record('template_contents', [id, c.language, c.channel], 'delete');
  const gone = st.get<[number]>('DELETE FROM templates WHERE id = ?').run(id).changes > 0;
  if (gone) tx.changes.record('templates', [id], 'delete');
  return gone;
}
