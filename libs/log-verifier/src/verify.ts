import { StreamChains, type ChainBreak } from './event-chain';
import { UsageError, VerificationFailed } from './errors';
import { compareLogPositions, parseConsistencyProof, parseLogPosition, readExport, type ConsistencyProof, type ExportHeader, type LogPosition } from './export-file';
import { EMPTY_TREE_ROOT, leafHash, verifyConsistency, verifyInclusion } from './merkle';
import { openCheckpoint, parseNote, parseVerifierKey, type OpenedCheckpoint } from './note';

/** What the auditor hands the verifier: texts and lines, already read (the CLI reads the files). */
export interface VerifyInput {
  /** The signed checkpoint note. */
  checkpoint: string;
  /** The log's verifier key (vkey). */
  verifierKey: string;
  /** The origin the checkpoint must name; the key's name when omitted. */
  origin?: string;
  /** The lines of an export made against `checkpoint`. */
  exportLines?: AsyncIterable<string>;
  /** An earlier signed checkpoint of the same log. */
  previous?: string;
  /** A consistency proof `{from, to, proof}` from `previous` to `checkpoint` (parsed JSON). */
  consistency?: unknown;
}

export interface CheckpointSummary {
  origin: string;
  treeSize: number;
  /** Base64. */
  rootHash: string;
  signedBy: string;
}

/** What an export was shown to be. */
export interface ExportVerification {
  events: number;
  streams: number;
  /** Whether each event's inclusion proof was checked against the checkpoint (always, when one was given). */
  inclusionChecked: boolean;
  /** The export holds every event of the checkpoint's tree, leaf by leaf. */
  wholeLog: boolean;
  upTo: string;
  /** Streams the export says it left out: nothing about them is proved. */
  excludedStreams: string[];
  /** The consistency proof the header carries, if any (for `--previous`). */
  consistency?: ConsistencyProof;
}

export interface VerifyResult {
  checkpoint: CheckpointSummary;
  export?: Omit<ExportVerification, 'consistency'>;
  previous?: CheckpointSummary & {
    /** How consistency was shown: a proof (from the export or a proof file), or trivially. */
    shownBy: 'export proof' | 'proof file' | 'same tree' | 'empty tree';
  };
}

const summaryOf = (opened: OpenedCheckpoint): CheckpointSummary => ({
  origin: opened.checkpoint.origin,
  treeSize: opened.checkpoint.treeSize,
  rootHash: opened.checkpoint.rootHash.toString('base64'),
  signedBy: opened.signedBy,
});

const describeBreak = (broken: ChainBreak, line: number): string =>
  broken.reason === 'version_gap'
    ? `stream ${broken.streamId}: expected version ${broken.expectedVersion}, found version ${broken.foundVersion} (export line ${line}): the stream is not complete from version 1`
    : `stream ${broken.streamId} version ${broken.version} (export line ${line}): the hash does not verify: its content chains to ${broken.expected}, the export says ${broken.found}`;

/** Checks that a checkpoint of size 0 has the empty tree's root: any other root is not a tree of no leaves. */
const checkEmptyRoot = (opened: OpenedCheckpoint, what: string): void => {
  if (opened.checkpoint.treeSize === 0 && !opened.checkpoint.rootHash.equals(EMPTY_TREE_ROOT)) {
    throw new VerificationFailed('checkpoint', `${what} has tree size 0 but not the empty tree's root hash`);
  }
};

/** The header's checkpoint must be the verified one: the same tree size and root, and the same signed text when it carries the note. */
const checkHeaderCheckpoint = (header: ExportHeader, line: number, checkpoint: OpenedCheckpoint): void => {
  const fromHeader = header.checkpoint;
  if (!fromHeader) throw new VerificationFailed('export', `export line ${line}: the header names no checkpoint, so the export carries no inclusion proofs (export the claim against a checkpoint)`);
  const { treeSize, rootHash } = checkpoint.checkpoint;
  if (fromHeader.treeSize !== treeSize || !fromHeader.rootHash.equals(rootHash)) {
    throw new VerificationFailed(
      'export',
      `the export's proofs are against the tree of size ${fromHeader.treeSize} with root ${fromHeader.rootHash.toString('base64')}, the checkpoint is size ${treeSize} with root ${rootHash.toString('base64')}`,
    );
  }
  if (fromHeader.note !== undefined && parseNote(fromHeader.note).text !== checkpoint.note.text) {
    throw new VerificationFailed('export', "the checkpoint note in the export's header is not the checkpoint given");
  }
};

