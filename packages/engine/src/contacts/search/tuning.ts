// Where the search index switches from one way of working to another. One object, so the
// tests can lower the thresholds and take every way with a few dozen contacts.
/**
 * Where the index switches from one way of working to another, set for address books of
 * up to 100,000 contacts. The tests lower them to take every way with a few dozen.
 */
export const searchIndexTuning = {
  /**
   * Build anew when more than this many contacts, or an eighth of them, changed since the
   * last search: reading a contact again costs several times what building costs per
   * contact (about 15 µs against 2–5 µs at 100,000 contacts).
   */
  rebuildAfter: 1000,
  /** Up to this many changed contacts are moved in the sort orders one by one; more in one pass over each order. */
  oneByOne: 32,
  /** Sort the matches instead of walking a sort order when at most one contact in this many matches. */
  sortWhenOneIn: 64,
  /** New or emptied tokens let wait (scanned by every lookup) before they are sorted in: this many, or a sixteenth of all. */
  tidyAfter: 4096,
  /** Contacts read per statement. */
  readChunk: 20_000,
  /**
   * Build in the background, a chunk at a time, while contacts_fts answers (see
   * searchContacts). Off, a search builds the index first, in one go (the tests use this
   * to hold every search to the index).
   */
  background: true,
  /** Contacts tokenised between two turns of the event loop by a background build. */
  buildStep: 10_000,
};
