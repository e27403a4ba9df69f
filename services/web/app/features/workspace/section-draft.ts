import { useCallback, useEffect, useRef, useState } from 'react';
import { changedKeys, rebase, type FieldConflict, type Flat } from './rebase';

export interface SectionDraft {
  base: Flat;
  version: number;
  draft: Flat;
  dirty: boolean;
  conflicts: FieldConflict[];
  set(key: string, value: string): void;
  /** The server's section after a 412: rebase this person's edits on it. */
  rebaseOn(theirs: Flat, version: number): void;
  /** Resolve one conflict; the draft takes the chosen value. */
  choose(key: string, side: 'mine' | 'theirs'): void;
  /** After a successful save: the saved values are the new base. */
  saved(values: Flat, version: number, sent: Flat): void;
}

/**
 * The editing state of one section. New data from the server replaces the draft only while this
 * person has no unsaved edit; otherwise their text stays, and the next save's If-Match decides.
 */
export function useSectionDraft(server: Flat, serverVersion: number): SectionDraft {
  const [state, setState] = useState(() => ({
    base: server,
    version: serverVersion,
    draft: server,
    conflicts: [] as FieldConflict[],
  }));
  const serverKey = JSON.stringify(server) + serverVersion;
  const seen = useRef(serverKey);
  useEffect(() => {
    if (seen.current === serverKey) return;
    seen.current = serverKey;
    setState((s) =>
      changedKeys(s.base, s.draft).length === 0 && s.conflicts.length === 0
        ? { base: server, version: serverVersion, draft: server, conflicts: [] }
        : s,
    );
    // `server` is compared through its serialised key, not its identity.
  }, [serverKey]);

  const set = useCallback((key: string, value: string) => {
    setState((s) => ({ ...s, draft: { ...s.draft, [key]: value } }));
  }, []);
  const rebaseOn = useCallback((theirs: Flat, version: number) => {
    setState((s) => {
      const { draft, conflicts } = rebase(s.base, theirs, s.draft);
      return { base: theirs, version, draft, conflicts };
    });
  }, []);
  const choose = useCallback((key: string, side: 'mine' | 'theirs') => {
    setState((s) => {
      const conflict = s.conflicts.find((c) => c.key === key);
      if (!conflict) return s;
      return {
        ...s,
        draft: { ...s.draft, [key]: side === 'mine' ? conflict.mine : conflict.theirs },
        conflicts: s.conflicts.filter((c) => c.key !== key),
      };
    });
  }, []);
  const saved = useCallback((values: Flat, version: number, sent: Flat) => {
    setState((s) => {
      // The server's values are the new base (it may normalise: "12000" → "12000.00"); text
      // typed while the save was on its way (what differs from what was sent) stays in the draft.
      const draft = { ...values };
      for (const key of changedKeys(sent, s.draft)) draft[key] = s.draft[key] ?? '';
      return { base: values, version, draft, conflicts: [] };
    });
  }, []);
  return {
    ...state,
    dirty: changedKeys(state.base, state.draft).length > 0,
    set,
    rebaseOn,
    choose,
    saved,
  };
}
