import type { CallDefinition } from '@permed/domain';

export interface FormalItem {
  id: 'document-present' | 'abstract-length' | 'page-limit' | 'file-size';
  ok: boolean;
  message: string;
  facts: Record<string, unknown>;
}

interface StoredDocument {
  kind?: unknown;
  name?: unknown;
  pages?: unknown;
  bytes?: unknown;
}

const count = (v: unknown): number | null =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null;

/**
 * The completeness part of the call office's formal check, computed from a submitted version: a
 * document is there, the abstract is within the call's limit (in characters as people count them,
 * i.e. code points), and every document is within the page and size limits (pages as counted by the
 * PDF inspection on upload). The call office still records the result itself.
 */
export function formalCheckItems(
  definition: Pick<CallDefinition, 'abstractMaxCharacters' | 'documents'>,
  abstract: string | null,
  documents: readonly Record<string, unknown>[],
): FormalItem[] {
  const docs = documents as readonly StoredDocument[];
  const maxPages = definition.documents.maxPages;
  const maxBytes = definition.documents.maxBytes;
  const items: FormalItem[] = [];
  items.push({
    id: 'document-present',
    ok: docs.length > 0,
    message: docs.length > 0 ? `${docs.length} document(s) uploaded` : 'No proposal document was uploaded',
    facts: { documents: docs.length },
  });
  const characters = abstract === null ? null : [...abstract].length;
  items.push({
    id: 'abstract-length',
    ok: characters !== null && characters <= definition.abstractMaxCharacters,
    message:
      characters === null
        ? 'The abstract could not be read'
        : characters <= definition.abstractMaxCharacters
          ? `Abstract of ${characters} characters (limit ${definition.abstractMaxCharacters})`
          : `Abstract of ${characters} characters is over the limit of ${definition.abstractMaxCharacters}`,
    facts: { characters, max: definition.abstractMaxCharacters },
  });
  const overPages = docs.filter((d) => {
    const pages = count(d.pages);
    return pages === null || pages > maxPages;
  });
  items.push({
    id: 'page-limit',
    ok: docs.length > 0 && overPages.length === 0,
    message:
      docs.length === 0
        ? 'No document to count pages in'
        : overPages.length === 0
          ? `Every document is within ${maxPages} pages`
          : `${overPages.map((d) => `${typeof d.name === 'string' ? d.name : 'a document'} (${count(d.pages) ?? 'unknown'} pages)`).join(', ')} over the limit of ${maxPages} pages`,
    facts: { maxPages, pages: docs.map((d) => count(d.pages)) },
  });
  const overBytes = docs.filter((d) => {
    const bytes = count(d.bytes);
    return bytes === null || bytes > maxBytes;
  });
  items.push({
    id: 'file-size',
    ok: overBytes.length === 0,
    message:
      overBytes.length === 0
        ? `Every document is within ${maxBytes} bytes`
        : `${overBytes.length} document(s) over ${maxBytes} bytes or of unknown size`,
    facts: { maxBytes, bytes: docs.map((d) => count(d.bytes)) },
  });
  return items;
}
