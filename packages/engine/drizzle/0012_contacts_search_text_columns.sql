-- contacts.search_text now holds the search document one line per full-text column, so a
-- phrase ("anna-k") cannot run from one column into the next, as in contacts_fts. Emptied
-- here; the engine fills it in again when it starts (ContactStore.backfillSearchText).
UPDATE `contacts` SET `search_text` = NULL;
