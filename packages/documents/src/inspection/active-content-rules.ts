/**
 * What counts as active content. A proposal PDF is read by reviewers, never run: anything that
 * executes, opens other files or programs, sends data, or carries other files is refused.
 * Plain links (/URI to http, https, mailto) and in-document navigation stay allowed, since
 * proposals cite publications and LaTeX/LibreOffice exports contain them.
 */

/** Dictionary keys that are active wherever they appear. */
export const ACTIVE_KEYS: ReadonlyMap<string, string> = new Map([
  ['JS', 'JavaScript code (/JS)'],
  ['JavaScript', 'document-level JavaScript (/JavaScript)'],
  ['AA', 'additional actions triggered by opening pages or fields (/AA)'],
  ['EmbeddedFiles', 'embedded file attachments (/EmbeddedFiles)'],
  ['EF', 'an embedded file (/EF)'],
  ['XFA', 'an XFA form, which can carry scripts (/XFA)'],
]);

/** Action types (/S) that run code, launch programs, open other files or send data. */
export const ACTIVE_ACTION_TYPES: ReadonlyMap<string, string> = new Map([
  ['JavaScript', 'a JavaScript action'],
  ['Launch', 'a /Launch action (starts a program or opens a file)'],
  ['SubmitForm', 'a /SubmitForm action (sends data)'],
  ['ImportData', 'an /ImportData action (reads a file)'],
  ['GoToR', 'a /GoToR action (opens another file)'],
  ['GoToE', 'a /GoToE action (opens an embedded file)'],
  ['RichMediaExecute', 'a /RichMediaExecute action'],
  ['Rendition', 'a /Rendition action (media, may carry JavaScript)'],
  ['Movie', 'a /Movie action'],
  ['Sound', 'a /Sound action'],
  ['GoTo3DView', 'a /GoTo3DView action'],
]);

/** Annotation subtypes that embed media, 3D scenes (with their own scripts) or files. */
export const ACTIVE_SUBTYPES: ReadonlyMap<string, string> = new Map([
  ['RichMedia', 'a /RichMedia annotation'],
  ['FileAttachment', 'a /FileAttachment annotation (embedded file)'],
  ['3D', 'a /3D annotation'],
  ['Movie', 'a /Movie annotation'],
  ['Sound', 'a /Sound annotation'],
  ['Screen', 'a /Screen annotation (media)'],
]);

export const ACTIVE_TYPES: ReadonlyMap<string, string> = new Map([['EmbeddedFile', 'an embedded file']]);

/** URI schemes that run code or reach the reader's own machine instead of the web. */
export const ACTIVE_URI_SCHEME = /^\s*(javascript|vbscript|data|file):/i;

/**
 * Names looked for in the raw bytes too, as a second line behind the parsed walk: they catch an
 * object that a lenient reader would parse but pdf-lib skipped. Only names of six letters or more,
 * so that binary stream data cannot produce one by chance (a 3-byte "/JS" would, in large files).
 */
export const RAW_ACTIVE_NAMES: ReadonlySet<string> = new Set([
  'JavaScript',
  'Launch',
  'SubmitForm',
  'ImportData',
  'RichMedia',
  'RichMediaExecute',
  'EmbeddedFile',
  'EmbeddedFiles',
]);
