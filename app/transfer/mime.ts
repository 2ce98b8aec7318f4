// BioT stores a mimeType with each file. Device exports come in a handful of
// formats; anything unknown is application/octet-stream, which is always right.
const byExtension: Record<string, string> = {
  dcm: 'application/dicom',
  edf: 'application/octet-stream',
  xml: 'application/xml',
  json: 'application/json',
  pdf: 'application/pdf',
  csv: 'text/csv',
  txt: 'text/plain',
  zip: 'application/zip',
  mp4: 'video/mp4',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  wav: 'audio/wav',
};

/** The mimeType BioT gets for a file name. */
export function mimeTypeFor(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return (dot >= 0 && byExtension[fileName.slice(dot + 1).toLowerCase()]) || 'application/octet-stream';
}

/** BioT allows 128 characters of name: keep the extension, shorten the stem. */
export function biotNameFor(fileName: string): string {
  if (fileName.length <= 128) return fileName;
  const dot = fileName.lastIndexOf('.');
  const ext = dot > 0 && fileName.length - dot <= 16 ? fileName.slice(dot) : '';
  let stem = fileName.slice(0, 128 - ext.length);
  // A cut between the two halves of a surrogate pair (an emoji) would leave a lone half: drop it.
  if (/[\uD800-\uDBFF]$/.test(stem)) stem = stem.slice(0, -1);
  return stem + ext;
}
