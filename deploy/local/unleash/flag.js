'use strict';
// GitLab-style rollout of an Unleash flag, one command per step, through the Admin API of any
// Unleash (UNLEASH_URL, UNLEASH_ADMIN_TOKEN). Run through ./stack flag; see its usage below.
//
// A flag's rollout is at most two flexibleRollout strategies per environment, which can hold at once:
//   - percentage of actors: rollout N, stickiness projectId, no constraints (GitLab's --actors);
//   - named projects: rollout 100, constraint projectPath IN [...] (GitLab's --project=).
// "true" without projects is one strategy for everything (default stickiness, 100%).

const USAGE = `usage: ./stack flag show NAME [--environment ENV]
       ./stack flag set NAME PERCENT --actors [--environment ENV]
       ./stack flag set NAME true --project=PATH[,PATH...] [--environment ENV]
       ./stack flag set NAME true|false [--environment ENV]
       ./stack flag delete NAME
Unleash is UNLEASH_URL with UNLEASH_ADMIN_TOKEN (./stack's own when unset); the environment is
--environment, else UNLEASH_ENVIRONMENT, else development.`;

const PROJECT = 'default';
const ACTORS = 'actors';
const PROJECTS = 'projects';

function fail(message) {
  console.error(`stack flag: ${message}`);
  process.exit(2);
}

function parse(argv) {
  const positional = [];
  const options = {};
  for (const arg of argv) {
    if (arg === '--actors') options.actors = true;
    else if (arg.startsWith('--project=')) options.projects = arg.slice('--project='.length).split(',').map((p) => p.trim()).filter(Boolean);
    else if (arg.startsWith('--environment=')) options.environment = arg.slice('--environment='.length);
    else if (arg === '--environment') options.environment = '\0next';
    else if (options.environment === '\0next') options.environment = arg;
    else if (arg.startsWith('--')) fail(`unknown option ${arg}\n${USAGE}`);
    else positional.push(arg);
  }
  if (options.environment === '\0next') fail('--environment needs a value');
  return { positional, options };
}

async function api(method, path, body, accept = []) {
  const url = process.env.UNLEASH_URL.replace(/\/+$/, '') + path;
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
    fail(`Unleash answered ${response.status} to ${method} ${path}: ${detail}`);
  }
  return { status: response.status, json: text ? JSON.parse(text) : {} };
}

async function feature(name) {
  const { status, json } = await api('GET', `/api/admin/projects/${PROJECT}/features/${encodeURIComponent(name)}`, undefined, [404]);
  if (status === 404) fail(`no flag '${name}' in Unleash at ${process.env.UNLEASH_URL}`);
  return json;
}

function environmentOf(flag, environment) {
  const env = (flag.environments || []).find((e) => e.name === environment);
  if (!env) fail(`Unleash has no environment '${environment}' for '${flag.name}'; it has ${(flag.environments || []).map((e) => e.name).join(', ')}`);
  return env;
}

function kind(strategy) {
  const constraints = strategy.constraints || [];
  if (constraints.some((c) => c.contextName === 'projectPath')) return PROJECTS;
  if (strategy.parameters?.stickiness === 'projectId') return ACTORS;
  return 'everything';
}

function describe(strategy) {
  const constraints = strategy.constraints || [];
  const paths = constraints.filter((c) => c.contextName === 'projectPath').flatMap((c) => c.values || []);
  const other = constraints.filter((c) => c.contextName !== 'projectPath')
    .map((c) => `${c.contextName} ${c.operator} ${(c.values || [c.value]).join(',')}`);
  const rollout = strategy.parameters?.rollout ?? '100';
  switch (kind(strategy)) {
    case PROJECTS: return `projects ${paths.join(', ')}${rollout !== '100' ? ` (${rollout}%)` : ''}`;
    case ACTORS: return `${rollout}% of projects (sticky on projectId)`;
    default: return strategy.name === 'flexibleRollout' || strategy.name === 'default'
      ? `${rollout}% of everything${other.length ? ` where ${other.join(' and ')}` : ''}`
      : `${strategy.name} ${JSON.stringify(strategy.parameters || {})}${other.length ? ` where ${other.join(' and ')}` : ''}`;
  }
}

