/** "host:port" strings as the members map holds them. */
import { UsageError } from '../../../common/errors.js';

export function parseHostPort(text: string, where = 'members'): { host: string; port: number } {
  const separator = text.lastIndexOf(':');
  const host = separator > 0 ? text.slice(0, separator).replace(/^\[(.*)\]$/, '$1') : '';
  const port = Number(text.slice(separator + 1));
  if (host.length === 0 || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new UsageError(`"${text}" is not host:port`, { where, hint: 'give each member as name=host:port, e.g. n1=127.0.0.1:7001' });
  }
  return { host, port };
}
