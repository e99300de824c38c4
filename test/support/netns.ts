import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A network namespace joined to this one by a veth pair: a second "machine"
 * inside this one, so that a server can be reached at an address that is not
 * loopback (browsers treat loopback specially). Addresses come from a random
 * 10.x.y.0/30 that no interface here uses yet; nothing leaves the machine.
 * Needs root (CAP_NET_ADMIN, CAP_SYS_ADMIN) and iproute2.
 */
export interface Netns {
  name: string;
  /** The address of this (the test's) side: servers listen here. */
  hostAddress: string;
  /** The address inside the namespace, where clients run. */
  clientAddress: string;
  /** `command args…` as run inside the namespace. */
  command(command: string, args?: string[]): [string, string[]];
  remove(): Promise<void>;
}

async function ip(args: string[]): Promise<string> {
  try {
    return (await run('ip', args)).stdout;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(
      `ip ${args.join(' ')} failed: ${stderr || (error as Error).message}\n` +
        'This test needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN) and iproute2 to create a network namespace.',
      { cause: error },
    );
  }
}

export async function createNetns(): Promise<Netns> {
  const used = await ip(['-4', '-o', 'addr', 'show']);
  let subnet: string;
  do subnet = `10.${randomInt(200, 250)}.${randomInt(0, 256)}`;
  while (used.includes(` ${subnet}.`));
  const id = `${process.pid % 100000}${randomInt(0, 1000)}`;
  const name = `bookshelf-${id}`;
  const [hostLink, clientLink] = [`bsh${id}`, `bsn${id}`];
  const hostAddress = `${subnet}.1`;
  const clientAddress = `${subnet}.2`;

  await ip(['netns', 'add', name]);
  const remove = async () => {
    await ip(['netns', 'delete', name]); // takes the veth pair with it
  };
  try {
    await ip(['link', 'add', hostLink, 'type', 'veth', 'peer', 'name', clientLink]);
    await ip(['link', 'set', clientLink, 'netns', name]);
    await ip(['addr', 'add', `${hostAddress}/30`, 'dev', hostLink]);
    await ip(['link', 'set', hostLink, 'up']);
    await ip(['-n', name, 'addr', 'add', `${clientAddress}/30`, 'dev', clientLink]);
    await ip(['-n', name, 'link', 'set', clientLink, 'up']);
    await ip(['-n', name, 'link', 'set', 'lo', 'up']);
  } catch (error) {
    await run('ip', ['link', 'delete', hostLink]).catch(() => {});
    await remove().catch(() => {});
    throw error;
  }
  return {
    name,
    hostAddress,
    clientAddress,
    command: (command, args = []) => ['ip', ['netns', 'exec', name, command, ...args]],
    remove,
  };
}
