// Hands a file the engine produced (export, GDPR extract) to the browser's download, so
// the operator saves it wherever they keep such files. Works the same in Electron.

export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function downloadBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The download has started by now; revoking later frees the memory of big exports.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function downloadBase64(fileName: string, mimeType: string, dataBase64: string): void {
  downloadBlob(fileName, new Blob([base64ToBytes(dataBase64)], { type: mimeType }));
}

export function downloadJson(fileName: string, value: unknown): void {
  downloadBlob(fileName, new Blob([JSON.stringify(value, null, 2)], { type: 'application/json' }));
}
