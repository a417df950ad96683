/**
 * The network between hosts: one directed link per ordered pair, each with a
 * latency distribution, loss and duplication, and a blocked flag that
 * partitions are made of. Reordering needs no switch of its own: two messages
 * on a link with random latency arrive in either order, unless the link is
 * `ordered` (TCP-like), when a message never overtakes the one before it.
 */
import assert from 'node:assert/strict';
import type { SeededRandom } from '../../../common/random.js';

export interface LatencyOptions {
  /** Every message takes at least this long. */
  baseMs: number;
  /** Mean of the exponential tail added to the base. */
  tailMeanMs: number;
  /** Cap on the total; Infinity for none. */
  maxMs: number;
}

export interface LinkOptions {
  latency: LatencyOptions;
  lossProbability: number;
  duplicateProbability: number;
  ordered: boolean;
}

export type LinkOptionsInput = Partial<Omit<LinkOptions, 'latency'>> & { latency?: Partial<LatencyOptions> };

export const DEFAULT_LINK_OPTIONS: LinkOptions = {
  latency: { baseMs: 0.5, tailMeanMs: 0.5, maxMs: Infinity },
  lossProbability: 0,
  duplicateProbability: 0,
  ordered: false,
};

export function resolveLinkOptions(input: LinkOptionsInput, base: LinkOptions): LinkOptions {
  const options: LinkOptions = {
    latency: { ...base.latency, ...input.latency },
    lossProbability: input.lossProbability ?? base.lossProbability,
    duplicateProbability: input.duplicateProbability ?? base.duplicateProbability,
    ordered: input.ordered ?? base.ordered,
  };
  const { baseMs, tailMeanMs, maxMs } = options.latency;
  assert.ok(baseMs >= 0 && tailMeanMs >= 0 && maxMs >= baseMs, `bad latency ${JSON.stringify(options.latency)}`);
  assert.ok(options.lossProbability >= 0 && options.lossProbability <= 1, 'lossProbability must be in [0, 1]');
  assert.ok(options.duplicateProbability >= 0 && options.duplicateProbability <= 1, 'duplicateProbability must be in [0, 1]');
  return options;
}

class Link {
  blocked = false;
  /** When the last message on this link arrives, for ordered links. */
  lastArrivalUs = 0;
  constructor(public options: LinkOptions) {}
}

export class NetworkModel {
  /** links[from][to]. */
  private readonly links: Link[][] = [];
  private defaults: LinkOptions;

  constructor(
    defaults: LinkOptions,
    private readonly random: SeededRandom,
  ) {
    this.defaults = defaults;
  }

  /** Makes room for one more host; returns its index. */
  addHost(): number {
    const index = this.links.length;
    for (const row of this.links) row.push(new Link(this.defaults));
    const row: Link[] = [];
    for (let to = 0; to <= index; to++) row.push(new Link(this.defaults));
    this.links.push(row);
    return index;
  }

  setLinkOptions(from: number, to: number, input: LinkOptionsInput): void {
    const link = this.link(from, to);
    link.options = resolveLinkOptions(input, link.options);
  }

  /** New defaults for every link, replacing any per-link options. */
  setAllLinkOptions(input: LinkOptionsInput): void {
    this.defaults = resolveLinkOptions(input, this.defaults);
    for (const row of this.links) for (const link of row) link.options = this.defaults;
  }

  block(from: number, to: number): void {
    this.link(from, to).blocked = true;
  }

  unblock(from: number, to: number): void {
    this.link(from, to).blocked = false;
  }

  isBlocked(from: number, to: number): boolean {
    return this.link(from, to).blocked;
  }

  healAll(): void {
    for (const row of this.links) for (const link of row) link.blocked = false;
  }

  /** Every blocked directed link, as [from, to] host indices. */
  blockedLinks(): [number, number][] {
    const blocked: [number, number][] = [];
    this.links.forEach((row, from) => row.forEach((link, to) => link.blocked && blocked.push([from, to])));
    return blocked;
  }

  /** Draws, in this fixed order, whether a message is lost. */
  drawLoss(from: number, to: number): boolean {
    const probability = this.link(from, to).options.lossProbability;
    return probability > 0 && this.random.next() < probability;
  }

  drawDuplicate(from: number, to: number): boolean {
    const probability = this.link(from, to).options.duplicateProbability;
    return probability > 0 && this.random.next() < probability;
  }

  /** When a message sent now on from->to arrives. */
  drawArrivalUs(from: number, to: number, nowUs: number): number {
    const link = this.link(from, to);
    const { baseMs, tailMeanMs, maxMs } = link.options.latency;
    let delayMs = baseMs;
    if (tailMeanMs > 0) delayMs -= tailMeanMs * Math.log(1 - this.random.next());
    if (delayMs > maxMs) delayMs = maxMs;
    let arrivalUs = nowUs + Math.round(delayMs * 1000);
    if (link.options.ordered) {
      if (arrivalUs < link.lastArrivalUs) arrivalUs = link.lastArrivalUs;
      link.lastArrivalUs = arrivalUs;
    }
    return arrivalUs;
  }

  private link(from: number, to: number): Link {
    const link = this.links[from]?.[to];
    if (link === undefined) assert.fail(`no link ${from}->${to}`);
    return link;
  }
}
