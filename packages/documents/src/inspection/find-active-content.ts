import {
  PDFArray,
  PDFDict,
  PDFHexString,
  PDFName,
  type PDFContext,
  type PDFObject,
  PDFStream,
  PDFString,
} from 'pdf-lib';
import {
  ACTIVE_ACTION_TYPES,
  ACTIVE_KEYS,
  ACTIVE_SUBTYPES,
  ACTIVE_TYPES,
  ACTIVE_URI_SCHEME,
} from './active-content-rules.ts';
import { readerName } from './pdf-names.ts';

export interface ActiveContentFinding {
  readonly what: string;
  readonly where: string;
}

function dictOf(object: PDFObject): PDFDict | undefined {
  if (object instanceof PDFDict) return object;
  if (object instanceof PDFStream) return object.dict;
  return undefined;
}

/** An /OpenAction that only says where to open (a destination or a GoTo) is harmless. */
function isPassiveOpenAction(value: PDFObject | undefined): boolean {
  if (value === undefined) return true;
  if (value instanceof PDFArray || value instanceof PDFName) return true;
  if (value instanceof PDFString || value instanceof PDFHexString) return true;
  if (value instanceof PDFDict) {
    const type = value.get(PDFName.of('S'));
    return type instanceof PDFName && readerName(type) === 'GoTo';
  }
  return false;
}

function checkEntry(context: PDFContext, key: string, value: PDFObject): string | undefined {
  const keyRule = ACTIVE_KEYS.get(key);
  if (keyRule !== undefined) return keyRule;
  if (key === 'OpenAction' && !isPassiveOpenAction(context.lookup(value))) {
    return 'an /OpenAction that does more than open at a page';
  }
  if (value instanceof PDFName) {
    const name = readerName(value);
    if (key === 'S') return ACTIVE_ACTION_TYPES.get(name);
    if (key === 'Subtype') return ACTIVE_SUBTYPES.get(name);
    if (key === 'Type') return ACTIVE_TYPES.get(name);
  }
  if (key === 'URI') {
    const target = context.lookup(value);
    if (
      (target instanceof PDFString || target instanceof PDFHexString) &&
      ACTIVE_URI_SCHEME.test(target.decodeText())
    ) {
      return 'a link with a script or local-file URI scheme';
    }
  }
  return undefined;
}

/**
 * Walks every indirect object of the parsed document, including the ones pdf-lib unpacked from
 * object streams, and every dictionary and array nested in them, looking at names as a reader
 * decodes them. References are not followed: each indirect object is visited once on its own,
 * which also makes cycles harmless. The walk is iterative so deep nesting cannot overflow the stack.
 */
export function findActiveContent(context: PDFContext): ActiveContentFinding | undefined {
  for (const [ref, root] of context.enumerateIndirectObjects()) {
    const stack: PDFObject[] = [root];
    while (stack.length > 0) {
      const object = stack.pop()!;
      if (object instanceof PDFArray) {
        for (let index = 0; index < object.size(); index += 1) stack.push(object.get(index));
        continue;
      }
      const dict = dictOf(object);
      if (dict === undefined) continue;
      for (const [keyName, value] of dict.entries()) {
        const key = readerName(keyName);
        const what = checkEntry(context, key, value);
        if (what !== undefined) return { what, where: `object ${ref.toString()} (key /${key})` };
        stack.push(value);
      }
    }
  }
  return undefined;
}