async function show(name, only) {
  const flag = await feature(name);
  console.log(`${name}${flag.archived ? ' (archived)' : ''}`);
  for (const env of flag.environments || []) {
    if (only && env.name !== only) continue;
    const strategies = env.strategies || [];
    console.log(`  ${env.name}: ${env.enabled ? 'on' : 'off'}${strategies.length ? '' : ' (no strategies)'}`);
    for (const s of strategies) console.log(`    - ${describe(s)}${s.disabled ? ' [disabled]' : ''}`);
  }
}

async function strategiesPath(name, environment) {
  return `/api/admin/projects/${PROJECT}/features/${encodeURIComponent(name)}/environments/${encodeURIComponent(environment)}/strategies`;
}

// Replaces the strategies of the given kinds with the new one (if any), keeping the others.
async function replace(name, environment, kinds, strategy) {
  const env = environmentOf(await feature(name), environment);
  const path = await strategiesPath(name, environment);
  for (const s of env.strategies || []) {
    if (kinds.includes(kind(s))) await api('DELETE', `${path}/${s.id}`);
  }
  if (strategy) await api('POST', path, strategy);
}

function flexible(rollout, stickiness, constraints = []) {
  return { name: 'flexibleRollout', parameters: { rollout: String(rollout), stickiness, groupId: 'rollout' }, constraints };
}

async function turn(name, environment, on) {
  await api('POST', `/api/admin/projects/${PROJECT}/features/${encodeURIComponent(name)}/environments/${encodeURIComponent(environment)}/${on ? 'on' : 'off'}`);
}

async function set(name, value, options, environment) {
  if (value === 'false') {
    await feature(name);
    await turn(name, environment, false);
  } else if (options.actors) {
    const percent = Number(value);
    if (!/^\d{1,3}$/.test(value) || percent > 100) fail(`with --actors, give a percentage from 0 to 100, not '${value}'`);
    await replace(name, environment, [ACTORS, 'everything'], flexible(percent, 'projectId'));
    await turn(name, environment, true);
  } else if (value === 'true' && options.projects) {
    if (options.projects.length === 0) fail('--project= needs at least one project path, e.g. --project=gitlab-org/gitlab');
    const constraint = { contextName: 'projectPath', operator: 'IN', values: options.projects, caseInsensitive: false, inverted: false };
    await replace(name, environment, [PROJECTS, 'everything'], flexible(100, 'projectId', [constraint]));
    await turn(name, environment, true);
  } else if (value === 'true') {
    await replace(name, environment, [ACTORS, PROJECTS, 'everything'], flexible(100, 'default'));
    await turn(name, environment, true);
  } else {
    fail(`'${value}' is not a value: give true, false, or a percentage with --actors\n${USAGE}`);
  }
  await show(name, environment);
}

async function remove(name) {
  await feature(name);
  await api('DELETE', `/api/admin/projects/${PROJECT}/features/${encodeURIComponent(name)}`);
  await api('DELETE', `/api/admin/archive/${encodeURIComponent(name)}`, undefined, [404]);
  console.log(`deleted ${name}`);
}

async function main() {
  const { positional, options } = parse(process.argv.slice(2));
  const [command, name, value] = positional;
  if (!process.env.UNLEASH_URL || !process.env.UNLEASH_ADMIN_TOKEN) {
    fail('set UNLEASH_URL and UNLEASH_ADMIN_TOKEN (./stack env prints the stack\'s), or run ./stack up');
  }
  const environment = options.environment || process.env.UNLEASH_ENVIRONMENT || 'development';
  if (!name) fail(USAGE);
  switch (command) {
    case 'show': return show(name, options.environment);
    case 'set':
      if (value === undefined || positional.length !== 3) fail(USAGE);
      return set(name, value, options, environment);
    case 'delete': return remove(name);
    default: return fail(USAGE);
  }
}

main().catch((e) => fail(e.message));
