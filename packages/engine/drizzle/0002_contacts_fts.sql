-- Full-text search over contacts (FTS5). The engine writes one document per contact
-- (rowid = contacts.id) whenever the contact or its phones, e-mails or tags change;
-- it is contentless so no personal data is stored twice, and contentless_delete lets an
-- erased contact's entry be removed by rowid. Phone numbers are indexed as digit strings
-- in E.164 ("46701234567"), national ("0701234567") and national significant ("701234567")
-- form, so prefix queries like "0701234" match. Diacritics are folded so "asa" finds "Åsa".
CREATE VIRTUAL TABLE `contacts_fts` USING fts5(
	`name`, `organisation`, `email`, `tag`, `phone`,
	content = '',
	contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 2',
	prefix = '2 3'
);
