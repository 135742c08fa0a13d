// The workload's commands as the harness sends them to a desktop: shared entities are named
// by their organisation-wide uid (local row ids differ between desktops), so one command can
// be given to any desktop. A desktop that does not hold the entity (not yet received, or
// deleted there) refuses the command as the console would, which the workload allows.
export type Command =
  | { op: 'createContact'; name: string; phone: string }
  | { op: 'editContact'; contact: string; field: 'role' | 'organisation' | 'notes'; value: string }
  | { op: 'deleteContact'; contact: string }
  | { op: 'eraseContact'; contact: string }
  | { op: 'tag'; contact: string; tag: string; present: boolean }
  | { op: 'createGroup'; name: string }
  | { op: 'renameGroup'; group: string; name: string }
  | { op: 'member'; group: string; contact: string; present: boolean }
  | { op: 'createTemplate'; name: string; text: string }
  | { op: 'editTemplate'; template: string; text: string }
  | { op: 'approveTemplate'; template: string }
  | { op: 'optOut'; address: string; present: boolean }
  | { op: 'import'; rows: Array<{ first: string; last: string; phone: string; tag: string }> };

/** What a command did: the uid of what it created, or why the desktop refused it. */
export interface CommandResult {
  ok: boolean;
  uid?: string;
  error?: string;
}

/** A desktop's shared data as its console shows it, keyed by uid. */
export interface ConsoleView {
  contacts: Record<string, { displayName: string; organisation: string | null; role: string | null; tags: string[]; groups: string[] }>;
  groups: Record<string, { name: string; members: number }>;
  templates: Record<string, { name: string; status: string; text: string | null }>;
  optOuts: string[];
}
