/**
 * Node processes on an SSH host, known by pid. A process is started in the
 * background in a session of its own (setsid, so its pid is its process
 * group and a signal reaches whatever it spawned), every stream redirected
 * (a backgrounded command that keeps the session's stdout hangs the SSH
 * command), output appended to <dataDirectory>/process.log; it writes its
 * own pid to process.pid before it execs the command. Each carries
 * FAULTLINE_SSH_RUN=<run> in its environment: how teardown and
 * `faultline clean` find exactly faultline's processes again.
 */
import { FaultlineError } from '../../../common/errors.js';
import type { NodeProcessSpec } from '../index.js';
import { PROCESS_LOG } from '../real/node-files.js';
import { commandLine, quote, type SshHost } from './host.js';

export const RUN_VARIABLE = 'FAULTLINE_SSH_RUN';
const PID_FILE = 'process.pid';
/** Time a signal gets to take effect, checked on the host every 20 ms. */
const SIGNAL_EFFECT_POLLS = 250;

/** Starts the process; resolves to its pid. */
export async function startProcess(host: SshHost, runId: string, dataDirectory: string, spec: NodeProcessSpec): Promise<number> {
  const environment = Object.entries({ ...(spec.env ?? {}), [RUN_VARIABLE]: runId }).map(([name, value]) => `${name}=${value}`);
  const launcher = `echo $$ > ${PID_FILE}; exec "$@"`;
  const script = [
    `cd ${quote(dataDirectory)} || exit 1`,
    `rm -f ${PID_FILE}`,
    `${commandLine('env', environment)} nohup setsid sh -c ${quote(launcher)} faultline-node ${commandLine(spec.command, spec.args)} </dev/null >>${PROCESS_LOG} 2>&1 &`,
    `i=0; while [ ! -s ${PID_FILE} ] && [ $i -lt ${SIGNAL_EFFECT_POLLS} ]; do sleep 0.02; i=$((i+1)); done`,
    `cat ${PID_FILE}`,
  ].join('\n');
  const pid = Number((await host.run(script)).trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new FaultlineError('E_INFRASTRUCTURE', `${host.name}: ${spec.command} did not start (see ${dataDirectory}/${PROCESS_LOG})`);
  return pid;
}

/** Shell that prints a process's one-letter state (R, S, T, Z...) or "gone". */
function stateScript(pid: number): string {
  return `s=$(sed 's/.*) //' /proc/${pid}/stat 2>/dev/null | cut -d' ' -f1); echo \${s:-gone}`;
}

export async function processState(host: SshHost, pid: number): Promise<string> {
  return (await host.run(stateScript(pid))).trim();
}

export function isAlive(state: string): boolean {
  return state !== 'gone' && state !== 'Z' && state !== 'X';
}

/**
 * Signals the process's group (or the process, when the group is gone) and
 * waits on the host until its state says the signal took effect: dead for
 * KILL, stopped for STOP, running for CONT.
 */
export async function signalAndWait(host: SshHost, pid: number, signal: 'KILL' | 'STOP' | 'CONT'): Promise<void> {
  const done = { KILL: `case "$s" in gone|Z|X) ;; *) false ;; esac`, STOP: `[ "$s" = T ] || [ "$s" = gone ]`, CONT: `[ "$s" != T ]` }[signal];
  const script = [
    `kill -${signal} -- -${pid} 2>/dev/null || kill -${signal} ${pid} 2>/dev/null`,
    `i=0; while :; do s=$(sed 's/.*) //' /proc/${pid}/stat 2>/dev/null | cut -d' ' -f1); s=\${s:-gone}`,
    `  if ${done}; then echo ok; exit 0; fi`,
    `  i=$((i+1)); [ $i -ge ${SIGNAL_EFFECT_POLLS} ] && { echo "$s"; exit 1; }; sleep 0.02; done`,
  ].join('\n');
  const result = await host.tryRun(script);
  if (result.exitCode !== 0) {
    throw new FaultlineError('E_INFRASTRUCTURE', `${host.name}: process ${pid} is in state ${result.stdout.trim() || '?'} 5 s after SIG${signal}`);
  }
}

/** Kills every process of the run on the host (or, runId "*", of any run); prints and returns the pids. */
export async function killRunProcesses(host: SshHost, runId: string, dryRun = false): Promise<{ pid: number; run: string }[]> {
  const pattern = runId === '*' ? `^${RUN_VARIABLE}=.*` : `^${RUN_VARIABLE}=${runId}$`;
  // One grep over every environment (NUL-separated lines), not a process per process: a host runs hundreds.
  const script = `grep -a -z -o -H ${quote(pattern)} /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n' | sed -n 's#^/proc/\\([0-9]*\\)/environ:${RUN_VARIABLE}=\\(.*\\)$#\\1 \\2#p' | while read -r p r; do [ "$p" = $$ ] && continue; echo "$p $r"; ${dryRun ? ':' : 'kill -9 "$p" 2>/dev/null'}; done; true`;
  const output = await host.run(script, { privileged: true, timeoutMs: 30_000 });
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [pid, run] = line.split(' ');
      return { pid: Number(pid), run: run ?? '' };
    });
}
