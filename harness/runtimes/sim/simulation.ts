/**
 * The deterministic simulator's public face. A Simulation owns virtual time,
 * the hosts (server nodes and clients), the network between them and the
 * trace; the harness drives it with run()/step() and applies faults between
 * or during steps (from actions scheduled with at()/after()). This file adds
 * the faults to the core in simulation-core.ts.
 */
import assert from 'node:assert/strict';
import type { Address, World } from '../../../clusters/coordinator/world.js';
import type { StrobeOptions } from './clock.js';
import type { LinkOptionsInput } from './network.js';
import { SimulationCore } from './simulation-core.js';

export type { HostOptions, SimulationOptions } from './simulation-core.js';

export class Simulation extends SimulationCore {
  // Each fault is recorded in the trace and, where it concerns one host, in that host's log.

  /** Cuts every link between hosts in different groups, both ways; hosts in no group keep their links. */
  partition(groups: Address[][]): void {
    const indices = groups.map((group) => group.map((address) => this.host(address).index));
    const listed = indices.flat();
    assert.equal(new Set(listed).size, listed.length, `partition groups overlap: ${JSON.stringify(groups)}`);
    for (let first = 0; first < indices.length; first++) {
      for (let second = 0; second < indices.length; second++) {
        if (first === second) continue;
        for (const from of indices[first] as number[]) for (const to of indices[second] as number[]) this.network.block(from, to);
      }
    }
    this.recordFault(`partition ${groups.map((group) => group.join(',')).join('|')}`);
  }

  /** Cuts one direction only: messages from `from` to `to` are dropped, the other way still flows. */
  cutLink(from: Address, to: Address): void {
    this.network.block(this.host(from).index, this.host(to).index);
    this.recordFault(`cut ${from}->${to}`);
  }

  healLink(from: Address, to: Address): void {
    this.network.unblock(this.host(from).index, this.host(to).index);
    this.recordFault(`heal ${from}->${to}`);
  }

  /** Heals every cut link. */
  heal(): void {
    this.network.healAll();
    this.recordFault('heal');
  }

  blockedLinks(): [Address, Address][] {
    return this.network.blockedLinks().map(([from, to]) => [this.addressOf(from), this.addressOf(to)]);
  }

  setLinkOptions(from: Address, to: Address, input: LinkOptionsInput): void {
    this.network.setLinkOptions(this.host(from).index, this.host(to).index, input);
    this.recordFault(`link ${from}->${to} ${JSON.stringify(input)}`);
  }

  /** New options for every link (per-link overrides are replaced). */
  setNetworkOptions(input: LinkOptionsInput): void {
    this.network.setAllLinkOptions(input);
    this.recordFault(`network ${JSON.stringify(input)}`);
  }

  /** Power loss: the object and its timers are dropped, unsynced writes lost, durable storage kept. */
  crash(address: Address): void {
    const host = this.host(address);
    this.kernel.recycle(host.crash());
    this.recordFault(`crash ${address}`, host);
  }

  /** A clean shutdown: the node's stop() runs (and may sync) before the host drops it as in a crash. */
  stop(address: Address): void {
    const host = this.host(address);
    assert.equal(host.state, 'running', `stop(${address}): the node is ${host.state}`);
    host.endpoint?.stop?.();
    this.kernel.recycle(host.crash());
    this.recordFault(`stop ${address}`, host);
  }

  /** A new object from the same factory, on the durable storage the crash left. */
  restart(address: Address): World {
    const host = this.host(address);
    assert.equal(host.state, 'crashed', `restart(${address}): the node is ${host.state}; crash it first`);
    this.recordFault(`restart ${address}`, host);
    return host.boot(this.kernel);
  }

  /** Like SIGSTOP: timers and messages wait until resume, then arrive at once, in order. */
  pause(address: Address): void {
    const host = this.host(address);
    assert.equal(host.state, 'running', `pause(${address}): the node is ${host.state}`);
    host.state = 'paused';
    this.recordFault(`pause ${address}`, host);
  }

  resume(address: Address): void {
    const host = this.host(address);
    assert.equal(host.state, 'paused', `resume(${address}): the node is ${host.state}`);
    host.state = 'running';
    this.kernel.releaseHeld(host);
    this.recordFault(`resume ${address}`, host);
  }

  resumeAll(): void {
    for (const host of this.kernel.hosts) if (host.state === 'paused') this.resume(host.address);
  }

  /** Jumps the host's wall clock (nowMs) by deltaMs; timers, on the monotonic clock, are unaffected. */
  bumpClock(address: Address, deltaMs: number): void {
    const host = this.host(address);
    host.clock.bump(deltaMs);
    this.recordFault(`clock-bump ${address} ${deltaMs}`, host);
  }

  /** The host's clocks run at `rate` local ms per true ms (1.01: 1% fast); pending timers follow. */
  setClockRate(address: Address, rate: number): void {
    const host = this.host(address);
    host.clock.setRate(rate, this.kernel.nowUs);
    this.kernel.rescheduleTimers(host);
    this.recordFault(`clock-rate ${address} ${rate}`, host);
  }

  /** Flips the wall clock between +0 and +deltaMs every periodMs, for durationMs. */
  strobeClock(address: Address, options: StrobeOptions): void {
    const host = this.host(address);
    host.clock.strobe(options, this.kernel.nowUs);
    this.recordFault(`clock-strobe ${address} ${options.deltaMs}/${options.periodMs}/${options.durationMs}`, host);
  }

  resetClock(address: Address): void {
    const host = this.host(address);
    host.clock.reset(this.kernel.nowUs);
    this.kernel.rescheduleTimers(host);
    this.recordFault(`clock-reset ${address}`, host);
  }
}
