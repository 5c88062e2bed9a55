#!/usr/bin/env python3
"""Side by side: `portico lint --ruleset P` against `spectral lint -r S` on corpus documents.

Usage: bench/spectral-parity.py PORTICO_RULESET SPECTRAL_RULESET [--limit N] [--kind openapi|asyncapi]
       [--show N] [FILE...]

Compares each document's findings as (rule id, JSON pointer of the location) and prints the
documents that differ and the totals. Spectral (npm @stoplight/spectral-cli, pinned) is
installed into target/bench-tools; portico is target/release/portico if built, else
target/debug/portico (PORTICO_BIN names another). Documents come from ../shared/corpus/MANIFEST.tsv (role `document`).
"""
import argparse, json, os, subprocess, sys, collections

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(os.path.dirname(ROOT), 'shared', 'corpus')
TOOLS = os.path.join(ROOT, 'target', 'bench-tools')
SPECTRAL_VERSION = '6.16.3'


def spectral_bin():
    binary = os.path.join(TOOLS, 'node_modules', '.bin', 'spectral')
    if not os.path.exists(binary):
        os.makedirs(TOOLS, exist_ok=True)
        # A package.json of its own, or npm installs into the repository's.
        if not os.path.exists(os.path.join(TOOLS, 'package.json')):
            subprocess.run(['npm', 'init', '-y'], cwd=TOOLS, check=True, stdout=subprocess.DEVNULL)
        subprocess.run(['npm', 'install', '--no-audit', '--no-fund', '--silent',
                        f'@stoplight/spectral-cli@{SPECTRAL_VERSION}', '@stoplight/spectral-owasp-ruleset@2.0.1'],
                       cwd=TOOLS, check=True, stdout=subprocess.DEVNULL)
    return binary


def portico_bin():
    if os.environ.get('PORTICO_BIN'):
        return os.environ['PORTICO_BIN']
    for profile in ('release', 'debug'):
        candidate = os.path.join(ROOT, 'target', profile, 'portico')
        if os.path.exists(candidate):
            return candidate
    sys.exit('build portico first (cargo build --release -p server)')


def pointer(path):
    return ''.join('/' + str(p).replace('~', '~0').replace('/', '~1') for p in path)


def spectral_ruleset(ruleset):
    """Spectral's CLI reads rulesets from files only: a built-in name or an npm package
    (@stoplight/spectral-owasp-ruleset, installed beside the CLI) becomes a file extending it."""
    if not (ruleset.startswith('spectral:') or ruleset.startswith('@')):
        return ruleset
    path = os.path.join(TOOLS, ruleset.lstrip('@').replace(':', '-').replace('/', '-') + '.yaml')
    os.makedirs(TOOLS, exist_ok=True)
    with open(path, 'w') as out:
        out.write(f"extends: '{ruleset}'\n")
    return path


def spectral_findings(ruleset, files):
    out = collections.defaultdict(set)
    ruleset = spectral_ruleset(ruleset)
    for start in range(0, len(files), 40):
        batch = files[start:start + 40]
        result = subprocess.run([spectral_bin(), 'lint', '-r', ruleset, '-f', 'json', '--quiet', *batch],
                                capture_output=True, text=True)
        try:
            results = json.loads(result.stdout or '[]')
        except json.JSONDecodeError:
            print('spectral failed on a batch:', result.stderr[:500], file=sys.stderr)
            continue
        for r in results:
            if r['code'] in ('invalid-ref', 'unrecognized-format', 'parser'):
                continue
            source = os.path.abspath(r.get('source', ''))
            out[source].add((r['code'], pointer(r['path'])))
    return out


def portico_findings(ruleset, files):
    out = collections.defaultdict(set)
    result = subprocess.run([portico_bin(), 'lint', '--ruleset', ruleset, '--format', 'json', *files],
                            capture_output=True, text=True)
    for line in result.stdout.splitlines():
        report = json.loads(line)
        for d in report['diagnostics']:
            if d.get('rule'):
                out[os.path.abspath(d['file'])].add((d['rule'], d['pointer']))
    return out


def documents(kind, limit):
    rows = []
    with open(os.path.join(CORPUS, 'MANIFEST.tsv')) as manifest:
        header = manifest.readline().rstrip('\n').split('\t')
        for line in manifest:
            row = dict(zip(header, line.rstrip('\n').split('\t')))
            if row['role'] != 'document' or (kind and not row['file'].startswith(kind)):
                continue
            rows.append(os.path.join(CORPUS, row['file']))
    return rows[:limit] if limit else rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('portico_ruleset')
    parser.add_argument('spectral_ruleset')
    parser.add_argument('--limit', type=int, default=0)
    parser.add_argument('--kind', default='')
    parser.add_argument('--show', type=int, default=20)
    parser.add_argument('files', nargs='*')
    args = parser.parse_args()
    files = [os.path.abspath(f) for f in args.files] or documents(args.kind, args.limit)
    theirs = spectral_findings(args.spectral_ruleset, files)
    ours = portico_findings(args.portico_ruleset, files)
    same = only_theirs = only_ours = 0
    differing = 0
    by_rule = collections.Counter()
    for source in sorted(set(theirs) | set(ours)):
        t, o = theirs.get(source, set()), ours.get(source, set())
        same += len(t & o)
        only_theirs += len(t - o)
        only_ours += len(o - t)
        for code, _ in (t - o) | (o - t):
            by_rule[code] += 1
        if t != o:
            differing += 1
            if differing <= args.show:
                print(f'== {os.path.relpath(source, CORPUS)}')
                for f in sorted(t - o)[:8]:
                    print('   spectral only:', *f)
                for f in sorted(o - t)[:8]:
                    print('   portico only: ', *f)
    print(f'{len(files)} documents: {same} findings alike, {only_theirs} only Spectral, '
          f'{only_ours} only Portico; {differing} documents differ')
    if by_rule:
        print('differences by rule:', ', '.join(f'{r} {n}' for r, n in by_rule.most_common()))


if __name__ == '__main__':
    main()
