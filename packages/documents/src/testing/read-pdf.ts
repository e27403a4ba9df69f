import { extractText, getDocumentProxy, getMeta } from 'unpdf';

/** What a reader (PDF.js, through unpdf) sees in a PDF: for tests that assert on output, not bytes. */
export interface ReadPdf {
  readonly pageCount: number;
  /** The text of each page, as PDF.js extracts it. */
  readonly pages: readonly string[];
  /** All pages' text with whitespace runs collapsed to one space, for `toContain` assertions. */
  readonly text: string;
  readonly info: {
    readonly title?: string;
    readonly author?: string;
    readonly subject?: string;
    readonly creator?: string;
    readonly producer?: string;
    readonly keywords?: string;
    /** Raw PDF date strings, e.g. "D:20240305160000Z". */
    readonly creationDate?: string;
    readonly modDate?: string;
  };
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export async function readPdf(bytes: Uint8Array): Promise<ReadPdf> {
  // PDF.js takes ownership of (detaches) the buffer it is given: hand it a copy.
  const document = await getDocumentProxy(new Uint8Array(bytes));
  try {
    const { totalPages, text } = await extractText(document, { mergePages: false });
    const { info } = await getMeta(document, { parseDates: false });
    return {
      pageCount: totalPages,
      pages: text,
      text: text.join('\n').replace(/\s+/g, ' '),
      info: {
        title: stringOrUndefined(info.Title),
        author: stringOrUndefined(info.Author),
        subject: stringOrUndefined(info.Subject),
        creator: stringOrUndefined(info.Creator),
        producer: stringOrUndefined(info.Producer),
        keywords: stringOrUndefined(info.Keywords),
        creationDate: stringOrUndefined(info.CreationDate),
        modDate: stringOrUndefined(info.ModDate),
      },
    };
  } finally {
    await document.loadingTask.destroy();
  }
}
