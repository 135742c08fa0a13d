// Prepared alerts, one row each in the settings table under the key "preparedAlert.<id>"
// (JSON: name, description, the plan, who made and changed it), kept as settings documents
// (./settings-documents.ts) like saved segments.
import { preparedAlertSchema, type PreparedAlert } from '@gdial/protocol';
import { settingsDocuments } from './settings-documents';

export const preparedAlerts = settingsDocuments<PreparedAlert>('preparedAlert.', preparedAlertSchema);

export const listPreparedAlerts = preparedAlerts.list;
export const getPreparedAlert = preparedAlerts.get;
export const putPreparedAlert = preparedAlerts.put;
export const deletePreparedAlert = preparedAlerts.delete;
