// The channels an alert can reach a person on, in the order the console lists them: a plain list
// (contacts.ts makes the schema from it) for code that only names them.

export const channels = ['voice', 'sms', 'email', 'whatsapp', 'telegram'] as const;