/**
 * Checks an export line by line. Always: the file's shape, log order, each stream complete from version 1
 * with every hash link recomputed from the event's content, and the end marker's counts. With `checkpoint`:
 * that the export was made against it and every event's inclusion proof leads to its root; for a whole-log
 * export, that its events are the tree's leaves one by one. Memory: one entry per stream.
 */
export const verifyExport = async (lines: AsyncIterable<string>, checkpoint?: OpenedCheckpoint): Promise<ExportVerification> => {
  const chains = new StreamChains();
  let header: ExportHeader | undefined;
  let upTo: LogPosition | undefined;
  let previousPosition: LogPosition | undefined;
  let previousLeaf = -1;
  let events = 0;
  let wholeLog = false;
  let listed: Set<string> | null = null;
  let excluded = new Set<string>();
  let trailer: { line: number; events: number; streams: number } | undefined;
  for await (const record of readExport(lines)) {
    if (record.kind === 'header') {
      header = record.header;
      upTo = parseLogPosition(header.upTo);
      wholeLog = header.streams === null && header.excludedStreams.length === 0;
      listed = header.streams === null ? null : new Set(header.streams);
      excluded = new Set(header.excludedStreams);
      if (checkpoint) checkHeaderCheckpoint(header, record.line, checkpoint);
      continue;
    }
    if (record.kind === 'trailer') {
      trailer = record;
      continue;
    }
    const { event } = record;
    const at = `export line ${event.line}`;
    const fail = (check: 'export' | 'inclusion', message: string): never => {
      throw new VerificationFailed(check, `${at}: ${message}`);
    };
    const exported = header as ExportHeader;
    if (listed !== null && !listed.has(event.streamId)) fail('export', `stream ${event.streamId} is not one of the streams the header lists`);
    if (excluded.has(event.streamId)) fail('export', `stream ${event.streamId} is listed as excluded`);
    if (previousPosition && compareLogPositions(event.position, previousPosition) <= 0) fail('export', `position ${event.position.text} is not after ${previousPosition.text}: the events are not in log order`);
    if (upTo && compareLogPositions(event.position, upTo) > 0) fail('export', `position ${event.position.text} is after the export's end ${exported.upTo}`);
    previousPosition = event.position;

    const broken = chains.follow(event);
    if (broken) throw new VerificationFailed('chain', describeBreak(broken, event.line));

    if (checkpoint) {
      const { treeSize, rootHash } = checkpoint.checkpoint;
      if (event.leafIndex === undefined || event.inclusionProof === undefined) fail('export', 'the event has no leafIndex and inclusionProof');
      const leafIndex = event.leafIndex as number;
      // Leaves are the events in log order, so indices rise with positions; a whole log is every leaf in turn.
      if (leafIndex <= previousLeaf) fail('inclusion', `leaf index ${leafIndex} is not after the previous event's ${previousLeaf}, yet the event comes later in the log`);
      if (wholeLog && leafIndex !== events) fail('inclusion', `the export holds the whole log, so this event must be leaf ${events}, not ${leafIndex}`);
      previousLeaf = leafIndex;
      const check = verifyInclusion(leafIndex, treeSize, leafHash(event.hash), event.inclusionProof as Buffer[], rootHash);
      if (!check.valid) fail('inclusion', `event ${event.eventId} (stream ${event.streamId} version ${event.streamVersion}) is not proven to be leaf ${leafIndex} of the checkpoint's tree of size ${treeSize}: ${check.reason}`);
    }
    events += 1;
  }
  const end = trailer as { line: number; events: number; streams: number };
  if (end.events !== events) throw new VerificationFailed('export', `the end marker counts ${end.events} events, the file has ${events}`);
  if (end.streams !== chains.streamCount) throw new VerificationFailed('export', `the end marker counts ${end.streams} streams, the file has ${chains.streamCount}`);
  if (checkpoint && wholeLog && events !== checkpoint.checkpoint.treeSize) {
    throw new VerificationFailed('export', `the export holds the whole log but ${events} events, the checkpoint's tree has ${checkpoint.checkpoint.treeSize} leaves`);
  }
  const done = header as ExportHeader;
  return {
    events,
    streams: chains.streamCount,
    inclusionChecked: checkpoint !== undefined,
    wholeLog: checkpoint !== undefined && wholeLog,
    upTo: done.upTo,
    excludedStreams: done.excludedStreams,
    ...(done.consistency ? { consistency: done.consistency } : {}),
  };
};

