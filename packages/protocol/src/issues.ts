// Why an input was refused, by name. The engine writes every refusal as an English sentence
// (for logs, the CLI and the API) and, where the reason is one of these, also its code and
// the values the sentence names, so the console can say it in the operator's language.
// The sentence stays the fallback: a refusal without a code is shown as written.

/** Why a phone number could not be normalised. */
export const phoneProblems = [
  'empty',
  'characters',
  'tooShort',
  'tooLong',
  'wrongLength',
  'unknownCountryCode',
  'notANumber',
  'invalidInCountry',
  'invalidForCountryCode',
] as const;
export type PhoneProblem = (typeof phoneProblems)[number];

export const issueCodes = [
  // params: value (as typed), country (ISO 3166 code, invalidInCountry only)
  ...phoneProblems.map((p) => `phone.${p}` as const),
  /** params: value, of (1-based position of the earlier number) */
  'phone.duplicate',
  'contact.nameRequired',
  /** params: value */
  'language.unknown',
  /** params: max */
  'text.tooLong',
  'text.empty',
  /** params: max */
  'list.tooLong',
  /** A value that does not have the form the field needs (an e-mail address, a chat id…). */
  'format.invalid',
] as const;
export type IssueCode = (typeof issueCodes)[number];
export type IssueParams = Record<string, string | number>;
