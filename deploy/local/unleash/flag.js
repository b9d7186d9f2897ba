'use strict';
// GitLab-style rollout of an Unleash flag, one command per step, through the Admin API of any
// Unleash (UNLEASH_URL, UNLEASH_ADMIN_TOKEN). Run through ./stack flag; see its usage below.
//
// A flag's rollout is at most three flexibleRollout strategies per environment, made by this
// command and titled so (`./stack flag: actors`, ...); strategies made otherwise (the Unleash UI)
// are left alone unless --replace-all:
//   - actors: rollout N, stickiness projectId, no constraints (GitLab's --actors);
//   - projects: rollout 100, constraint projectPath IN [...] (GitLab's --project=);
//   - everything: rollout 100, default stickiness ("true" without projects).
// Each rollout hashes the flag's own name with the project (groupId = flag), so 25% of one flag is
// not the same projects as 25% of another, as Flipper does.
//
// A step moves from one exposure to the next and nowhere else: a strategy is updated in place, or
// the new one is added before the old ones are removed, and the environment is switched on only
// once it has its strategies. Unleash switches an environment off when its last strategy goes, and
// switches one on with no strategy to "on for everyone": neither ever happens between two steps.

const fs = require('fs');
const path = require('path');

const USAGE = `usage: ./stack flag show NAME [--environment ENV[,ENV...]]
       ./stack flag set NAME PERCENT --actors [--environment ENV[,ENV...]] [--replace-all]
       ./stack flag set NAME true --project=PATH[,PATH...] [--environment ENV[,ENV...]] [--replace-all]
       ./stack flag set NAME true|false [--environment ENV[,ENV...]]
       ./stack flag delete NAME [--force]
Unleash is UNLEASH_URL with UNLEASH_ADMIN_TOKEN (./stack's own when unset); the environments are
--environment (repeated or comma separated), else UNLEASH_ENVIRONMENT, else development.`;

const PROJECT = 'default';
const TITLE = './stack flag';
const ACTORS = 'actors';
const PROJECTS = 'projects';
const EVERYTHING = 'everything';
const ROOT = path.resolve(__dirname, '..', '..', '..');

function fail(message) {
  console.error(`stack flag: ${message}`);
  process.exit(2);
}

function parse(argv) {
  const positional = [];
  const options = { environments: [] };
  let expectEnvironment = false;
  for (const arg of argv) {
    if (expectEnvironment) {
      options.environments.push(...arg.split(','));
      expectEnvironment = false;
    } else if (arg === '--actors') options.actors = true;
    else if (arg === '--replace-all') options.replaceAll = true;
    else if (arg === '--force') options.force = true;
    else if (arg.startsWith('--project=')) options.projects = arg.slice('--project='.length).split(',').map((p) => p.trim()).filter(Boolean);
    else if (arg.startsWith('--environment=')) options.environments.push(...arg.slice('--environment='.length).split(','));
    else if (arg === '--environment') expectEnvironment = true;
    else if (arg.startsWith('--')) fail(`unknown option ${arg}\n${USAGE}`);
    else positional.push(arg);
  }
  if (expectEnvironment) fail('--environment needs a value');
  options.environments = options.environments.map((e) => e.trim()).filter(Boolean);
  return { positional, options };
}

