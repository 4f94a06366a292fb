import { checkpointBody, testSigner } from '../testing/note-signer';
import { VerificationFailed } from './errors';
import { openCheckpoint, parseCheckpoint, parseNote, parseVerifierKey, verifyNoteSignature } from './note';

// Published vectors, verified by other implementations: golang.org/x/mod/sumdb/note's tests (The Go Authors),
// the example of https://c2sp.org/signed-note, and a checkpoint of the Go checksum database (sum.golang.org/latest)
// with the key from go/src/cmd/go/internal/modfetch/key.go.
const PETER_KEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const ENOCH_KEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const GO_NOTE =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n\n" +
  '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n' +
  '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';
const FOO_KEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
const FOO_NOTE = 'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';
const SUMDB_KEY = 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8';
const SUMDB_CHECKPOINT =
  'go.sum database tree\n65664258\nWVVNVD2qx+fTq31zkj6UAqxT5X6HvGphGM+o8Thnbsg=\n\n' +
  '— sum.golang.org Az3grligJmgX7KGyGPKybykNTh3VgsbLvUuvOwrM5zLVlulmFp2wdvbxOw74/gcNxURShXEpb7RXcs3+BYflYN+w0gQ=\n';

const failure = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof VerificationFailed) return error.message;
    throw error;
  }
  throw new Error('expected the check to fail');
};

describe('signed notes and checkpoints (C2SP)', () => {
  it('verifies the published vectors: Go note package, the C2SP example, a sum.golang.org checkpoint', () => {
    const note = parseNote(GO_NOTE);
    expect(note.signatures.map((signature) => [signature.name, signature.keyId.toString('hex')])).toEqual([['PeterNeumann', 'c74f20a3'], ['EnochRoot', 'af0cfe78']]);
    for (const key of [PETER_KEY, ENOCH_KEY]) expect(() => verifyNoteSignature(note, parseVerifierKey(key))).not.toThrow();
    expect(() => verifyNoteSignature(parseNote(FOO_NOTE), parseVerifierKey(FOO_KEY))).not.toThrow();
    // sum.golang.org's origin is not its key's name: the verifier is told which origin to expect.
    const opened = openCheckpoint(SUMDB_CHECKPOINT, parseVerifierKey(SUMDB_KEY), 'go.sum database tree');
    expect(opened.checkpoint).toEqual({
      origin: 'go.sum database tree',
      treeSize: 65664258,
      rootHash: Buffer.from('WVVNVD2qx+fTq31zkj6UAqxT5X6HvGphGM+o8Thnbsg=', 'base64'),
      extensions: [],
    });
    expect(opened.signedBy).toBe('sum.golang.org+033de0ae');
    expect(failure(() => openCheckpoint(SUMDB_CHECKPOINT, parseVerifierKey(SUMDB_KEY)))).toBe('the checkpoint is for origin "go.sum database tree", expected "sum.golang.org"');
  });

  it('refuses a note signed by another key, even one with the same name', () => {
    const log = testSigner('claim-ledger.local/log');
    const impostor = testSigner('claim-ledger.local/log');
    const stranger = testSigner('witness.example/w1');
    const note = impostor.sign(checkpointBody('claim-ledger.local/log', 3, Buffer.alloc(32, 7)));
    const key = parseVerifierKey(log.verifierKey);
    const impostorId = impostor.verifierKey.split('+')[1];
    expect(failure(() => openCheckpoint(note, key))).toBe(`the note has no signature by ${key.label} (it is signed by claim-ledger.local/log+${impostorId})`);
    expect(failure(() => openCheckpoint(stranger.sign('x\n'), key))).toMatch(/no signature by .* \(it is signed by witness\.example\/w1\+[0-9a-f]{8}\)$/);
    // A line naming the right key id with another key's signature bytes.
    const body = checkpointBody('claim-ledger.local/log', 3, Buffer.alloc(32, 7));
    const forgedLine = log.signatureLine(body).replace(/ (\S+)\n$/, (_, encoded: string) => {
      const bytes = Buffer.from(encoded, 'base64');
      const theirs = Buffer.from(impostor.signatureLine(body).trim().split(' ').at(-1) as string, 'base64');
      return ` ${Buffer.concat([bytes.subarray(0, 4), theirs.subarray(4)]).toString('base64')}\n`;
    });
    expect(failure(() => openCheckpoint(`${body}\n${forgedLine}`, key))).toBe(`the signature by ${key.label} does not verify: the note text was altered after it was signed`);
  });

  it('refuses an altered body, and ignores unknown co-signatures', () => {
    const log = testSigner('claim-ledger.local/log');
    const witness = testSigner('witness.example/w1');
    const body = checkpointBody('claim-ledger.local/log', 1234, Buffer.alloc(32, 9));
    const note = `${log.sign(body)}${witness.signatureLine(body)}`;
    const key = parseVerifierKey(log.verifierKey);
    expect(openCheckpoint(note, key).checkpoint.treeSize).toBe(1234);
    expect(failure(() => openCheckpoint(note.replace('1234', '1235'), key))).toMatch(/does not verify/);
    expect(failure(() => openCheckpoint(`${log.sign(body)}${log.signatureLine(body)}`, key))).toMatch(/more than one signature/);
  });

  it('checks the verifier key: form, algorithm and that its id is its own', () => {
    expect(failure(() => parseVerifierKey('claim-ledger.local/log'))).toMatch(/not of the form/);
    expect(failure(() => parseVerifierKey(PETER_KEY.replace('c74f20a3', 'c74f20a4')))).toBe("the verifier key's id c74f20a4 does not match its name and public key (expected c74f20a3)");
    expect(failure(() => parseVerifierKey(PETER_KEY.replace('PeterNeumann', 'Peter Neumann')))).toMatch(/contains whitespace/);
    expect(failure(() => parseVerifierKey(PETER_KEY.replace('+ARpc', '+ARpd')))).toMatch(/does not match/);
    expect(failure(() => parseVerifierKey(`x+00000000+${Buffer.concat([Buffer.from([2]), Buffer.alloc(32)]).toString('base64')}`))).toMatch(/not an Ed25519 key/);
  });

  it('refuses malformed notes and checkpoints with a reason', () => {
    const body = checkpointBody('o', 5, Buffer.alloc(32));
    const signed = testSigner('o').sign(body);
    expect(failure(() => parseNote(body))).toBe('the note has no blank line between its text and its signatures');
    expect(failure(() => parseNote(signed.replace(/\n$/, '')))).toBe('the last signature line does not end with a newline');
    expect(failure(() => parseNote(signed.replace('— ', '- ')))).toBe('signature line 1 does not start with "— " (an em dash and a space)');
    expect(failure(() => parseNote(signed.replace(/\n/g, '\r\n')))).toMatch(/carriage return/);
    expect(failure(() => parseNote(`${body}\n— o AAAA\n`))).toMatch(/signature line 1: the signature is not base64/);
    expect(failure(() => parseNote(`${body}\n`))).toBe('the note has no signature lines');
    expect(failure(() => parseCheckpoint('o\n5\n'))).toMatch(/fewer than three lines/);
    expect(failure(() => parseCheckpoint(`o\n05\n${Buffer.alloc(32).toString('base64')}\n`))).toMatch(/without leading zeros/);
    expect(failure(() => parseCheckpoint(`o\n5\n${Buffer.alloc(31).toString('base64')}\n`))).toMatch(/not base64 of 32 bytes/);
    expect(failure(() => parseCheckpoint('o\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n'))).toMatch(/not base64 of 32 bytes/);
    expect(parseCheckpoint(`${body}extension line\n`).extensions).toEqual(['extension line']);
  });
});