/** Chooses the consistency proof from `previous` to `current` and checks it. */
const checkConsistency = (
  previous: OpenedCheckpoint,
  current: OpenedCheckpoint,
  fromFile: ConsistencyProof | undefined,
  fromExport: ConsistencyProof | undefined,
): NonNullable<VerifyResult['previous']>['shownBy'] => {
  const first = previous.checkpoint;
  const second = current.checkpoint;
  if (first.treeSize > second.treeSize) {
    throw new VerificationFailed('consistency', `the earlier checkpoint (size ${first.treeSize}) is larger than the later one (size ${second.treeSize}): the log shrank`);
  }
  if (fromFile && (fromFile.from !== first.treeSize || fromFile.to !== second.treeSize)) {
    throw new VerificationFailed('consistency', `the consistency proof is from size ${fromFile.from} to ${fromFile.to}, the checkpoints are sizes ${first.treeSize} and ${second.treeSize}`);
  }
  const matchingExportProof = fromExport && fromExport.from === first.treeSize && fromExport.to === second.treeSize ? fromExport : undefined;
  const proof = fromFile ?? matchingExportProof;
  let shownBy: NonNullable<VerifyResult['previous']>['shownBy'];
  if (proof) shownBy = fromFile ? 'proof file' : 'export proof';
  else if (first.treeSize === second.treeSize) shownBy = 'same tree';
  else if (first.treeSize === 0) shownBy = 'empty tree';
  else {
    throw new UsageError(
      `no consistency proof from size ${first.treeSize} to ${second.treeSize}: pass --consistency with the answer of GET /audit/proofs/consistency?from=${first.treeSize}&to=${second.treeSize}, or an export made with since=<the earlier checkpoint>`,
    );
  }
  const check = verifyConsistency(first.treeSize, second.treeSize, first.rootHash, second.rootHash, proof?.proof ?? []);
  if (!check.valid) throw new VerificationFailed('consistency', `the checkpoint of size ${second.treeSize} is not proven to extend the one of size ${first.treeSize}: ${check.reason}`);
  return shownBy;
};

/**
 * Everything the offline verifier checks, in order: the checkpoint's signature and form; the export against
 * it (chains and inclusion); the earlier checkpoint's signature and the log's consistency between the two.
 * Throws `VerificationFailed` at the first check that does not hold, `UsageError` when input is missing.
 */
export const verifyAuditEvidence = async (input: VerifyInput): Promise<VerifyResult> => {
  const key = parseVerifierKey(input.verifierKey);
  const origin = input.origin ?? key.name;
  const current = openCheckpoint(input.checkpoint, key, origin);
  checkEmptyRoot(current, 'the checkpoint');
  const previous = input.previous === undefined ? undefined : openCheckpoint(input.previous, key, origin);
  if (previous) checkEmptyRoot(previous, 'the earlier checkpoint');
  const fromFile =
    input.consistency === undefined
      ? undefined
      : parseConsistencyProof(input.consistency, (message) => {
          throw new VerificationFailed('consistency', message);
        });
  if (fromFile && !previous) throw new UsageError('--consistency needs --previous: the earlier checkpoint whose root the proof leads to');

  const result: VerifyResult = { checkpoint: summaryOf(current) };
  let exportProof: ConsistencyProof | undefined;
  if (input.exportLines) {
    const { consistency, ...verified } = await verifyExport(input.exportLines, current);
    result.export = verified;
    exportProof = consistency;
  }
  if (previous) result.previous = { ...summaryOf(previous), shownBy: checkConsistency(previous, current, fromFile, exportProof) };
  return result;
};

/** The one line that says what was proved. */
export const describeResult = (result: VerifyResult): string => {
  const { checkpoint } = result;
  const parts = [`verified: checkpoint ${checkpoint.origin} size ${checkpoint.treeSize} signed by ${checkpoint.signedBy}`];
  if (result.export) {
    const { events, streams, wholeLog, excludedStreams } = result.export;
    const excluded = excludedStreams.length > 0 ? ` (${excludedStreams.length} stream${excludedStreams.length === 1 ? '' : 's'} left out by the export, not checked)` : '';
    parts.push(`${events} event${events === 1 ? '' : 's'} of ${streams} stream${streams === 1 ? '' : 's'} included${wholeLog ? ' (the whole log)' : ''}, chains intact${excluded}`);
  }
  if (result.previous) {
    const { treeSize, shownBy } = result.previous;
    parts.push(`consistent with size ${treeSize}${shownBy === 'same tree' ? ' (the same tree)' : shownBy === 'empty tree' ? ' (the empty tree)' : ''}`);
  }
  return parts.join('; ');
};
