// The desktop app's file dialog for installing a Piper voice: the operator picks the
// voice's .onnx and .onnx.json and the console gets their paths, which the engine reads
// itself (a 60 MB model does not travel through the page). Which file is which is the
// console's business (protocol pairVoiceFiles); this only asks the OS.
import type { BrowserWindow, OpenDialogOptions, OpenDialogReturnValue } from 'electron';

export interface OpenDialogLike {
  showOpenDialog(window: BrowserWindow, options: OpenDialogOptions): Promise<OpenDialogReturnValue>;
  showOpenDialog(options: OpenDialogOptions): Promise<OpenDialogReturnValue>;
}

/** More than a model and its config is a mistake the console explains; this many is plenty to explain it. */
const MAX_FILES = 10;

export function voiceDialogOptions(title: string): OpenDialogOptions {
  return {
    title,
    properties: ['openFile', 'multiSelections'],
    filters: [
      { name: 'Piper (.onnx, .onnx.json)', extensions: ['onnx', 'json'] },
      { name: '*', extensions: ['*'] },
    ],
  };
}

/** The chosen paths, none when the operator cancelled; the title is the console's words (text of bounded length). */
export async function chooseVoiceFiles(dialog: OpenDialogLike, window: BrowserWindow | null, title: unknown): Promise<string[]> {
  const options = voiceDialogOptions(typeof title === 'string' && title.length <= 200 ? title : 'GDial');
  const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
  if (result.canceled) return [];
  return result.filePaths.filter((p) => typeof p === 'string').slice(0, MAX_FILES);
}
