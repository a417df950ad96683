/**
 * A stand-in for the coordination service: it applies committed entries by
 * folding them into a digest, so two replicas that applied the same sequence
 * hold the same digest, and a snapshot is just that digest.
 */
import assert from 'node:assert/strict';
import type { LogEntry, Snapshot } from '../../engine.js';
import { hashString } from '../../../../common/random.js';

export interface DigestState {
  digest: number;
  appliedCount: number;
}

export function commandId(entry: LogEntry): string {
  const id = entry.command['id'];
  return typeof id === 'string' ? id : entry.command.kind;
}

export class RecordingService {
  appliedPosition = 0;
  appliedEpoch = 0;
  digest = 0;
  appliedCount = 0;

  constructor(
    private readonly onApplied: (entry: LogEntry, digest: number) => void,
    private readonly onInstalled: (snapshot: Snapshot) => void,
  ) {}

  apply(entry: LogEntry): void {
    assert.ok(entry.position > this.appliedPosition, `applied ${entry.position} after ${this.appliedPosition}`);
    this.digest = hashString(`${entry.position}:${entry.epoch}:${commandId(entry)}`, this.digest);
    this.appliedPosition = entry.position;
    this.appliedEpoch = entry.epoch;
    this.appliedCount += 1;
    this.onApplied(entry, this.digest);
  }

  snapshot(): Snapshot {
    const state: DigestState = { digest: this.digest, appliedCount: this.appliedCount };
    return { position: this.appliedPosition, epoch: this.appliedEpoch, state };
  }

  install(snapshot: Snapshot): void {
    const state = snapshot.state as DigestState;
    this.onInstalled(snapshot);
    this.appliedPosition = snapshot.position;
    this.appliedEpoch = snapshot.epoch;
    this.digest = state.digest;
    this.appliedCount = state.appliedCount;
  }
}
