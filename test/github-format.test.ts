import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../src/index.js';
import { annotation, command, escapeData, escapeProperty, renderGithub } from '../src/report/github.js';
import { runInProcess } from './helpers/run-cli.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'wildcard-rule',
    severity: 'warning',
    message: 'Role shop/reader rules[0] uses "*" in resources',
    help: '',
    file: 'deploy/rbac.yaml',
    range: { start: { line: 8, column: 17 }, end: { line: 8, column: 20 } },
    related: [],
    fingerprint: 'x',
    ...overrides,
  };
}

const summary = { files: 1, objects: 2, error: 0, warning: 1, note: 0, suppressed: 0 };

const cli = (args: string[]) => runInProcess(args, { cwd: root });

describe('escaping as actions/toolkit command.ts', () => {
  it('escapes %, CR and LF in the message', () => {
    expect(escapeData('100% a\r\nb\nc: d, e')).toBe('100%25 a%0D%0Ab%0Ac: d, e');
  });
  it('also escapes : and , in property values', () => {
    expect(escapeProperty('a:b,c%d\ne')).toBe('a%3Ab%2Cc%25d%0Ae');
  });
  it('shows other control characters instead of writing them to the log', () => {
    expect(escapeData('a\u001b[31mb\u0007')).toBe('a\\x1b[31mb\\x07');
  });
  it('builds a command with and without properties', () => {
    expect(command('error', [], 'boom')).toBe('::error::boom');
    expect(command('notice', [['title', 'x,y']], 'm')).toBe('::notice title=x%2Cy::m');
  });
  it('cannot be used to inject a second workflow command', () => {
    const line = annotation(finding({ message: 'x\n::add-mask::secret', file: 'a,line=1.yaml' }));
    expect(line).toBe(
      '::warning file=a%2Cline=1.yaml,line=8,col=17,endLine=8,endColumn=20,title=wildcard-rule::x%0A::add-mask::secret',
    );
    expect(line.split('\n')).toHaveLength(1);
  });
});

describe('renderGithub', () => {
  it('writes one command per finding, by severity, then the summary line', () => {
    const out = renderGithub(
      [
        finding(),
        finding({ severity: 'error', ruleId: 'impersonate-access', message: '50% of: all' }),
        finding({ severity: 'note', ruleId: 'deprecated-service-account-field', file: path.join(root, 'x/app.yaml') }),
      ],
      { ...summary, error: 1, note: 1 },
      { cwd: root },
    );
    expect(out).toBe(
      [
        '::warning file=deploy/rbac.yaml,line=8,col=17,endLine=8,endColumn=20,title=wildcard-rule::Role shop/reader rules[0] uses "*" in resources',
        '::error file=deploy/rbac.yaml,line=8,col=17,endLine=8,endColumn=20,title=impersonate-access::50%25 of: all',
        '::notice file=x/app.yaml,line=8,col=17,endLine=8,endColumn=20,title=deprecated-service-account-field::Role shop/reader rules[0] uses "*" in resources',
        '3 problems (1 error, 1 warning, 1 note) in 1 file, 2 objects',
        '',
      ].join('\n'),
    );
  });
  it('leaves out the columns of a range over several lines', () => {
    const out = annotation(finding({ range: { start: { line: 3, column: 1 }, end: { line: 9, column: 4 } } }));
    expect(out).toBe('::warning file=deploy/rbac.yaml,line=3,endLine=9,title=wildcard-rule::Role shop/reader rules[0] uses "*" in resources');
  });
  it('names the Helm template a finding came from', () => {
    expect(annotation(finding({ helmSource: 'chart/templates/rbac.yaml' }))).toMatch(/uses "\*" in resources \(from template chart\/templates\/rbac\.yaml\)$/);
  });
  it('prints only the summary line when clean, nothing with summary off', () => {
    expect(renderGithub([], { ...summary, warning: 0 })).toBe('No problems in 1 file, 2 objects\n');
    expect(renderGithub([], { ...summary, warning: 0 }, { summary: false })).toBe('');
  });
});

describe('rbaclint --format github', () => {
  it('prints exact workflow commands for a fixture', async () => {
    const { code, stdout, stderr } = await cli(['lint', 'fixtures/inputs/action/deploy/app.yaml', 'fixtures/inputs/action/deploy/reader.yaml', '--format', 'github']);
    expect(stderr).toBe('');
    expect(code).toBe(0); // notes only, --fail-on warning
    expect(stdout).toBe(
      [
        '::notice file=fixtures/inputs/action/deploy/app.yaml,line=20,col=7,endLine=20,endColumn=21,title=deprecated-service-account-field::Deployment shop/web uses the deprecated field serviceAccount instead of serviceAccountName',
        '::notice file=fixtures/inputs/action/deploy/reader.yaml,line=8,col=17,endLine=8,endColumn=20,title=pod-exec-access::Role shop/reader rules[0] allows get on pods/exec, pods/attach, pods/portforward (through "*" in resources): get alone opens no stream on Kubernetes 1.35 while the AuthorizePodWebsocketUpgradeCreatePermission feature gate is on (the default since 1.35); with it off, whoever holds it runs code in the pods, with their ServiceAccount tokens (not bound)',
        '::notice file=fixtures/inputs/action/deploy/reader.yaml,line=8,col=17,endLine=8,endColumn=20,title=secret-read-access::Role shop/reader rules[0] allows get, list on all Secrets (through resources "*") in namespace "shop" (not bound)',
        '::notice file=fixtures/inputs/action/deploy/reader.yaml,line=8,col=17,endLine=8,endColumn=20,title=wildcard-rule::Role shop/reader rules[0] uses "*" in resources (not bound)',
        '4 problems (0 errors, 0 warnings, 4 notes) in 2 files, 3 objects',
        '',
      ].join('\n'),
    );
  });
  it('-q leaves out the summary line', async () => {
    const { stdout } = await cli(['lint', 'fixtures/inputs/action/clean', '--format', 'github', '-q']);
    expect(stdout).toBe('');
  });
});
