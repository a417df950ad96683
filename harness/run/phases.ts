/**
 * The stages of a run as it goes, for people watching it: a real run is
 * quiet for tens of seconds otherwise. Listeners only print; nothing in the
 * run depends on them.
 */
export type RunPhase = 'booting' | 'healthy' | 'warm-up' | 'faults' | 'heal' | 'recovery' | 'final reads' | 'checking' | 'done';

export interface PhaseNotice {
  phase: RunPhase;
  /** Milliseconds on the run's clock since the workload began; absent before it (booting, healthy) and after (checking, done). */
  atMs?: number;
  /** A few words: "3 nodes", "leader n2 after 4.1 s", "30 s, nemesis partition". */
  detail?: string;
}

export type PhaseListener = (notice: PhaseNotice) => void;

export const IGNORE_PHASES: PhaseListener = () => {};