async function api(method, apiPath, body, accept = []) {
  const url = process.env.UNLEASH_URL.replace(/\/+$/, '') + apiPath;
  let response;
  try {
    response = await fetch(url, {
      method,
      headers: { Authorization: process.env.UNLEASH_ADMIN_TOKEN, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    fail(`Unleash is not reachable at ${process.env.UNLEASH_URL} (${e.cause ? e.cause.code || e.cause.message : e.message})`);
  }
  const text = await response.text();
  if (!response.ok && !accept.includes(response.status)) {
    if (response.status === 401 || response.status === 403) fail(`Unleash refused the admin token (HTTP ${response.status})`);
    let detail = text;
    try { detail = JSON.parse(text).message || JSON.parse(text).details?.[0]?.message || text; } catch (e) { /* keep text */ }
    fail(`Unleash answered ${response.status} to ${method} ${apiPath}: ${detail}`);
  }
  return { status: response.status, json: text ? JSON.parse(text) : {} };
}

function featurePath(name) {
  return `/api/admin/projects/${PROJECT}/features/${encodeURIComponent(name)}`;
}

async function feature(name) {
  const { status, json } = await api('GET', featurePath(name), undefined, [404]);
  if (status === 404) fail(`no flag '${name}' in Unleash at ${process.env.UNLEASH_URL}`);
  return json;
}

function environmentOf(flag, environment) {
  const env = (flag.environments || []).find((e) => e.name === environment);
  if (!env) fail(`Unleash has no environment '${environment}' for '${flag.name}'; it has ${(flag.environments || []).map((e) => e.name).join(', ')}`);
  return env;
}

// Made by this command: titled so, or (before titles) with the groupId every step used then.
function ours(strategy) {
  return (strategy.title || '').startsWith(TITLE) || (!strategy.title && strategy.parameters?.groupId === 'rollout');
}

function kind(strategy) {
  const title = strategy.title || '';
  if (title.startsWith(`${TITLE}: `)) return title.slice(TITLE.length + 2);
  const constraints = strategy.constraints || [];
  if (constraints.some((c) => c.contextName === 'projectPath')) return PROJECTS;
  if (strategy.parameters?.stickiness === 'projectId') return ACTORS;
  return EVERYTHING;
}

function describe(strategy) {
  const constraints = strategy.constraints || [];
  const paths = constraints.filter((c) => c.contextName === 'projectPath').flatMap((c) => c.values || []);
  const other = constraints.filter((c) => c.contextName !== 'projectPath')
    .map((c) => `${c.contextName} ${c.operator} ${(c.values || [c.value]).join(',')}`);
  const rollout = strategy.parameters?.rollout ?? '100';
  const made = ours(strategy) ? '' : ' (not made by ./stack flag)';
  switch (kind(strategy)) {
    case PROJECTS: return `projects ${paths.join(', ')}${rollout !== '100' ? ` (${rollout}%)` : ''}${made}`;
    case ACTORS: return `${rollout}% of projects (sticky on projectId)${made}`;
    default: return (strategy.name === 'flexibleRollout' || strategy.name === 'default'
      ? `${rollout}% of everything${other.length ? ` where ${other.join(' and ')}` : ''}`
      : `${strategy.name} ${JSON.stringify(strategy.parameters || {})}${other.length ? ` where ${other.join(' and ')}` : ''}`) + made;
  }
}

// The flag's definition in this repository (<service>/src/main/resources/config/feature_flags/NAME.yml).
function definition(name) {
  for (const dir of fs.readdirSync(ROOT, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    const file = path.join(ROOT, dir.name, 'src', 'main', 'resources', 'config', 'feature_flags', `${name}.yml`);
    if (fs.existsSync(file)) {
      const match = fs.readFileSync(file, 'utf8').match(/^default_enabled:\s*(true|false)\s*$/m);
      return { file: path.relative(ROOT, file), defaultEnabled: match ? match[1] === 'true' : undefined };
    }
  }
  return undefined;
}

async function show(name, only) {
  const flag = await feature(name);
  const defined = definition(name);
  console.log(`${name}${flag.archived ? ' (archived)' : ''}${defined
    ? ` (default_enabled: ${defined.defaultEnabled}, ${defined.file})` : ' (no definition in this repository)'}`);
  for (const env of flag.environments || []) {
    if (only.length && !only.includes(env.name)) continue;
    const strategies = env.strategies || [];
    console.log(`  ${env.name}: ${env.enabled ? 'on' : 'off'}${strategies.length ? '' : ' (no strategies)'}`);
    for (const s of strategies) console.log(`    - ${describe(s)}${s.disabled ? ' [disabled]' : ''}`);
  }
}

function strategiesPath(name, environment) {
  return `${featurePath(name)}/environments/${encodeURIComponent(environment)}/strategies`;
}

function flexible(name, strategyKind, rollout, stickiness, constraints = []) {
  return {
    name: 'flexibleRollout',
    title: `${TITLE}: ${strategyKind}`,
    parameters: { rollout: String(rollout), stickiness, groupId: name },
    constraints,
  };
}

async function turn(name, environment, on) {
  await api('POST', `${featurePath(name)}/environments/${encodeURIComponent(environment)}/${on ? 'on' : 'off'}`);
}

// One step in one environment: the wanted strategy updated in place or added, then the strategies it
// replaces removed, then the environment switched on. At no moment between the old exposure and the
// new one is the flag off for everyone or enabled with no strategy.
async function step(name, environment, wanted, replaces, replaceAll) {
  const env = environmentOf(await feature(name), environment);
  const apiPath = strategiesPath(name, environment);
  const existing = env.strategies || [];
  const same = existing.find((s) => ours(s) && kind(s) === kind(wanted));
  if (same) await api('PUT', `${apiPath}/${same.id}`, { ...wanted, disabled: false });
  else await api('POST', apiPath, wanted);
  for (const s of existing) {
    if (s === same) continue;
    if (replaceAll || (ours(s) && replaces.includes(kind(s)))) await api('DELETE', `${apiPath}/${s.id}`);
  }
  if (!env.enabled) await turn(name, environment, true);
}

// GitLab's `feature set NAME false`: off, then every gate removed, so that a later step starts
// from nothing (`set true --project=x` is on for x only).
async function off(name, environment) {
  const env = environmentOf(await feature(name), environment);
  if (env.enabled) await turn(name, environment, false);
  for (const s of env.strategies || []) await api('DELETE', `${strategiesPath(name, environment)}/${s.id}`);
}

async function set(name, value, options, environments) {
  let wanted;
  let replaces;
  if (value === 'false') {
    await feature(name);
    for (const environment of environments) await off(name, environment);
    return show(name, environments);
  } else if (options.actors) {
    const percent = Number(value);
    if (!/^\d{1,3}$/.test(value) || percent > 100) fail(`with --actors, give a percentage from 0 to 100, not '${value}'`);
    wanted = flexible(name, ACTORS, percent, 'projectId');
    replaces = [EVERYTHING];
  } else if (value === 'true' && options.projects) {
    if (options.projects.length === 0) fail('--project= needs at least one project path, e.g. --project=gitlab-org/gitlab');
    const constraint = { contextName: 'projectPath', operator: 'IN', values: options.projects, caseInsensitive: false, inverted: false };
    wanted = flexible(name, PROJECTS, 100, 'projectId', [constraint]);
    replaces = [EVERYTHING];
  } else if (value === 'true') {
    wanted = flexible(name, EVERYTHING, 100, 'default');
    replaces = [ACTORS, PROJECTS];
  } else {
    fail(`'${value}' is not a value: give true, false, or a percentage with --actors\n${USAGE}`);
  }
  for (const environment of environments) await step(name, environment, wanted, replaces, options.replaceAll);
  return show(name, environments);
}

async function remove(name, options) {
  await feature(name);
  const defined = definition(name);
  if (!options.force) {
    if (!defined) {
      fail(`'${name}' has no definition in this repository (<service>/src/main/resources/config/feature_flags/${name}.yml), so `
        + 'what the services do without it is unknown here. Delete it with --force only once no code evaluates it.');
    }
    if (defined.defaultEnabled !== true) {
      fail(`not deleted: ${defined.file} says default_enabled: ${defined.defaultEnabled}, so deleting '${name}' turns the feature off `
        + 'everywhere. Set default_enabled: true there, ship it, then delete the flag (--force deletes it now).');
    }
  }
  await api('DELETE', featurePath(name));
  await api('DELETE', `/api/admin/archive/${encodeURIComponent(name)}`, undefined, [404]);
  console.log(`deleted ${name}${defined ? ` (the services now use default_enabled: ${defined.defaultEnabled} from ${defined.file})` : ''}`);
}

async function main() {
  const { positional, options } = parse(process.argv.slice(2));
  const [command, name, value] = positional;
  if (!process.env.UNLEASH_URL || !process.env.UNLEASH_ADMIN_TOKEN) {
    fail('set UNLEASH_URL and UNLEASH_ADMIN_TOKEN (./stack env prints the stack\'s), or run ./stack up');
  }
  const environments = options.environments.length ? options.environments : [process.env.UNLEASH_ENVIRONMENT || 'development'];
  if (!name) fail(USAGE);
  switch (command) {
    case 'show': return show(name, options.environments);
    case 'set':
      if (value === undefined || positional.length !== 3) fail(USAGE);
      return set(name, value, options, environments);
    case 'delete': return remove(name, options);
    default: return fail(USAGE);
  }
}

main().catch((e) => fail(e.message));
