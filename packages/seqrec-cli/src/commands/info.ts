/** `seqrec info`: versions, the backend `--device auto` picks, and why the others are unavailable. */
import { probeBackends } from '@seqrec/runtime';
import { selectBackend } from '../backend';
import { makeOutput, type CliIo } from '../io';
import { bool } from '../parseFlags';
import { SEQREC_VERSION } from '../provenance';

export async function infoCommand(raw: Record<string, unknown>, io: CliIo): Promise<number> {
  const json = bool('json', raw['json']);
  const chosen = await selectBackend('auto', undefined, () => undefined);
  const info = {
    seqrec: SEQREC_VERSION,
    node: process.versions.node,
    tfjs: chosen.tfjsVersion,
    backend: chosen.backend,
    candidate: chosen.candidate,
    device: chosen.device,
    backends: probeBackends(),
  };
  if (json) {
    io.stdout(JSON.stringify(info) + '\n');
    return 0;
  }
  const out = makeOutput(io, false);
  out.human(`seqrec ${info.seqrec}  node ${info.node}  tfjs ${info.tfjs}`);
  out.human(`backend: ${info.backend} (${info.candidate}, device ${info.device})`);
  for (const b of info.backends) out.human(`  ${b.available ? 'yes' : 'no '} ${b.candidate.padEnd(14)} ${b.detail}`);
  return 0;
}
