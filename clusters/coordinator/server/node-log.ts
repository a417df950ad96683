/** A node's log file (<data-dir>/node.log): one timestamped line per call, written at once, so a kill -9 loses none. */
import fs from 'node:fs';

export class NodeLog {
  private descriptor: number | null;

  constructor(file: string, private readonly echo?: (line: string) => void) {
    this.descriptor = fs.openSync(file, 'a');
  }

  write(line: string): void {
    const text = `${new Date().toISOString()} ${line}\n`;
    if (this.descriptor !== null) fs.writeSync(this.descriptor, text);
    this.echo?.(text);
  }

  close(): void {
    if (this.descriptor === null) return;
    fs.closeSync(this.descriptor);
    this.descriptor = null;
  }
}
